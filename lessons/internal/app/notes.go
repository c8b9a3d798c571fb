package app

import (
	"fmt"
	"os"
	"strings"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

func init() {
	verbs["notes"] = verb{run: notesVerb, usage: "notes [LESSON [SECTION]]", summary: "read the notes: contents, a lesson, or one section (by name or test)"}
}

func notesVerb(args []string) int {
	lessons := embeddedLessons()
	switch len(args) {
	case 0:
		show(tableOfContents(lessons))
		return 0
	case 1, 2:
	default:
		return usageError("notes", "too many arguments")
	}
	n, err := workshop.ParseLesson(args[0], lessons)
	if err != nil {
		return usageError("notes", "%v", err)
	}
	notes := lessonNotes(n)
	if len(args) == 1 {
		show(notes.Intro + strings.Join(sectionTexts(notes), ""))
		return 0
	}
	section, ok := findSection(n, notes, args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, "unboxed notes: no section %q in lesson %d; the sections are: %s\n", args[1], n, strings.Join(notes.Slugs(), ", "))
		return 2
	}
	show(section.Text)
	return 0
}

// findSection looks a section up by slug (or a unique prefix of one), or by
// the name of a test that belongs to it.
func findSection(n int, notes workshop.Notes, name string) (workshop.Section, bool) {
	if s, ok := notes.Section(name); ok {
		return s, true
	}
	if root, err := workshop.FindRoot("."); err == nil {
		if tests, err := workshop.TestSections(root + "/" + workshop.Dir(n)); err == nil {
			if slug := tests[strings.SplitN(name, "/", 2)[0]]; slug != "" {
				return notes.Section(slug)
			}
		}
	}
	return workshop.Section{}, false
}

func sectionTexts(n workshop.Notes) []string {
	var texts []string
	for _, s := range n.Sections {
		texts = append(texts, s.Text)
	}
	return texts
}

func tableOfContents(lessons []int) string {
	var b strings.Builder
	b.WriteString("# unboxed: the notes\n\n")
	for _, n := range lessons {
		notes := lessonNotes(n)
		fmt.Fprintf(&b, "## %02d · %s\n\n", n, strings.TrimPrefix(notes.Title, fmt.Sprintf("Lesson %02d: ", n)))
		for _, s := range notes.Sections {
			fmt.Fprintf(&b, "- %s (`%s`)\n", s.Heading, s.Slug)
		}
		b.WriteString("\n")
	}
	b.WriteString("Read one: `go run ./lessons notes 1`, or a section: `go run ./lessons notes 1 exit-codes`.\n")
	return b.String()
}
