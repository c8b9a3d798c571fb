package main

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// renderer renders Markdown with glamour in one style: for a terminal of a
// dark or light background, or plain (piped, or NO_COLOR).
type renderer struct {
	style   ansi.StyleConfig
	profile termenv.Profile
	plain   bool
	// glamours holds a glamour renderer per text width: the width is
	// fixed when one is made, and lists and paragraphs ask for several.
	glamours map[int]*glamour.TermRenderer
}

func newRenderer(plain, dark bool, profile termenv.Profile) *renderer {
	style := styles.LightStyleConfig
	if dark {
		style = styles.DarkStyleConfig
	}
	if plain {
		style = plainStyle()
		profile = termenv.Ascii
	}
	// The text starts in the first column: no margin, and no blank line
	// above and below each block glamour renders (blocks puts those).
	style.Document.Margin = uintPtr(0)
	style.Document.BlockPrefix, style.Document.BlockSuffix = "", ""
	style.CodeBlock.Margin = uintPtr(0) // codeblock.go indents code
	return &renderer{style: style, profile: profile, plain: plain, glamours: map[int]*glamour.TermRenderer{}}
}

// plainStyle is glamour's notty style without the asterisks around bold
// and italic text, and with inline code between backticks: glamour prints
// a code span's prefix and suffix, not the block prefix and suffix that its
// notty style gives it, so without this a command melts into the prose.
func plainStyle() ansi.StyleConfig {
	style := styles.NoTTYStyleConfig
	style.Strong.BlockPrefix, style.Strong.BlockSuffix = "", ""
	style.Emph.BlockPrefix, style.Emph.BlockSuffix = "", ""
	style.Code.BlockPrefix, style.Code.BlockSuffix = "", ""
	style.Code.Prefix, style.Code.Suffix = "`", "`"
	return style
}

func uintPtr(u uint) *uint { return &u }

// glamour renders one block of Markdown (protected, see protect.go) width
// columns wide and returns its lines, without the blank lines around it
// and the spaces glamour pads each line with.
func (r *renderer) glamour(md []byte, width int) []string {
	g, ok := r.glamours[width]
	if !ok {
		var err error
		g, err = glamour.NewTermRenderer(
			glamour.WithStyles(r.style),
			glamour.WithColorProfile(r.profile),
			glamour.WithWordWrap(width),
		)
		if err != nil {
			return strings.Split(unprotect(string(md)), "\n")
		}
		r.glamours[width] = g
	}
	out, err := g.RenderBytes(md)
	if err != nil {
		out = md
	}
	lines := strings.Split(unprotect(string(out)), "\n")
	for i, line := range lines {
		lines[i] = trimPadding(line)
	}
	for len(lines) > 0 && strings.TrimSpace(visible(lines[0])) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(visible(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

var escapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// trimPadding drops the spaces glamour pads a line with to the full width
// (each in its colours on a terminal), ending the line's colours instead.
func trimPadding(line string) string {
	end, styled := len(line), false
	for end > 0 {
		if line[end-1] == ' ' {
			end--
			continue
		}
		if line[end-1] != 'm' {
			break
		}
		esc := strings.LastIndex(line[:end], "\x1b[")
		if esc < 0 || strings.Trim(line[esc+2:end-1], "0123456789;") != "" {
			break
		}
		end, styled = esc, true
	}
	if styled {
		return line[:end] + "\x1b[0m"
	}
	return line[:end]
}

// visible is a line without its terminal escapes.
func visible(line string) string { return escapes.ReplaceAllString(line, "") }

// width is the number of columns text takes on a terminal.
func width(s string) int { return xansi.StringWidth(s) }
