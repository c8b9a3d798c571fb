package main

import (
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// goldmarkMD parses Markdown as glamour does (GitHub's flavour, definition
// lists), so that the blocks cut here are the blocks glamour would see.
var goldmarkMD = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList))

// Glamour wraps a paragraph with reflow's wordwrap, which breaks lines at
// spaces and after every '-', and then again with x/ansi's Wordwrap, which
// breaks a line still too long at any of " ,.;-+|". Inline code would be
// cut at its hyphens and spaces (`/lib/x86_64-` / `linux-gnu`, a section's
// slug the learner types), or, wider than the line, at its dots; and reflow
// does not count the '-' it breaks after, so its line can be one column too
// long and the second pass then leaves a word alone on a line. So before
// glamour sees the text, every '-' of the prose becomes keepHyphen and
// every space, '-', '.', ',', ';' and '+' of inline code a stand-in of its
// own: none is a space or a breakpoint to either wrapper, each is one column
// wide to both (go-runewidth, uniseg), to lipgloss's tables, and in East
// Asian locales too. unprotect turns them back in glamour's output.
// Hyphenated words of the prose are then never split either, which reads
// better. The notes do not use the stand-ins themselves (one in the prose
// would come out as what it stands for). A '|' in inline code is left as it
// is: in a table it would end the cell.
const (
	keepHyphen = '\u2011' // NON-BREAKING HYPHEN
	keepSpace  = '\u2423' // OPEN BOX
)

var (
	protectCode = strings.NewReplacer(
		" ", string(keepSpace), "-", string(keepHyphen),
		".", "\ua4f8", ",", "\ua4f9", ";", "\ua4fb", "+", "\ua4fc")
	unprotect = strings.NewReplacer(
		string(keepSpace), " ", string(keepHyphen), "-",
		"\ua4f8", ".", "\ua4f9", ",", "\ua4fb", ";", "\ua4fc", "+").Replace
)

// protect returns md with the hyphens of its text and the hyphens, spaces
// line breaks and breakpoints of its inline code replaced (see keepHyphen). Only the
// text of inline nodes changes: the Markdown's structure stays as it was.
func protect(md []byte) []byte {
	type span struct {
		start, stop int
		code        bool
	}
	var spans []span
	doc := goldmarkMD.Parser().Parse(text.NewReader(md))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan:
			first, last := n.FirstChild(), n.LastChild()
			if t, ok := first.(*ast.Text); ok {
				if u, ok := last.(*ast.Text); ok {
					spans = append(spans, span{t.Segment.Start, u.Segment.Stop, true})
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			spans = append(spans, span{n.Segment.Start, n.Segment.Stop, false})
		}
		return ast.WalkContinue, nil
	})
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	at := 0
	for _, s := range spans {
		if s.start < at {
			continue
		}
		b.Write(md[at:s.start])
		in := string(md[s.start:s.stop])
		if s.code {
			b.WriteString(protectCode.Replace(codeBreaks(in)))
		} else {
			b.WriteString(strings.ReplaceAll(in, "-", string(keepHyphen)))
		}
		at = s.stop
	}
	b.Write(md[at:])
	return []byte(b.String())
}

// codeBreaks joins the lines of inline code that runs over a line break
// into one (CommonMark: a line ending in a code span is a space), dropping
// the next line's indentation.
func codeBreaks(code string) string {
	lines := strings.Split(code, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimLeft(lines[i], " \t")
	}
	return strings.Join(lines, " ")
}
