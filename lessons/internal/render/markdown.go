package main

// Why the renderer lays the text out itself rather than through glamour's
// ansi renderer: glamour wraps every paragraph twice, once with reflow's
// wordwrap at the block's width and again, inside its margin writer, with
// ansi.Wordwrap at the document's width and breakpoints " ,.;-+|". The
// second pass splits inline code at hyphens (`/lib/x86_64-` / `linux-gnu`,
// the table of contents' slugs) and leaves one-word lines where the two
// widths disagree; code blocks go through the same writers and wrap too,
// so a copied command breaks. No option changes that: WithWordWrap(0)
// turns wrapping off for prose as well, WithPreservedNewLines keeps the
// source's line breaks (and its widths), and a style's margin, indent or
// prefix only moves the text the wrappers then cut. Its list items have
// no hanging indent and its notty style prints **bold** with the
// asterisks and drops the backticks of code. So this file parses the
// Markdown with goldmark (the parser glamour itself uses) and lays out
// each block: prose wrapped at spaces only, inline code never split,
// fenced code verbatim and never wrapped, lists with a hanging indent,
// tables aligned on their widest cell.

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// codeIndent is how far fenced code is indented: the notes keep code lines
// within 76 columns, so that they fit 80 columns with this indent.
const codeIndent = "    "

// renderer lays Markdown out as lines of text width columns wide, with
// terminal escapes for styles unless plain.
type renderer struct {
	src   []byte
	plain bool
	width int
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// renderMarkdown lays md out for a terminal (plain false) or for a pipe.
func renderMarkdown(md string, width int, plain bool) string {
	r := &renderer{src: []byte(md), plain: plain, width: width}
	doc := markdown.Parser().Parse(text.NewReader(r.src))
	lines := r.blocks(doc, "", "", false)
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// blocks lays out the block children of n, the first line of the first
// one after first and every other line after rest; tight lists put no
// blank line between their blocks.
func (r *renderer) blocks(n ast.Node, first, rest string, tight bool) []string {
	var lines []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		prefix := rest
		if c == n.FirstChild() {
			prefix = first
		} else if !tight {
			lines = append(lines, "")
		}
		lines = append(lines, r.block(c, prefix, rest)...)
	}
	return lines
}

// block lays out one block node.
func (r *renderer) block(n ast.Node, first, rest string) []string {
	switch n := n.(type) {
	case *ast.Heading:
		mark := strings.Repeat("#", n.Level)
		w := &words{}
		w.add(mark, styleHeading)
		w.space = true
		r.inline(n, styleHeading, w)
		w.end()
		return r.paragraph(w.list, first, rest+strings.Repeat(" ", len(mark)+1), styleHeading)
	case *ast.Paragraph, *ast.TextBlock:
		w := &words{}
		r.inline(n, 0, w)
		w.end()
		return r.paragraph(w.list, first, rest, 0)
	case *ast.List:
		return r.list(n, first, rest)
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		return r.verbatim(n, first, rest)
	case *ast.Blockquote:
		return r.blocks(n, first+"│ ", rest+"│ ", false)
	case *ast.ThematicBreak:
		return []string{first + strings.Repeat("─", min(40, r.width-width(first)))}
	case *east.Table:
		return r.table(n, first)
	default:
		return r.blocks(n, first, rest, false)
	}
}

// paragraph wraps words after the prefixes.
func (r *renderer) paragraph(list []word, first, rest string, extra style) []string {
	avail := r.width - max(width(first), width(rest))
	var lines []string
	for i, ws := range wrap(list, max(avail, 20)) {
		text, _ := r.line(ws, extra)
		prefix := rest
		if i == 0 {
			prefix = first
		}
		lines = append(lines, prefix+text)
	}
	return lines
}

// list lays out a list's items, each continuation line indented as far as
// the item's text (a hanging indent), numbers aligned on the right.
func (r *renderer) list(n *ast.List, first, rest string) []string {
	count := n.ChildCount()
	numWidth := len(fmt.Sprint(n.Start + count - 1))
	var lines []string
	i := 0
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "• "
		if n.IsOrdered() {
			marker = fmt.Sprintf("%*d%c ", numWidth, n.Start+i, n.Marker)
		}
		prefix := rest
		if i == 0 {
			prefix = first
		} else if !n.IsTight {
			lines = append(lines, "")
		}
		hang := rest + strings.Repeat(" ", width(marker))
		lines = append(lines, r.blocks(item, prefix+marker, hang, n.IsTight)...)
		i++
	}
	return lines
}

// verbatim prints a code block's lines as they are, indented, never
// wrapped: a learner copies them into a shell.
func (r *renderer) verbatim(n ast.Node, first, rest string) []string {
	var lines []string
	if first != rest {
		lines = append(lines, first) // a list item that starts with code
	}
	indent := rest
	if _, html := n.(*ast.HTMLBlock); !html {
		indent += codeIndent
	}
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		line := strings.TrimRight(string(seg.Value(r.src)), "\r\n")
		if strings.TrimSpace(line) == "" {
			lines = append(lines, "")
			continue
		}
		lines = append(lines, indent+r.styled(line, styleCode))
	}
	return lines
}
