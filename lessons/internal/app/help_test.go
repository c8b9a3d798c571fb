package app

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// help fits 80 columns and every summary starts in one column, also after
// a usage too long for its own.
func TestHelpLinesUp(t *testing.T) {
	out, code := cli(t, repoRoot(t), t.TempDir(), "help")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")[2:]
	column := strings.Index(lines[0], verbs[verbNames()[0]].summary[:10])
	require.Greater(t, column, 20, "the first verb's summary is on its line: %q", lines[0])
	for _, line := range lines {
		assert.LessOrEqual(t, len([]rune(line)), helpWidth, "%q", line)
		if strings.HasPrefix(line, "  go run ./lessons ") && !strings.Contains(strings.TrimSpace(line), "  ") {
			continue // a long usage, its summary on the next line
		}
		if assert.Greater(t, len(line), column, "%q", line) {
			assert.Equal(t, " ", line[column-1:column], "a summary starts at column %d: %q", column, line)
			assert.NotEqual(t, " ", line[column:column+1], "a summary starts at column %d: %q", column, line)
		}
	}
}
