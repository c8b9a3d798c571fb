package app

import (
	"fmt"
	"strings"
)

// helpWidth is the width help is laid out for: a standard terminal.
const helpWidth = 80

// helpText lists every verb: its usage, then its summary in a column of
// its own, wrapped with a hanging indent. A usage too long for the first
// column puts its summary on the next line, in the same column, so that
// every summary starts in one place.
func helpText() string {
	const prefix = "  go run ./lessons "
	column := 0
	for _, n := range verbNames() {
		if u := len(verbs[n].usage); u <= 28 {
			column = max(column, u)
		}
	}
	column += len(prefix) + 2
	var b strings.Builder
	b.WriteString("unboxed: learn how containers work by building one.\n\n")
	for _, n := range verbNames() {
		v := verbs[n]
		line := prefix + v.usage
		if len(line)+2 > column {
			b.WriteString(line + "\n")
			line = ""
		}
		for i, l := range wrapWords(v.summary, helpWidth-column) {
			if i > 0 {
				line = ""
			}
			fmt.Fprintf(&b, "%-*s%s\n", column, line, l)
		}
	}
	return b.String()
}

// wrapWords breaks text at spaces into lines of at most width columns.
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
