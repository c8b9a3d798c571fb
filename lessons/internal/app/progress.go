package app

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

func init() {
	verbs["map"] = verb{run: mapVerb, usage: "[map]", summary: "the lesson map: each lesson's status and the next step"}
}

// Status words of the map.
const (
	statusPassed     = "passed"
	statusFailing    = "failing"
	statusNotStarted = "not started"
	statusEdited     = "edited (its tests run on Linux)"
)

func mapVerb(args []string) int {
	if len(args) != 0 {
		return usageError("map", "unexpected argument %q", args[0])
	}
	root, lessons, ok := checkout("map")
	if !ok {
		return 2
	}
	status := lessonStatus(root, lessons)
	fmt.Println("unboxed — learn how containers work by building one")
	fmt.Println()
	next := 0
	for _, n := range lessons {
		title := strings.TrimPrefix(lessonNotes(n).Title, fmt.Sprintf("Lesson %02d: ", n))
		fmt.Printf("  %02d  %-52s %s\n", n, title, status[n])
		if next == 0 && status[n] != statusPassed {
			next = n
		}
	}
	fmt.Println()
	if !testsRunHere {
		fmt.Println(notLinux(runtime.GOOS))
	}
	switch {
	case next == 0:
		fmt.Println("every lesson passes: run a container on your own code: sudo go run ./lessons run --mine --only-mine -- /bin/sh")
	case status[next] == statusNotStarted:
		files, _ := workshop.ExerciseFiles(root, next)
		// One command a line: a sentence of commands wraps mid-command.
		fmt.Printf("next: read the notes:  go run ./lessons notes %d\n", next)
		fmt.Printf("      edit:            %s\n", strings.Join(prefixed(workshop.Dir(next)+"/", files), " "))
		fmt.Printf("      run its tests:   go run ./lessons check %d  (watch %d: on every save)\n", next, next)
	default:
		fmt.Printf("next: go run ./lessons check %d (which tests fail, and the notes that explain them)\n", next)
	}
	fmt.Println("more: go run ./lessons help")
	return 0
}

// lessonStatus runs the tests of every started lesson in one go test (its
// cache answers at once when nothing changed). A lesson whose exercise
// files are as the checkout has them is not started and is not run.
func lessonStatus(root string, lessons []int) map[int]string {
	status := map[int]string{}
	var pkgs []string
	for _, n := range lessons {
		if untouched(root, n) {
			status[n] = statusNotStarted
			continue
		}
		status[n] = statusFailing
		if !testsRunHere {
			status[n] = statusEdited
			continue
		}
		pkgs = append(pkgs, workshop.Package(n))
	}
	if len(pkgs) == 0 {
		return status
	}
	results, err := workshop.RunTests(root, pkgs...)
	if err != nil {
		return status
	}
	for _, n := range lessons {
		// Bonus tests are not required (lesson 05's cgroup v1).
		if p := results[workshop.Module+"/"+workshop.Dir(n)]; p.RequiredPassed() {
			status[n] = statusPassed
		}
	}
	return status
}

// untouched reports whether a lesson's exercise files are the same as in
// git's HEAD (false when this is no git checkout).
func untouched(root string, n int) bool {
	files, err := workshop.ExerciseFiles(root, n)
	if err != nil {
		return false
	}
	args := []string{"-C", root, "diff", "--quiet", "HEAD", "--"}
	for _, f := range files {
		args = append(args, filepath.Join(workshop.Dir(n), f))
	}
	return exec.Command("git", args...).Run() == nil
}

// prefixed puts prefix before each of names.
func prefixed(prefix string, names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, prefix+n)
	}
	return out
}
