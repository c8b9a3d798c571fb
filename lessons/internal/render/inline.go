package main

import (
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// style is a set of inline styles; the terminal shows each with an SGR
// attribute, plain text shows only code (between backticks).
type style uint8

const (
	styleStrong style = 1 << iota
	styleEmph
	styleCode
	styleLink
	styleHeading
)

// sgr is the terminal's escape sequence for a style: bold, italic, cyan
// code, underlined links, bold magenta headings. The colours are the
// standard eight, which every terminal theme maps to something readable on
// its own background (there is no need to ask the terminal for it, which
// glamour's auto style does and which can stall over a slow ssh link).
func (s style) sgr() string {
	var codes []string
	if s&(styleStrong|styleHeading) != 0 {
		codes = append(codes, "1")
	}
	if s&styleEmph != 0 {
		codes = append(codes, "3")
	}
	if s&styleLink != 0 {
		codes = append(codes, "4")
	}
	switch {
	case s&styleCode != 0:
		codes = append(codes, "36")
	case s&styleHeading != 0:
		codes = append(codes, "35")
	}
	if len(codes) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(codes, ";") + "m"
}

// A piece is text in one style.
type piece struct {
	text  string
	style style
}

// A word is what wrapping never splits: the pieces between two spaces of
// the prose. An inline code span is always inside one word, whatever
// spaces or hyphens it holds, so a command or a section's name is never cut.
type word struct {
	pieces []piece
	width  int
	br     bool // a hard line break: the line ends before this word
}

// width is the number of columns text takes. The notes are ASCII plus a
// few box-drawing characters and bullets, one column each.
func width(s string) int { return utf8.RuneCountInString(s) }

// words collects what the inline children of a block say.
type words struct {
	list  []word
	cur   word
	space bool // a space came since the current word began
}

func (w *words) add(text string, s style) {
	if text == "" {
		return
	}
	if w.space && len(w.cur.pieces) > 0 {
		w.end()
	}
	w.space = false
	if n := len(w.cur.pieces); n > 0 && w.cur.pieces[n-1].style == s {
		w.cur.pieces[n-1].text += text
	} else {
		w.cur.pieces = append(w.cur.pieces, piece{text, s})
	}
	w.cur.width += width(text)
}

// text adds prose: each space (or line break in the source) ends a word.
func (w *words) text(text string, s style) {
	start := 0
	for i, r := range text {
		if r == ' ' || r == '\n' || r == '\t' {
			w.add(text[start:i], s)
			w.space = true
			start = i + 1
		}
	}
	w.add(text[start:], s)
}

func (w *words) end() {
	if len(w.cur.pieces) > 0 || w.cur.br {
		w.list = append(w.list, w.cur)
	}
	w.cur = word{}
}

func (w *words) lineBreak() {
	w.end()
	w.cur.br = true
	w.space = false
}

// inline walks the inline children of n.
func (r *renderer) inline(n ast.Node, s style, w *words) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			w.text(string(c.Segment.Value(r.src)), s)
			if c.HardLineBreak() {
				w.lineBreak()
			} else if c.SoftLineBreak() {
				w.space = true
			}
		case *ast.String:
			w.text(string(c.Value), s)
		case *ast.CodeSpan:
			code := r.codeSpan(c)
			if r.plain {
				// Plain text keeps the backticks: without them a command
				// melts into the sentence around it.
				code = "`" + code + "`"
			}
			w.add(code, s|styleCode)
		case *ast.Emphasis:
			inner := styleEmph
			if c.Level >= 2 {
				inner = styleStrong
			}
			r.inline(c, s|inner, w)
		case *ast.Link:
			r.inline(c, s|styleLink, w)
			if dest := string(c.Destination); dest != "" && dest != r.plainText(c) {
				w.text(" ("+dest+")", s)
			}
		case *ast.AutoLink:
			w.add(string(c.URL(r.src)), s|styleLink)
		case *ast.Image:
			w.text("[image: "+r.plainText(c)+"]", s)
		case *ast.RawHTML:
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				w.text(string(seg.Value(r.src)), s)
			}
		default:
			r.inline(c, s, w)
		}
	}
}

// codeSpan is the text of an inline code span, its line breaks as spaces.
func (r *renderer) codeSpan(n *ast.CodeSpan) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(r.src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
	}
	// CommonMark: a line ending inside a code span is a space.
	return strings.ReplaceAll(b.String(), "\n", " ")
}

// plainText is the text of n's inline children without styles.
func (r *renderer) plainText(n ast.Node) string {
	w := &words{}
	r.inline(n, 0, w)
	w.end()
	var parts []string
	for _, word := range w.list {
		var b strings.Builder
		for _, p := range word.pieces {
			b.WriteString(p.text)
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " ")
}

// wrap breaks words into lines of at most avail columns. A word wider than
// that gets a line of its own (the rendering test reports it). A last line
// of one short word takes a word from the line above when it can, so that
// no paragraph ends on an orphan.
func wrap(list []word, avail int) [][]word {
	var lines [][]word
	var line []word
	used := 0
	for _, w := range list {
		if w.br || (len(line) > 0 && used+1+w.width > avail) {
			lines = append(lines, line)
			line, used = nil, 0
		}
		if len(w.pieces) == 0 {
			continue
		}
		if len(line) > 0 {
			used++
		}
		line = append(line, w)
		used += w.width
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	if n := len(lines); n >= 2 && len(lines[n-1]) == 1 && len(lines[n-2]) >= 3 && !lines[n-1][0].br {
		prev, last := lines[n-2], lines[n-1]
		moved := prev[len(prev)-1]
		if moved.width+1+last[0].width <= avail {
			lines[n-2] = prev[:len(prev)-1]
			lines[n-1] = append([]word{moved}, last...)
		}
	}
	return lines
}

// line renders words as one line of text and returns its width.
func (r *renderer) line(ws []word, extra style) (string, int) {
	var b strings.Builder
	cols := 0
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
			cols++
		}
		for _, p := range w.pieces {
			b.WriteString(r.styled(p.text, p.style|extra))
		}
		cols += w.width
	}
	return b.String(), cols
}

// styled wraps text in its style's escape sequences on a terminal.
func (r *renderer) styled(text string, s style) string {
	if r.plain || text == "" {
		return text
	}
	if sgr := s.sgr(); sgr != "" {
		return sgr + text + "\x1b[0m"
	}
	return text
}
