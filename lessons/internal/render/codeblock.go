package main

import (
	"strings"

	"github.com/muesli/termenv"
	"github.com/yuin/goldmark/ast"
)

// codeIndent is how far fenced code is indented: the notes keep code lines
// within 76 columns, so that they fit 80 columns with this indent.
const codeIndent = "    "

// code prints a code block's lines as they are, indented, never wrapped
// (a learner copies them into a shell: glamour would wrap them at the text
// width like prose), in the colour of the style's code blocks.
func (r *renderer) code(n ast.Node, src []byte) []string {
	color := r.style.CodeBlock.Color
	if c := r.style.CodeBlock.Chroma; c != nil && c.Text.Color != nil {
		color = c.Text.Color
	}
	var lines []string
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		line := strings.TrimRight(string(seg.Value(src)), "\r\n")
		switch {
		case strings.TrimSpace(line) == "":
			line = ""
		case r.plain || color == nil:
			line = codeIndent + line
		default:
			line = codeIndent + termenv.String(line).Foreground(r.profile.Color(*color)).String()
		}
		lines = append(lines, line)
	}
	return lines
}
