// Command lessons is the unboxed workshop: the lesson map, the notes, the
// checks, and the container runtime built from the lessons.
//
//	go run ./lessons               the lesson map: progress and what next
//	go run ./lessons notes [N [S]] the notes, rendered
//	go run ./lessons check N       the tests of lesson N, explained
//	go run ./lessons help          every verb
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/unboxed-go/unboxed/container"
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

func main() {
	container.Init()
	args := os.Args[1:]
	name := "map"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		printHelp()
		return
	}
	v, ok := verbs[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unboxed: unknown verb %q; the verbs are: %s (go run ./lessons help)\n", name, strings.Join(verbNames(), ", "))
		os.Exit(2)
	}
	os.Exit(v.run(args))
}

func verbNames() []string {
	var names []string
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printHelp() {
	fmt.Println("unboxed: learn how containers work by building one.")
	fmt.Println()
	for _, n := range verbNames() {
		fmt.Printf("  go run ./lessons %-28s %s\n", verbs[n].usage, verbs[n].summary)
	}
}

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
