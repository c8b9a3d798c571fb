package app

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

func init() {
	verbs["verify"] = verb{run: linuxOnly(runtime.GOOS, "verify", verifyVerb), usage: "verify [LESSON...]", summary: "every solution passes, every stub fails every test, notes and files in order"}
}

// lessonCheck is what verify found for one lesson: a word per column, and
// the problems behind any word that is not "ok".
type lessonCheck struct {
	solution, stub, notes, files string
	// bonus sums up the bonus tests (workshop.IsBonus): reported apart,
	// and not counted in solution and stub.
	bonus    string
	problems []string
}

func verifyVerb(args []string) int {
	root, known, ok := checkout("verify")
	if !ok {
		return 2
	}
	lessons := known
	if len(args) > 0 {
		lessons = nil
		for _, a := range args {
			n, err := workshop.ParseLesson(a, known)
			if err != nil {
				return usageError("verify", "%v", err)
			}
			lessons = append(lessons, n)
		}
	}
	tmp, err := os.MkdirTemp("", "unboxed-verify-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed verify: %v\n", err)
		return 2
	}
	defer os.RemoveAll(tmp)

	checks := map[int]*lessonCheck{}
	for _, n := range lessons {
		checks[n] = &lessonCheck{solution: "ok", stub: "ok", notes: "ok", files: "ok", bonus: "-"}
		checkFiles(root, n, checks[n])
		checkNotes(root, n, checks[n])
	}
	solutions, err := runWithOverlay(root, tmp, "solutions", lessons, solutionFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed verify: %v\n", err)
		return 2
	}
	stubs, err := runWithOverlay(root, tmp, "stubs", lessons, stubFile(tmp))
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed verify: %v\n", err)
		return 2
	}
	for _, n := range lessons {
		pkg := workshop.Module + "/" + workshop.Dir(n)
		judgeSolution(solutions[pkg], checks[n])
		judgeStub(stubs[pkg], solutions[pkg], checks[n])
		judgeBonus(stubs[pkg], solutions[pkg], checks[n])
	}
	return printVerify(lessons, checks)
}

// runWithOverlay runs the lessons' tests with each exercise file replaced
// by the file that pick returns for it (go test -overlay), one package at a
// time: lessons mount and make cgroups, and their before-and-after checks
// of the host must not see each other's work.
func runWithOverlay(root, tmp, name string, lessons []int, pick func(root string, n int, file string) (string, error)) (map[string]*workshop.PackageResult, error) {
	replace := map[string]string{}
	var pkgs []string
	for _, n := range lessons {
		files, err := workshop.ExerciseFiles(root, n)
		if err != nil {
			continue // reported by checkFiles
		}
		for _, f := range files {
			src, err := pick(root, n, f)
			if err != nil {
				return nil, err
			}
			replace[filepath.Join(root, workshop.Dir(n), f)] = src
		}
		pkgs = append(pkgs, workshop.Package(n))
	}
	overlay := filepath.Join(tmp, name+".json")
	data, _ := json.Marshal(map[string]any{"Replace": replace})
	if err := os.WriteFile(overlay, data, 0o644); err != nil {
		return nil, err
	}
	return workshop.RunTests(root, append([]string{"-count=1", "-p=1", "-overlay=" + overlay}, pkgs...)...)
}

func solutionFile(root string, n int, file string) (string, error) {
	return filepath.Join(root, workshop.SolutionDir(n), file), nil
}

// stubFile gives the exercise file on disk while it is still a stub (it
// has its TODO marker), else git HEAD's version, so verify checks the stub
// even where a learner has solved the lesson.
func stubFile(tmp string) func(root string, n int, file string) (string, error) {
	return func(root string, n int, file string) (string, error) {
		rel := filepath.Join(workshop.Dir(n), file)
		if data, err := os.ReadFile(filepath.Join(root, rel)); err == nil && strings.Contains(string(data), todoMarker(n)) {
			return filepath.Join(root, rel), nil
		}
		out, err := exec.Command("git", "-C", root, "show", "HEAD:"+rel).Output()
		if err != nil {
			return filepath.Join(root, rel), nil
		}
		path := filepath.Join(tmp, fmt.Sprintf("stub-%02d-%s", n, file))
		return path, os.WriteFile(path, out, 0o644)
	}
}

func judgeSolution(p *workshop.PackageResult, c *lessonCheck) {
	switch {
	case p == nil || len(p.Tests) == 0:
		c.solution = "no tests"
		c.problems = append(c.problems, "with the solution, no test ran: "+lastLines(p))
	case p.Action != "pass" && !onlyBonusFailed(p):
		c.solution = "fail"
		for _, name := range p.Failed() {
			if !workshop.IsBonus(name) {
				c.problems = append(c.problems, "with the solution, "+name+" fails")
			}
		}
		if len(p.Failed()) == 0 {
			c.problems = append(c.problems, "with the solution, the package fails: "+lastLines(p))
		}
	default:
		passed, here := 0, 0
		for _, t := range p.Tests {
			switch {
			case workshop.IsBonus(t.Name):
			case t.SkippedHere():
				here++ // this machine cannot run it, even as root
			case t.Action == "skip":
				c.solution = "skipped"
				c.problems = append(c.problems, "with the solution, "+t.Name+" skips: run verify as root to run every test")
			default:
				passed++
			}
		}
		if c.solution == "ok" {
			c.solution = fmt.Sprintf("pass (%d)", passed)
			if here > 0 {
				c.solution = fmt.Sprintf("pass (%d, %d not here)", passed, here)
			}
		}
	}
}

// judgeStub requires every top-level test that ran with the solution to fail
// with the stub.
func judgeStub(stub, solution *workshop.PackageResult, c *lessonCheck) {
	if stub == nil || solution == nil {
		c.stub = "no tests"
		c.problems = append(c.problems, "with the stub, no test ran: "+lastLines(stub))
		return
	}
	failed := map[string]bool{}
	for _, name := range stub.Failed() {
		failed[name] = true
	}
	var missing []string
	required := 0
	for _, t := range solution.Tests {
		// Bonus tests are judged apart; a test this machine cannot run
		// skips before any of the learner's code, with either file.
		if workshop.IsBonus(t.Name) || t.SkippedHere() {
			continue
		}
		required++
		if !failed[t.Name] {
			missing = append(missing, t.Name)
		}
	}
	c.stub = fmt.Sprintf("fail (%d of %d)", required-len(missing), required)
	for _, name := range missing {
		c.problems = append(c.problems, "with the stub, "+name+" does not fail")
	}
}

// checkNotes requires every top-level test to name a notes section that
// exists.
func checkNotes(root string, n int, c *lessonCheck) {
	data, err := os.ReadFile(filepath.Join(root, workshop.Dir(n), "notes.md"))
	if err != nil {
		c.notes = "missing"
		c.problems = append(c.problems, "no notes.md")
		return
	}
	notes := workshop.ParseNotes(string(data))
	sections, err := workshop.TestSections(filepath.Join(root, workshop.Dir(n)))
	if err != nil {
		c.notes = "unreadable"
		c.problems = append(c.problems, "cannot parse the tests: "+err.Error())
		return
	}
	names := make([]string, 0, len(sections))
	for name := range sections {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		slug := sections[name]
		if s, ok := notes.Section(slug); !ok || s.Slug != slug {
			c.notes = "bad"
			c.problems = append(c.problems, fmt.Sprintf("%s names notes section %q, which notes.md does not have", name, slug))
		}
	}
}

// checkFiles requires lessons/NN and solutions/NN to mirror each other: the
// same exercise files, stubs marked TODO, and nothing stray but the given
// plumbing.go, which has no TODO.
func checkFiles(root string, n int, c *lessonCheck) {
	bad := func(format string, args ...any) {
		c.files = "bad"
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
	exercises, err := workshop.ExerciseFiles(root, n)
	if err != nil {
		bad("%v", err)
		return
	}
	entries, _ := os.ReadDir(filepath.Join(root, workshop.Dir(n)))
	want := map[string]bool{}
	for _, f := range exercises {
		want[f] = true
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "notes.md" || name == "hint.md" || strings.HasSuffix(name, "_test.go") || name == "testdata":
		case name == workshop.GivenFile && !want[name]:
			data, _ := os.ReadFile(filepath.Join(root, workshop.Dir(n), name))
			if strings.Contains(string(data), todoMarker(n)) {
				bad("%s/%s is given, not an exercise, but has a %s marker", workshop.Dir(n), name, todoMarker(n))
			}
		case strings.HasSuffix(name, ".go") && want[name]:
			delete(want, name)
			data, _ := os.ReadFile(filepath.Join(root, workshop.Dir(n), name))
			if !strings.Contains(string(data), todoMarker(n)) {
				bad("%s/%s has no %s marker: is it still the stub?", workshop.Dir(n), name, todoMarker(n))
			}
		default:
			bad("stray file %s/%s (no twin in %s)", workshop.Dir(n), name, workshop.SolutionDir(n))
		}
	}
	for name := range want {
		bad("%s/%s has no stub in %s", workshop.SolutionDir(n), name, workshop.Dir(n))
	}
	if _, err := os.Stat(filepath.Join(root, workshop.Dir(n), "hint.md")); err != nil {
		bad("%s/hint.md is missing", workshop.Dir(n))
	}
}

// todoMarker is the text every stub of lesson n carries.
func todoMarker(n int) string { return fmt.Sprintf("TODO(lesson %d)", n) }

func lastLines(p *workshop.PackageResult) string {
	if p == nil || len(p.Output) == 0 {
		return "(no output)"
	}
	return strings.Join(p.Output[max(0, len(p.Output)-5):], " | ")
}

func printVerify(lessons []int, checks map[int]*lessonCheck) int {
	fmt.Printf("%-8s %-22s %-18s %-8s %-6s %s\n", "lesson", "solution", "stub", "notes", "files", "bonus (not required)")
	passed, failed := 0, 0
	for _, n := range lessons {
		c := checks[n]
		fmt.Printf("%-8s %-22s %-18s %-8s %-6s %s\n", fmt.Sprintf("%02d", n), c.solution, c.stub, c.notes, c.files, c.bonus)
		if len(c.problems) == 0 {
			passed++
		}
		failed += len(c.problems)
	}
	for _, n := range lessons {
		for _, p := range checks[n].problems {
			fmt.Printf("  %02d: %s\n", n, p)
		}
	}
	fmt.Printf("verify: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
