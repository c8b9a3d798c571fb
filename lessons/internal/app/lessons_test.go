package app

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// Every lesson test names a notes section that exists, so that check can
// explain every failure: one subtest per lesson.
func TestEveryLessonTestHasItsNotesSection(t *testing.T) {
	root := repoRoot(t)
	lessons, err := workshop.LessonNumbers(root)
	require.NoError(t, err)
	require.NotEmpty(t, lessons)
	for _, n := range lessons {
		t.Run(fmt.Sprintf("lesson %02d", n), func(t *testing.T) {
			c := &lessonCheck{notes: "ok", files: "ok"}
			checkNotes(root, n, c)
			checkFiles(root, n, c)
			assert.Empty(t, c.problems)
			sections, err := workshop.TestSections(filepath.Join(root, workshop.Dir(n)))
			require.NoError(t, err)
			assert.NotEmpty(t, sections, "the lesson has tests")
		})
	}
}

// The notes the binary embeds are the notes on disk: outside the checkout,
// the contents list every lesson and each lesson has its notes and hint.
func TestEmbeddedNotesAreTheLessons(t *testing.T) {
	root := repoRoot(t)
	onDisk, err := workshop.LessonNumbers(root)
	require.NoError(t, err)
	require.NotEmpty(t, onDisk)
	elsewhere := t.TempDir()
	toc, code := cli(t, elsewhere, t.TempDir(), "notes")
	require.Equal(t, 0, code, toc)
	for _, n := range onDisk {
		assert.Contains(t, toc, fmt.Sprintf("%02d · ", n), "the contents list lesson %d", n)
		notes, code := cli(t, elsewhere, t.TempDir(), "notes", fmt.Sprint(n))
		assert.Equal(t, 0, code, notes)
		assert.Contains(t, notes, fmt.Sprintf("Lesson %02d", n))
		hint, code := cli(t, elsewhere, t.TempDir(), "hint", fmt.Sprint(n), "--all")
		assert.Equal(t, 0, code, hint)
		assert.Contains(t, hint, fmt.Sprintf("Hints for lesson %02d", n))
	}
	_, code = cli(t, elsewhere, t.TempDir(), "notes", fmt.Sprint(onDisk[len(onDisk)-1]+1))
	assert.Equal(t, 2, code, "no notes beyond the last lesson")
}

func TestCheckNotesFindsAMissingSection(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons/07/notes.md"), "# Lesson 07: x\n## Real\ntext\n")
	writeFile(t, filepath.Join(dir, "lessons/07/x_test.go"), "package x\nfunc TestA(t *testing.T) { l := lessontest.New(t, \"real\"); _ = l }\nfunc TestB(t *testing.T) { l := lessontest.New(t, \"imagined\"); _ = l }\n")
	c := &lessonCheck{notes: "ok"}
	checkNotes(dir, 7, c)
	assert.Equal(t, "bad", c.notes)
	assert.Equal(t, []string{`TestB names notes section "imagined", which notes.md does not have`}, c.problems)
}

func TestCheckFilesFindsStrays(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "solutions/07/x.go"), "package x\n")
	writeFile(t, filepath.Join(dir, "lessons/07/x.go"), "package x // solved, no marker\n")
	writeFile(t, filepath.Join(dir, "lessons/07/extra.go"), "package x\n")
	writeFile(t, filepath.Join(dir, "lessons/07/plumbing.go"), "package x // given: allowed\n")
	c := &lessonCheck{files: "ok"}
	checkFiles(dir, 7, c)
	assert.Equal(t, "bad", c.files)
	assert.ElementsMatch(t, []string{
		"lessons/07/x.go has no TODO(lesson 7) marker: is it still the stub?",
		"stray file lessons/07/extra.go (no twin in solutions/07)",
		"lessons/07/hint.md is missing",
	}, c.problems)
	writeFile(t, filepath.Join(dir, "lessons/07/plumbing.go"), "package x // TODO(lesson 7): not here\n")
	c = &lessonCheck{files: "ok"}
	checkFiles(dir, 7, c)
	assert.Contains(t, c.problems, "lessons/07/plumbing.go is given, not an exercise, but has a TODO(lesson 7) marker")
}
