package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer that the command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// watch runs the lesson's tests, shows the first failure with its notes,
// runs them again when a file of the lesson is saved, and stops on Ctrl-C
// (SIGINT) with status 0. It runs in a copy of the checkout of one small
// lesson whose test passes once the exercise says 42.
func TestWatchRerunsOnSave(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module github.com/unboxed-go/unboxed\n\ngo 1.24\n")
	writeFile(t, filepath.Join(dir, "lessons/internal/lessontest/t.go"), "package lessontest\n\nimport \"testing\"\n\nfunc New(t *testing.T, section string) *testing.T { return t }\n")
	exercise := filepath.Join(dir, "lessons/01/process.go")
	writeFile(t, exercise, "package process\n\n// Answer is the exercise. TODO(lesson 1)\nconst Answer = 0\n")
	writeFile(t, filepath.Join(dir, "solutions/01/process.go"), "package process\n\nconst Answer = 42\n")
	writeFile(t, filepath.Join(dir, "lessons/01/process_test.go"), `package process

import (
	"testing"

	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestRunPassesExitCodes(t *testing.T) {
	l := lessontest.New(t, "exit-codes")
	if Answer != 42 {
		l.Fatalf("want Answer 42, got %d — read: go run ./lessons notes 1 exit-codes", Answer)
	}
}
`)
	cli(t, dir, t.TempDir(), "help") // builds the CLI
	var out syncBuffer
	tmp := t.TempDir()
	cmd := exec.Command(cliPath, "watch")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "PAGER=cat")
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor := func(what string, count int) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for strings.Count(out.String(), what) < count {
			if time.Now().After(deadline) {
				t.Fatalf("want %q %d times in watch's output within 90 s, got:\n%s", what, count, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	waitFor("watching lessons/01", 1)
	first := out.String()
	assert.Contains(t, first, "lesson 01: A container is a process", "with no lesson given, the first that does not pass")
	assert.Contains(t, first, "0 of 1 tests pass")
	assert.Contains(t, first, "✗ TestRunPassesExitCodes")
	assert.Contains(t, first, "want Answer 42, got 0")
	assert.Contains(t, first, "## Exit codes", "the failing test's notes section")
	assert.NotContains(t, first, "\x1b[", "plain output when not on a terminal")

	time.Sleep(2 * pollEvery)
	assert.Equal(t, 1, strings.Count(out.String(), "go test ./lessons/01"), "no run again without a change")
	writeFile(t, exercise, "package process\n\nconst Answer = 42\n")
	waitFor("watching lessons/01", 2)
	second := strings.SplitN(out.String(), "watching lessons/01", 2)[1]
	assert.Contains(t, second, "1 of 1 tests pass")
	assert.Contains(t, second, "✓ lesson 01 passes")

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "Ctrl-C ends watch with status 0")
	case <-time.After(15 * time.Second):
		t.Fatal("watch did not stop within 15 s of SIGINT")
	}
	assert.Contains(t, out.String(), "watch: stopped")
	assertEmptyDir(t, tmp)
}
