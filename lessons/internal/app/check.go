package app

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

func init() {
	verbs["check"] = verb{run: linuxOnly(runtime.GOOS, "check", checkVerb), usage: "check LESSON", summary: "run a lesson's tests and explain each failure with its notes"}
}

func checkVerb(args []string) int {
	root, n, code, ok := oneLesson("check", args)
	if !ok {
		return code
	}
	notes := lessonNotes(n)
	fmt.Printf("lesson %02d: %s — running go test %s\n\n", n, strings.TrimPrefix(notes.Title, fmt.Sprintf("Lesson %02d: ", n)), workshop.Package(n))
	results, err := workshop.RunTests(root, workshop.Package(n))
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed check: go test: %v\n", err)
		return 2
	}
	pkg := results[workshop.Module+"/"+workshop.Dir(n)]
	if pkg == nil || len(pkg.Tests) == 0 {
		fmt.Println("the lesson's tests did not run; go test said:")
		if pkg != nil {
			fmt.Println(strings.Join(pkg.Output, "\n"))
		}
		return 1
	}
	sections, _ := workshop.TestSections(filepath.Join(root, workshop.Dir(n)))
	passed, failed := printMarks(pkg)
	shown := map[string]bool{}       // notes sections already shown
	firstSaid := map[string]string{} // failure message -> the test that said it first
	for _, t := range pkg.Tests {
		if t.Action != "fail" {
			continue
		}
		fmt.Printf("\n✗ %s\n", t.Name)
		messages := failureMessages(t.Output)
		repeats := 0
		for _, m := range messages {
			if first, ok := firstSaid[sameFailure(m)]; ok {
				fmt.Printf("    the same failure as %s\n", first)
				if slug := sections[t.Name]; slug != "" {
					fmt.Printf("    this test's notes: go run ./lessons notes %d %s\n", n, slug)
				}
				repeats++
				continue
			}
			firstSaid[sameFailure(m)] = t.Name
			fmt.Println(indented(m))
		}
		if repeats > 0 && repeats == len(messages) {
			continue // its notes are those of the test it repeats
		}
		s, ok := notes.Section(sections[t.Name])
		switch {
		case ok && shown[s.Slug]:
			fmt.Printf("    (explained in the %q section above)\n", s.Heading)
		case ok:
			shown[s.Slug] = true
			fmt.Println()
			// Never a pager here: it would stop check halfway through.
			showEnv(s.Text, "PAGER=cat")
		}
	}
	if failed > 0 {
		// The hints are not shown unless asked for: the last ones show code.
		fmt.Printf("\nstuck? go run ./lessons hint %d (one hint at a time)\n", n)
	}
	fmt.Printf("\ncheck: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// printMarks prints a line per top-level test and counts them.
func printMarks(pkg *workshop.PackageResult) (passed, failed int) {
	for _, t := range pkg.Tests {
		switch t.Action {
		case "pass":
			passed++
			fmt.Printf("  ✓ %s\n", t.Name)
		case "skip":
			fmt.Printf("  - %s (skipped: %s)\n", t.Name, strings.Join(failureLines(t.Output), " "))
		default:
			if workshop.IsBonus(t.Name) {
				fmt.Printf("  ✗ %s (a bonus: not required)\n", t.Name)
				continue
			}
			failed++
			fmt.Printf("  ✗ %s\n", t.Name)
		}
	}
	return passed, failed
}

// failureLines keeps what a test said and drops go test's own framing.
func failureLines(output []string) []string {
	var lines []string
	for _, line := range output {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "=== ") || strings.HasPrefix(trimmed, "--- ") {
			continue
		}
		lines = append(lines, trimmed)
	}
	return lines
}
