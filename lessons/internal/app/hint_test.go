package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hint shows one hint at a time, remembers where the learner is (in the
// checkout's .unboxed), shows all with --all, and starts over after reset.
func TestHintsOneAtATime(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "lessons/01/hint.md"))
	require.NoError(t, err)
	_, hints := splitHints(string(data))
	require.GreaterOrEqual(t, len(hints), 2, "lesson 01 has hints to give one at a time")
	firstLine := func(i int) string { return strings.SplitN(hints[i], "\n", 2)[0] }

	dir := miniCheckout(t)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"}} {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	hint := func(args ...string) string {
		t.Helper()
		out, code := cli(t, dir, t.TempDir(), append([]string{"hint"}, args...)...)
		require.Equal(t, 0, code, out)
		return out
	}

	out := hint("1")
	assert.Contains(t, out, fmt.Sprintf("hint 1 of %d", len(hints)))
	assert.Contains(t, out, firstLine(0))
	assert.NotContains(t, out, firstLine(1), "only the first hint")
	assert.Contains(t, out, "go run ./lessons hint 1 --all")

	out = hint("1")
	assert.Contains(t, out, fmt.Sprintf("hint 2 of %d", len(hints)), "the next one, remembered")
	assert.Contains(t, out, firstLine(1))
	assert.NotContains(t, out, firstLine(0))

	all := hint("1", "--all")
	for i := range hints {
		assert.Contains(t, all, firstLine(i), "--all shows every hint")
	}
	for i := 3; i <= len(hints); i++ {
		out = hint("01")
		assert.Contains(t, out, fmt.Sprintf("hint %d of %d", i, len(hints)), "--all did not move the learner on")
	}
	out = hint("1")
	assert.Contains(t, out, fmt.Sprintf("hint %d of %d", len(hints), len(hints)), "after the last, the last again")
	assert.Contains(t, out, "That was the last hint")

	out, code := cli(t, dir, t.TempDir(), "reset", "1")
	require.Equal(t, 0, code, out)
	assert.Contains(t, hint("1"), fmt.Sprintf("hint 1 of %d", len(hints)), "reset forgets the hints read")
}

// Each hint comes out whole, without its number, its lines unindented.
func TestSplitHints(t *testing.T) {
	title, hints := splitHints("# Hints for lesson 09\n\nOne at a time.\n\n1. First, on\n   two lines.\n\n2. Second:\n\n   ```go\n   x := 1\n   ```\n\n10. Tenth.\n")
	assert.Equal(t, "Hints for lesson 09", title)
	assert.Equal(t, []string{"First, on\ntwo lines.\n", "Second:\n\n```go\nx := 1\n```\n", "Tenth.\n"}, hints)
}
