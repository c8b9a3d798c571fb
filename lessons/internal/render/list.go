package main

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// list lays out a list's items with a hanging indent: glamour starts every
// line of an item at the bullet, so each item's content (its source without
// the marker) is rendered on its own, as a document as wide as the text
// after the marker, and its lines are indented under the first one's text.
// Numbers are aligned on the right.
func (r *renderer) list(n *ast.List, src []byte, start, end, cols int) []string {
	var starts []int
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		off := blockStart(item, src)
		if off < 0 {
			// An item with nothing in it: glamour draws the whole list.
			return r.glamour(src[start:end], cols)
		}
		starts = append(starts, off)
	}
	numWidth := len(fmt.Sprint(n.Start + len(starts) - 1))
	var lines []string
	for i, from := range starts {
		to := end
		if i+1 < len(starts) {
			to = starts[i+1]
		}
		marker := "• "
		if n.IsOrdered() {
			marker = fmt.Sprintf("%*d%c ", numWidth, n.Start+i, n.Marker)
		}
		if i > 0 && !n.IsTight {
			lines = append(lines, "")
		}
		hang := strings.Repeat(" ", width(marker))
		content := r.blocks(itemContent(src[from:to]), cols-len(hang), n.IsTight)
		if len(content) == 0 {
			content = []string{""}
		}
		for j, line := range content {
			switch {
			case j == 0:
				lines = append(lines, strings.TrimRight(marker+line, " "))
			case line == "":
				lines = append(lines, "")
			default:
				lines = append(lines, hang+line)
			}
		}
	}
	return lines
}

// itemContent is a list item's source without its marker, its continuation
// lines moved left by as much as the first line's text was indented, so
// that it parses as a document of its own: paragraphs, code, lists.
func itemContent(item []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(item), "\n"), "\n")
	first := lines[0]
	i := len(first) - len(strings.TrimLeft(first, " "))
	j := i
	for j < len(first) && strings.IndexByte("-+*0123456789", first[j]) >= 0 {
		j++
		if first[j-1] < '0' || first[j-1] > '9' {
			break // a bullet is one character
		}
	}
	if j < len(first) && (first[j] == '.' || first[j] == ')') {
		j++
	}
	spaces := len(first[j:]) - len(strings.TrimLeft(first[j:], " "))
	if spaces > 4 || j+spaces == len(first) {
		spaces = 1 // indented code after the marker, or an empty first line
	}
	indent := j + spaces
	var b strings.Builder
	b.WriteString(first[min(indent, len(first)):])
	for _, line := range lines[1:] {
		lead := len(line) - len(strings.TrimLeft(line, " "))
		b.WriteString("\n" + line[min(lead, indent):])
	}
	b.WriteString("\n")
	return []byte(b.String())
}
