package workshop

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Module is the module path of the workshop.
const Module = "github.com/unboxed-go/unboxed"

// FindRoot walks up from dir to the workshop's go.mod.
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if isWorkshopModule(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return "", fmt.Errorf("no unboxed checkout at or above %s: cd into the cloned repository first", abs)
		}
	}
}

func isWorkshopModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); strings.HasPrefix(line, "module ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "module ")) == Module
		}
	}
	return false
}

var lessonDir = regexp.MustCompile(`^\d\d$`)

// LessonNumbers lists the lessons in a checkout (the two-digit directories
// under lessons/), in order.
func LessonNumbers(root string) ([]int, error) {
	entries, err := os.ReadDir(filepath.Join(root, "lessons"))
	if err != nil {
		return nil, err
	}
	var numbers []int
	for _, e := range entries {
		if e.IsDir() && lessonDir.MatchString(e.Name()) {
			n, _ := strconv.Atoi(e.Name())
			numbers = append(numbers, n)
		}
	}
	sort.Ints(numbers)
	return numbers, nil
}

// Dir is a lesson's directory relative to the root: "lessons/03".
func Dir(n int) string { return fmt.Sprintf("lessons/%02d", n) }

// SolutionDir is where a lesson's solution files live: "solutions/03".
func SolutionDir(n int) string { return fmt.Sprintf("solutions/%02d", n) }

// Package is a lesson's package pattern for go test: "./lessons/03".
func Package(n int) string { return "./" + Dir(n) }

// ExerciseFiles are the files of a lesson the learner edits: those with a
// twin in the solutions directory.
func ExerciseFiles(root string, n int) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, SolutionDir(n), "*.go"))
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 {
		return nil, errors.New("no solution files in " + SolutionDir(n))
	}
	var names []string
	for _, m := range matches {
		names = append(names, filepath.Base(m))
	}
	return names, nil
}

// GivenFile is the one Go file a lesson may hold besides its exercise
// files and tests: code the lesson gives the learner to call, with no
// twin in solutions/ and no TODO (lesson 10's pipes between its two
// sides). reset leaves it alone and verify does not count it stray.
const GivenFile = "plumbing.go"

// ParseLesson reads a lesson number as a learner types it: "3", "03".
func ParseLesson(arg string, known []int) (int, error) {
	n, err := strconv.Atoi(arg)
	if err == nil {
		for _, k := range known {
			if k == n {
				return n, nil
			}
		}
	}
	var names []string
	for _, k := range known {
		names = append(names, strconv.Itoa(k))
	}
	return 0, fmt.Errorf("no lesson %q; the lessons are %s", arg, strings.Join(names, ", "))
}
