// Command render prints the Markdown it reads on standard input for the
// workshop CLI's notes, hint, check and watch with glamour: styled for the
// terminal's background on a terminal, plain when piped (or when NO_COLOR
// is set), through $PAGER (or less -R) when longer than the terminal.
// markdown.go says what it does around glamour so that code is never
// wrapped, inline code never split and list items hang.
//
// It is a binary of its own so that the workshop CLI does not link glamour:
// glamour's package initialisation (chroma's lexers and styles) costs every
// process that links it about 10-25 ms, and every container that run starts
// executes the CLI's binary twice (the runtime, then its re-executed init).
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

	"github.com/muesli/termenv"
	"golang.org/x/term"
)

// maxWidth caps the text width on wide terminals: long lines are hard to read.
const maxWidth = 100

// terminal describes standard output: a terminal of some size, or not.
type terminal struct {
	tty           bool
	plain         bool // no escapes even on a terminal
	dark          bool // a dark background
	profile       termenv.Profile
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
	t := terminal{tty: true, width: min(w, maxWidth), height: h}
	if _, t.plain = os.LookupEnv("NO_COLOR"); !t.plain {
		// What glamour's auto style asks: the colours the terminal
		// supports, and its background (the terminal answers an escape).
		out := termenv.NewOutput(os.Stdout)
		t.profile, t.dark = out.EnvColorProfile(), out.HasDarkBackground()
	}
	return t
}

// render turns Markdown into text for standard output: styled on a
// terminal, plain when piped or redirected (markdown.go).
func render(md string, t terminal) string {
	return newRenderer(!t.tty || t.plain, t.dark, t.profile).document(md, t.width)
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
