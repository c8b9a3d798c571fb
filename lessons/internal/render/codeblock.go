package main

import (
	"strings"

	"github.com/muesli/termenv"
	"github.com/yuin/goldmark/ast"
)

// codeIndent is how far fenced code is indented: the notes keep code lines
// within 76 columns, so that they fit 80 columns with this indent.
const codeIndent = "    "

// code prints a code block's lines as they are, indented, never wrapped: a
// learner copies them into a shell, and glamour, given the whole text,
// wraps code at the text width like prose. On a terminal glamour still
// colours it (chroma's highlighting, in the style's colours): rendered on
// its own a column wider than its widest line, nothing in it is wrapped.
// Piped, it is printed as it is: glamour's plain rendering of code undoes
// Markdown's backslash escapes in it (`\.` comes out as `.`).
func (r *renderer) code(n ast.Node, src []byte) []string {
	var lines []string
	widest := 0
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		line := strings.TrimRight(string(seg.Value(src)), "\r\n")
		if strings.TrimSpace(line) == "" {
			line = ""
		}
		lines = append(lines, line)
		widest = max(widest, width(line))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if r.plain {
		return indent(lines)
	}
	// Without a language chroma guesses one from the text, by running
	// every lexer's analyser over it, and colours an ASCII diagram as
	// whatever it guessed.
	lang := "text"
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Language(src) != nil {
		lang = string(f.Language(src))
	}
	if styled, ok := r.highlight(lines, lang, widest+1); ok {
		return indent(styled)
	}
	color := r.style.CodeBlock.Color
	for i, line := range lines {
		if line != "" && color != nil {
			lines[i] = termenv.String(line).Foreground(r.profile.Color(*color)).String()
		}
	}
	return indent(lines)
}

// highlight has glamour colour code lines cols columns wide, and says
// whether what came out is, but for its escapes, what went in: else the
// caller colours the code itself.
func (r *renderer) highlight(lines []string, lang string, cols int) ([]string, bool) {
	fence := "```"
	for _, line := range lines {
		for strings.Contains(line, fence) {
			fence += "`"
		}
	}
	md := fence + lang + "\n" + strings.Join(lines, "\n") + "\n" + fence + "\n"
	out := r.glamour([]byte(md), cols)
	if len(out) != len(lines) {
		return nil, false
	}
	for i, line := range out {
		if strings.TrimRight(visible(line), " ") != strings.TrimRight(lines[i], " ") {
			return nil, false
		}
		if lines[i] == "" {
			out[i] = ""
		}
	}
	return out, true
}

func indent(lines []string) []string {
	for i, line := range lines {
		if line != "" {
			lines[i] = codeIndent + line
		}
	}
	return lines
}
