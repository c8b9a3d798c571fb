// Package app is the workshop CLI that go run ./lessons starts: the lesson
// map, the notes, check, verify, reset, doctor, and the container verbs
// shared with cmd/unboxed (internal/cli). lessons/main.go only embeds the
// notes (go:embed cannot reach a parent directory) and calls Main.
//
// It is a package of its own, next to workshop rather than merged into it:
// workshop is the library of the workshop's files (its layout, the notes'
// sections, go test's results, which test reads which section), pure
// functions tested in-process; app is the program around them, the verbs
// with their flags, output and exit statuses, tested mostly through the
// built binary. It links no Markdown renderer: notes, hint, check and
// watch start lessons/internal/render for that (show.go), so that the
// other verbs, and the two processes of every container that run starts,
// do not pay glamour's package initialisation.
package app

import (
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// A verb is one subcommand: it gets the arguments after its name and
// returns the exit status.
type verb struct {
	run     func(args []string) int
	usage   string
	summary string
}

var verbs = map[string]verb{}

// Main runs the workshop CLI with the arguments after the program's name
// and returns its exit status. files holds every lesson's notes.md and
// hint.md under NN/, as lessons/main.go embeds them.
func Main(files fs.FS, args []string) int {
	lessonFiles = files
	name := "map"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		printHelp()
		return 0
	}
	v, ok := verbs[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unboxed: unknown verb %q; the verbs are: %s (go run ./lessons help)\n", name, strings.Join(verbNames(), ", "))
		return 2
	}
	return v.run(args)
}

func verbNames() []string {
	var names []string
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printHelp() { fmt.Print(helpText()) }

// usageError prints a one-line complaint about the arguments of a verb and
// returns the exit status for it.
func usageError(verbName, format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "unboxed %s: %s (usage: go run ./lessons %s)\n", verbName, fmt.Sprintf(format, args...), verbs[verbName].usage)
	return 2
}

// checkout finds the workshop's checkout and its lessons for a verb, or
// prints why not (the verb's exit status is then 2).
func checkout(verbName string) (root string, lessons []int, ok bool) {
	root, err := workshop.FindRoot(".")
	if err == nil {
		lessons, err = workshop.LessonNumbers(root)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed %s: %v\n", verbName, err)
		return "", nil, false
	}
	return root, lessons, true
}

// oneLesson reads the one lesson number a verb takes, in the checkout;
// code is the exit status when ok is false.
func oneLesson(verbName string, args []string) (root string, n int, code int, ok bool) {
	if len(args) != 1 {
		return "", 0, usageError(verbName, "want one lesson number, got %d arguments", len(args)), false
	}
	root, known, ok := checkout(verbName)
	if !ok {
		return "", 0, 2, false
	}
	n, err := workshop.ParseLesson(args[0], known)
	if err != nil {
		return "", 0, usageError(verbName, "%v", err), false
	}
	return root, n, 0, true
}
