// Command render prints the Markdown it reads on standard input for the
// workshop CLI's notes, hint, check and watch: styled on a terminal, plain
// when piped (or when NO_COLOR is set), through $PAGER (or less -R) when
// longer than the terminal. markdown.go says why it lays the text out itself
// rather than through glamour.
//
// It is a binary of its own so that the workshop CLI does not link a
// Markdown renderer: its package initialisation (glamour's, with chroma's
// lexers and styles, cost every process that linked it about 10-25 ms)
// would cost every verb, and every container that run starts executes the
// CLI's binary twice (the runtime, then its re-executed init).
// lessons/internal/app builds this command into the user's cache directory
// the first time something is rendered, and again when its sources, go.mod,
// go.sum or the Go version change.
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/term"
)

// maxWidth caps the text width on wide terminals: long lines are hard to read.
const maxWidth = 100

// terminal describes standard output: a terminal of some size, or not.
type terminal struct {
	tty           bool
	plain         bool // no escapes even on a terminal
	width, height int
}

func stdoutTerminal() terminal {
	fd := int(os.Stdout.Fd())
	if !term.IsTerminal(fd) {
		return terminal{width: 80}
	}
	w, h, err := term.GetSize(fd)
	if err != nil || w <= 0 {
		w, h = 80, 24
	}
	// NO_COLOR (no-color.org): the text as piped, paged all the same.
	_, noColor := os.LookupEnv("NO_COLOR")
	return terminal{tty: true, plain: noColor, width: min(w, maxWidth), height: h}
}

// render turns Markdown into text for standard output: styled on a
// terminal, plain when piped or redirected (markdown.go lays it out).
func render(md string, t terminal) string {
	return renderMarkdown(md, t.width, !t.tty || t.plain)
}

func main() {
	md, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed: read the notes to render: %v\n", err)
		os.Exit(1)
	}
	show(string(md))
}

// show prints rendered Markdown, through $PAGER (or less -R) when it is
// longer than the terminal.
func show(md string) {
	t := stdoutTerminal()
	text := render(md, t)
	if !t.tty || strings.Count(text, "\n") < t.height-1 {
		fmt.Print(text)
		return
	}
	pager := os.Getenv("PAGER")
	if pager == "" {
		pager = "less -R"
	}
	cmd := exec.Command("sh", "-c", pager)
	cmd.Stdin = strings.NewReader(text)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Print(text)
	}
}
