package main

// glamour renders the prose; this file decides what glamour sees. Left to
// itself, glamour wraps fenced code at the text width (a copied command
// breaks, a comment word lands on a line of its own and runs when pasted),
// gives list items no hanging indent, and leaves a paragraph's last word
// alone on a line. So the Markdown is cut into its top-level blocks here:
// fenced code is printed as written (codeblock.go), every list item is laid
// out with a hanging indent around its content, which goes through this
// same function at the item's width, and each other block (paragraph,
// heading, table, quote) is rendered by glamour alone (style.go), a
// paragraph again a little narrower when it would end on an orphan word.
// protect.go keeps inline code whole.

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// document renders a whole Markdown text width columns wide.
func (r *renderer) document(md string, width int) string {
	src := protect([]byte(md))
	lines := r.blocks(src, width, false)
	return strings.Join(lines, "\n") + "\n"
}

// A chunk is one top-level block of a Markdown text and its source lines.
type chunk struct {
	node       ast.Node
	start, end int // byte offsets in the source: whole lines
}

// chunks cuts src into its top-level blocks, each from the line it starts
// on to the line the next one starts on. A block whose start the parser
// does not record (a thematic break) stays with the block before it, and
// both go to glamour.
func chunks(src []byte) []chunk {
	doc := goldmarkMD.Parser().Parse(text.NewReader(src))
	var cs []chunk
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		off := blockStart(n, src)
		if off < 0 {
			if len(cs) > 0 {
				cs[len(cs)-1].node = nil // mixed: glamour's
				continue
			}
			off = 0
		}
		if len(cs) > 0 {
			cs[len(cs)-1].end = off
		}
		cs = append(cs, chunk{node: n, start: off})
	}
	if len(cs) > 0 {
		cs[len(cs)-1].end = len(src)
	}
	return cs
}

// blockStart is the offset of the start of the line a block begins on, or
// -1 when no descendant records where it is.
func blockStart(n ast.Node, src []byte) int {
	switch n := n.(type) {
	case *ast.List, *ast.ListItem, *ast.Blockquote:
		// Where its first block starts (which may be code).
		if n.FirstChild() == nil {
			return -1
		}
		return blockStart(n.FirstChild(), src)
	case *ast.FencedCodeBlock:
		// Its lines are the code's: the fence is the line before.
		switch {
		case n.Info != nil:
			return lineStart(src, n.Info.Segment.Start)
		case n.Lines().Len() > 0:
			return lineStart(src, max(0, lineStart(src, n.Lines().At(0).Start)-1))
		default:
			return -1
		}
	}
	if off := firstOffset(n); off >= 0 {
		return lineStart(src, off)
	}
	return -1
}

func firstOffset(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := firstOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}

func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// blocks renders src's blocks width columns wide, a blank line between
// two of them unless tight (the items of a tight list).
func (r *renderer) blocks(src []byte, width int, tight bool) []string {
	var lines []string
	for i, c := range chunks(src) {
		if i > 0 && !tight {
			lines = append(lines, "")
		}
		switch n := c.node.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines = append(lines, r.code(n, src)...)
		case *ast.List:
			lines = append(lines, r.list(n, src, c.start, c.end, width)...)
		case *ast.Paragraph:
			lines = append(lines, r.paragraph(src[c.start:c.end], width)...)
		default:
			lines = append(lines, r.glamour(src[c.start:c.end], width)...)
		}
	}
	return lines
}

// paragraph renders a paragraph with glamour and, when its last line is a
// single word, again a little narrower (by a quarter at most), so that the
// line above gives that word company without making the paragraph longer.
// It tries the widest width first that changes anything (one column less
// than the widest line): the paragraph's right edge moves in as little as
// it can.
func (r *renderer) paragraph(src []byte, cols int) []string {
	lines := r.glamour(src, cols)
	if !orphan(lines) {
		return lines
	}
	widest := 0
	for _, line := range lines {
		widest = max(widest, width(visible(line)))
	}
	for w := min(cols, widest) - 1; w >= cols*3/4; w-- {
		narrower := r.glamour(src, w)
		if len(narrower) > len(lines) {
			break
		}
		if !orphan(narrower) {
			return narrower
		}
	}
	return lines
}

// orphan tells whether a paragraph of two lines or more ends on a line of
// one word.
func orphan(lines []string) bool {
	n := len(lines)
	return n >= 2 && !strings.Contains(strings.TrimSpace(visible(lines[n-1])), " ")
}
