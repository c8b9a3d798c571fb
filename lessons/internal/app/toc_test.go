package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// The table of contents shows every section's slug whole, on one line,
// between backticks: it is what the learner types.
func TestContentsKeepSlugsWhole(t *testing.T) {
	root := repoRoot(t)
	toc, code := cli(t, root, t.TempDir(), "notes")
	require.Equal(t, 0, code, toc)
	lines := strings.Split(toc, "\n")
	for _, line := range lines {
		assert.LessOrEqual(t, len([]rune(line)), 80, "%q", line)
	}
	lessons, err := workshop.LessonNumbers(root)
	require.NoError(t, err)
	for _, n := range lessons {
		data, err := os.ReadFile(filepath.Join(root, workshop.Dir(n), "notes.md"))
		require.NoError(t, err)
		for _, slug := range workshop.ParseNotes(string(data)).Slugs() {
			found := false
			for _, line := range lines {
				found = found || strings.Contains(line, "`"+slug+"`")
			}
			assert.True(t, found, "lesson %d: want `%s` whole on a line of the contents", n, slug)
		}
	}
}
