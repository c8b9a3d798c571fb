package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

var (
	buildOnce sync.Once
	cliPath   string
	buildErr  error
	buildDir  string
)

// cli builds the workshop CLI (the command in lessons/, which embeds the
// notes and calls Main) once and runs it in dir with args, with TMPDIR
// pointed at tmp so that the test can see what it leaves there.
func cli(t *testing.T, dir, tmp string, args ...string) (string, int) {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "unboxed-cli-test-")
		if buildErr != nil {
			return
		}
		cliPath = filepath.Join(buildDir, "unboxed")
		out, err := exec.Command("go", "build", "-o", cliPath, workshop.Module+"/lessons").CombinedOutput()
		if err != nil {
			buildErr = &exec.Error{Name: string(out), Err: err}
		}
	})
	require.NoError(t, buildErr)
	cmd := exec.Command(cliPath, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "PAGER=cat")
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

func repoRoot(t *testing.T) string {
	root, err := workshop.FindRoot(".")
	require.NoError(t, err)
	return root
}

func TestBadInputGetsOneClearLine(t *testing.T) {
	root := repoRoot(t)
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"bogus"}, `unknown verb "bogus"; the verbs are:`},
		{[]string{"notes", "99"}, `no lesson "99"; the lessons are 1`},
		{[]string{"notes", "x"}, `no lesson "x"`},
		{[]string{"notes", "1", "no-such-section"}, `no section "no-such-section" in lesson 1; the sections are: `},
		{[]string{"notes", "1", "a", "b"}, "too many arguments"},
		{[]string{"check"}, "want one lesson number"},
		{[]string{"check", "42"}, `no lesson "42"`},
		{[]string{"hint", "0"}, `no lesson "0"`},
		{[]string{"hint", "1", "2"}, "want one lesson number, got 2 arguments"},
		{[]string{"watch", "nine"}, `no lesson "nine"`},
		{[]string{"watch", "1", "2"}, "want at most one lesson number"},
		{[]string{"reset"}, "want one lesson number"},
		{[]string{"reset", "-1"}, `no lesson "-1"`},
		{[]string{"verify", "nine"}, `no lesson "nine"`},
		{[]string{"map", "extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			tmp := t.TempDir()
			out, code := cli(t, root, tmp, tc.args...)
			assert.NotEqual(t, 0, code, out)
			assert.Contains(t, out, tc.says)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(out), "\n")+1, "one line: %q", out)
			assertEmptyDir(t, tmp)
		})
	}
}

func TestOutsideTheCheckout(t *testing.T) {
	for _, verb := range []string{"check 1", "map", "verify", "reset 1"} {
		out, code := cli(t, t.TempDir(), t.TempDir(), strings.Fields(verb)...)
		assert.NotEqual(t, 0, code, verb)
		assert.Contains(t, out, "no unboxed checkout at or above", verb)
	}
}

// renderWidth is the widest text the renderer (lessons/internal/render)
// prints: its maxWidth.
const renderWidth = 100

func TestNotesArePlainWhenPiped(t *testing.T) {
	root := repoRoot(t)
	out, code := cli(t, root, t.TempDir(), "notes", "1", "exit-codes")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "## Exit codes")
	assert.NotContains(t, out, "\x1b[", "no terminal escapes when stdout is not a terminal")
	assert.NotContains(t, out, "## Re-exec", "only the section asked for")
	for _, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), renderWidth, "line wider than %d: %q", renderWidth, line)
		assert.Equal(t, strings.TrimRight(line, " "), line, "no padding when piped")
	}

	byTest, code := cli(t, root, t.TempDir(), "notes", "1", "TestRunPassesExitCodes")
	require.Equal(t, 0, code)
	assert.Equal(t, out, byTest, "a test name finds its section")

	toc, code := cli(t, root, t.TempDir(), "notes")
	require.Equal(t, 0, code)
	assert.Contains(t, toc, "01 · A container is a process")
	assert.Contains(t, toc, "exit-codes")
}

func TestCheckExplainsFailures(t *testing.T) {
	root := repoRoot(t)
	if !untouched(root, 1) {
		t.Skip("lessons/01 is not the stub here")
	}
	tmp := t.TempDir()
	out, code := cli(t, root, tmp, "check", "1")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "✗ TestRunPassesExitCodes")
	assert.Contains(t, out, "TODO(lesson 1)")
	assert.Contains(t, out, "go run ./lessons notes 1 exit-codes", "every failed test names its notes")
	assert.Equal(t, 1, strings.Count(out, "## Standard streams"), "a section is shown once")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "panicked") {
			assert.Equal(t, 1, strings.Count(out, line), "each distinct failure is printed once: %q", line)
		}
	}
	assert.Contains(t, out, "the same failure as ")
	assert.NotContains(t, out, "# Hints for lesson 01", "no hints unless asked for")
	assert.Contains(t, out, "stuck? go run ./lessons hint 1")
	assert.Contains(t, out, "check: 0 passed, 7 failed")
	assertEmptyDir(t, tmp)
}

func TestMapShowsStatusAndNextStep(t *testing.T) {
	root := repoRoot(t)
	if !untouched(root, 1) {
		t.Skip("lessons/01 is not the stub here")
	}
	out, code := cli(t, root, t.TempDir())
	require.Equal(t, 0, code, out)
	assert.Regexp(t, `01  A container is a process\s+not started`, out)
	assert.Regexp(t, `next: read the notes: +go run ./lessons notes 1\n +edit: +lessons/01/process.go\n +run its tests: +go run ./lessons check 1`, out)
	for _, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 80, "%q", line)
	}
}

func TestHelpListsEveryVerb(t *testing.T) {
	out, code := cli(t, repoRoot(t), t.TempDir(), "help")
	require.Equal(t, 0, code)
	for name := range verbs {
		assert.Contains(t, out, "go run ./lessons "+verbs[name].usage)
	}
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Empty(t, names, "left behind in TMPDIR")
}
