package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// maxCodeWidth is the widest a fenced line may be in the notes' source so
// that, indented by codeIndent, it fits 80 columns. TestNotesShape
// (lessons/internal/workshop) holds the notes to it; here a wider line is
// only exempt from the width check, and named.
const maxCodeWidth = 80 - len(codeIndent)

// source is what a Markdown file holds that must survive rendering: the
// lines of its fenced blocks and its inline code spans.
type source struct {
	fenced []string
	spans  []string
}

func parseSource(md string) source {
	src := []byte(md)
	var s source
	doc := goldmarkMD.Parser().Parse(text.NewReader(src))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				if line := strings.TrimRight(string(seg.Value(src)), "\n"); strings.TrimSpace(line) != "" {
					s.fenced = append(s.fenced, line)
				}
			}
		case *ast.CodeSpan:
			s.spans = append(s.spans, codeSpan(n, src))
		}
		return ast.WalkContinue, nil
	})
	return s
}

// Every lesson's notes and hints (all of lessons/NN/, so that a new lesson
// is covered by being there), on a terminal (glamour's styles for a light
// and for a dark background) and piped, at 80 and 100 columns: fenced code comes out verbatim (never wrapped), no inline code
// span (a command, a section's name) is cut across lines, nothing is wider
// than the width asked for, and plain text has no escapes and no Markdown
// asterisks.
func TestEveryLessonRenders(t *testing.T) {
	files, err := filepath.Glob("../../[0-9][0-9]/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("want the lessons' notes under lessons/NN/, got %v (%v)", files, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		md := string(data)
		src := parseSource(md)
		name := strings.TrimPrefix(filepath.ToSlash(file), "../../")
		for _, term := range []terminal{{tty: true}, {tty: true, dark: true}, {}} {
			for _, cols := range []int{80, 100} {
				term.width = cols
				out := render(md, term)
				if !term.tty && strings.Contains(out, "\x1b[") {
					t.Errorf("%s piped: want no terminal escapes", name)
				}
				checkRendering(t, name, term.tty, cols, src, out)
			}
		}
	}
}

func checkRendering(t *testing.T, name string, tty bool, cols int, src source, out string) {
	t.Helper()
	how := "piped"
	if tty {
		how = "on a terminal"
	}
	lines := strings.Split(escapes.ReplaceAllString(out, ""), "\n")
	verbatim := map[string]bool{}
	for _, code := range src.fenced {
		found := false
		for _, line := range lines {
			if strings.HasSuffix(line, code) && strings.TrimSpace(strings.TrimSuffix(line, code)) == "" {
				found, verbatim[line] = true, true
			}
		}
		if !found {
			t.Errorf("%s %s at %d columns: want the code line %q on a line of its own, as written", name, how, cols, code)
		}
	}
	for _, span := range src.spans {
		if !tty {
			span = "`" + span + "`"
		}
		if !containsLine(lines, span) {
			t.Errorf("%s %s at %d columns: inline code %q is split across lines (or missing)", name, how, cols, span)
		}
	}
	for i, line := range lines {
		w := width(line)
		if w <= cols {
			continue
		}
		if verbatim[line] && width(strings.TrimLeft(line, " ")) > maxCodeWidth {
			t.Logf("%s: a code line wider than %d columns in the source (TestNotesShape forbids it): %q", name, maxCodeWidth, strings.TrimLeft(line, " "))
			continue
		}
		if tooWide := wideSpans(src.spans); tooWide != nil && containsAny(line, tooWide) {
			continue // TestInlineCodeFitsALine names it
		}
		t.Errorf("%s %s: line %d is %d columns wide, want at most %d: %q", name, how, i+1, w, cols, line)
	}
	if !tty {
		for _, line := range lines {
			if strings.Contains(line, "**") && !verbatim[line] && !strings.Contains(line, "`") {
				t.Errorf("%s piped: literal asterisks of bold text: %q", name, line)
			}
		}
	}
}

// codeSpan is the text of an inline code span, a line break in it a space
// (CommonMark).
func codeSpan(n *ast.CodeSpan, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		}
	}
	return strings.ReplaceAll(b.String(), "\n", " ")
}

// Inline code is never cut, so a span must fit on a line of its own: at
// most maxCodeWidth columns, like a line of a code block. A longer one is a
// fault of the notes, not of the rendering: quote less of it, or make it a
// code block of lines that fit.
func TestInlineCodeFitsALine(t *testing.T) {
	files, _ := filepath.Glob("../../[0-9][0-9]/*.md")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, span := range wideSpans(parseSource(string(data)).spans) {
			t.Errorf("%s: inline code of %d columns, want at most %d (it cannot be wrapped): %q", file, width(span), maxCodeWidth, span)
		}
	}
}

// wideSpans lists the spans too wide for a line of their own.
func wideSpans(spans []string) []string {
	var wide []string
	for _, s := range spans {
		if width(s)+2 > maxCodeWidth { // with its backticks when piped
			wide = append(wide, s)
		}
	}
	return wide
}

func containsAny(line string, subs []string) bool {
	for _, s := range subs {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

func containsLine(lines []string, s string) bool {
	for _, line := range lines {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}
