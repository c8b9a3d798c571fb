package main

import (
	"strings"

	east "github.com/yuin/goldmark/extension/ast"
)

// table lays a table out with every column as wide as its widest cell.
// When that is wider than the text, the widest columns wrap their cells
// (at spaces, as prose does) until the table fits.
func (r *renderer) table(t *east.Table, prefix string) []string {
	var rows [][][]word
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells [][]word
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			w := &words{}
			r.inline(cell, 0, w)
			w.end()
			cells = append(cells, w.list)
		}
		rows = append(rows, cells)
	}
	cols := len(t.Alignments)
	widths := make([]int, cols)  // what each column gets
	longest := make([]int, cols) // its longest word: no narrower than that
	for _, cells := range rows {
		for c, ws := range cells[:min(cols, len(cells))] {
			_, w := r.line(ws, 0)
			widths[c] = max(widths[c], w)
			for _, word := range ws {
				longest[c] = max(longest[c], word.width)
			}
		}
	}
	const sep = " │ "
	avail := r.width - width(prefix) - width(sep)*(cols-1)
	for sum(widths) > avail {
		widest := -1
		for c := range widths {
			if widths[c] > longest[c] && (widest < 0 || widths[c] > widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			break // as narrow as its words allow
		}
		widths[widest]--
	}
	var lines []string
	for i, cells := range rows {
		lines = append(lines, r.tableRow(cells, widths, t.Alignments, prefix, sep)...)
		if _, header := t.FirstChild().(*east.TableHeader); i == 0 && header {
			var rule []string
			for _, w := range widths {
				rule = append(rule, strings.Repeat("─", w))
			}
			lines = append(lines, prefix+strings.Join(rule, "─┼─"))
		}
	}
	return lines
}

// tableRow lays out one row, its cells wrapped to their columns.
func (r *renderer) tableRow(cells [][]word, widths []int, aligns []east.Alignment, prefix, sep string) []string {
	wrapped := make([][][]word, len(widths))
	height := 1
	for c := range widths {
		if c < len(cells) {
			wrapped[c] = wrap(cells[c], widths[c])
		}
		height = max(height, len(wrapped[c]))
	}
	var lines []string
	for l := 0; l < height; l++ {
		var parts []string
		for c, w := range widths {
			text, used := "", 0
			if l < len(wrapped[c]) {
				text, used = r.line(wrapped[c][l], 0)
			}
			pad := max(0, w-used)
			switch aligns[c] {
			case east.AlignRight:
				text = strings.Repeat(" ", pad) + text
			case east.AlignCenter:
				text = strings.Repeat(" ", pad/2) + text + strings.Repeat(" ", pad-pad/2)
			default:
				text += strings.Repeat(" ", pad)
			}
			parts = append(parts, text)
		}
		lines = append(lines, prefix+strings.Join(parts, sep))
	}
	return lines
}

func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}
