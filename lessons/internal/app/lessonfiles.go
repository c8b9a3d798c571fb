package app

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// lessonFiles holds every lesson's notes and hint (NN/notes.md, NN/hint.md),
// embedded by lessons/main.go so that notes and hint work from a built
// binary anywhere; Main sets it.
var lessonFiles fs.FS

// embeddedLessons lists the lesson numbers that have notes.
func embeddedLessons() []int {
	dirs, _ := fs.Glob(lessonFiles, "*/notes.md")
	var numbers []int
	for _, d := range dirs {
		if n, err := strconv.Atoi(d[:2]); err == nil {
			numbers = append(numbers, n)
		}
	}
	sort.Ints(numbers)
	return numbers
}

// lessonNotes parses lesson n's notes.
func lessonNotes(n int) workshop.Notes {
	data, _ := fs.ReadFile(lessonFiles, fmt.Sprintf("%02d/notes.md", n))
	return workshop.ParseNotes(string(data))
}

// lessonHint returns lesson n's hint file.
func lessonHint(n int) string {
	data, _ := fs.ReadFile(lessonFiles, fmt.Sprintf("%02d/hint.md", n))
	return string(data)
}
