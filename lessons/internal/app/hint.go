package app

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

func init() {
	verbs["hint"] = verb{run: hintVerb, usage: "hint LESSON [--all]", summary: "the next hint for a lesson's exercise, one at a time (--all: every one)"}
}

// hintVerb shows the first hint the learner has not read yet, and
// remembers it; with --all, every hint. A learner who asks for a hint
// wants the next nudge, not the answer: the last hints show code.
func hintVerb(args []string) int {
	all := false
	var rest []string
	for _, a := range args {
		if a == "--all" || a == "-a" {
			all = true
			continue
		}
		rest = append(rest, a)
	}
	if len(rest) != 1 {
		return usageError("hint", "want one lesson number, got %d arguments", len(rest))
	}
	n, err := workshop.ParseLesson(rest[0], embeddedLessons())
	if err != nil {
		return usageError("hint", "%v", err)
	}
	file := lessonHint(n)
	title, hints := splitHints(file)
	if all || len(hints) == 0 {
		show(file)
		return 0
	}
	state := hintState(n)
	read := readHints(state)
	next := min(read+1, len(hints))
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: hint %d of %d\n\n%s\n", title, next, len(hints), hints[next-1])
	if next < len(hints) {
		fmt.Fprintf(&b, "Back to the code; still stuck? The next one: `go run ./lessons hint %d` (all at once: `go run ./lessons hint %d --all`).\n", n, n)
	} else {
		fmt.Fprintf(&b, "That was the last hint. All of them again: `go run ./lessons hint %d --all`; from the first: `go run ./lessons reset %d` (it also puts the exercise back).\n", n, n)
	}
	show(b.String())
	if next > read {
		if err := writeHints(state, next); err != nil {
			fmt.Fprintf(os.Stderr, "unboxed hint: could not remember the hints read (%v); the next hint N shows this one again\n", err)
		}
	}
	return 0
}

// hintItem is the first line of a hint: "1. " at the start of a line.
var hintItem = regexp.MustCompile(`(?m)^(\d+)\. `)

// splitHints reads a hint.md: the title ("Hints for lesson 04") and its
// numbered hints, each without its number and with its lines unindented.
func splitHints(md string) (title string, hints []string) {
	notes := workshop.ParseNotes(md)
	title = notes.Title
	starts := hintItem.FindAllStringSubmatchIndex(md, -1)
	for i, s := range starts {
		end := len(md)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		indent := strings.Repeat(" ", s[1]-s[0])
		var lines []string
		for _, line := range strings.Split(md[s[1]:end], "\n") {
			lines = append(lines, strings.TrimPrefix(line, indent))
		}
		hints = append(hints, strings.TrimSpace(strings.Join(lines, "\n"))+"\n")
	}
	return title, hints
}

// hintState is the file that remembers how many of lesson n's hints the
// learner has read: in the checkout's .unboxed directory (where reset
// keeps its backups, and which git ignores), or in the user's cache
// directory when the CLI runs outside a checkout.
func hintState(n int) string {
	dir := ""
	if root, err := workshop.FindRoot("."); err == nil {
		dir = filepath.Join(root, ".unboxed")
	} else if cache, err := os.UserCacheDir(); err == nil {
		dir = filepath.Join(cache, "unboxed")
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "hints", fmt.Sprintf("%02d", n))
}

func readHints(state string) int {
	data, err := os.ReadFile(state)
	if err != nil {
		return 0
	}
	read, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || read < 0 {
		return 0
	}
	return read
}

func writeHints(state string, read int) error {
	if state == "" {
		return fmt.Errorf("no checkout and no cache directory")
	}
	if err := os.MkdirAll(filepath.Dir(state), 0o755); err != nil {
		return err
	}
	return os.WriteFile(state, []byte(strconv.Itoa(read)+"\n"), 0o644)
}

// forgetHints makes lesson n's next hint the first again.
func forgetHints(n int) error {
	state := hintState(n)
	if state == "" {
		return nil
	}
	if err := os.Remove(state); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}
