package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "unboxed")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// The runtime binary exists to start fast: it must not link the Markdown
// renderer, whose package initialisation costs about 10 ms per process.
func TestNoRendererLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "glamour")
	assert.NotContains(t, string(out), "chroma")
}

func TestVerbs(t *testing.T) {
	bin := build(t)
	out, err := exec.Command(bin, "bogus").CombinedOutput()
	assert.Error(t, err)
	assert.Equal(t, "unboxed: unknown verb \"bogus\"; the verbs are: run, diff, demo (unboxed help)\n", string(out))
	out, err = exec.Command(bin, "help").CombinedOutput()
	assert.NoError(t, err)
	assert.Contains(t, string(out), "unboxed run [FLAGS] [--] COMMAND [ARG...]")

	if os.Geteuid() != 0 {
		t.Skip("running a container here needs root: go test -exec sudo ./cmd/unboxed")
	}
	cmd := exec.Command(bin, "run", "--hostname", "rt", "--", "/bin/sh", "-c", "hostname; exit 3")
	got, _ := cmd.CombinedOutput()
	assert.Equal(t, 3, cmd.ProcessState.ExitCode())
	assert.Equal(t, "rt", strings.TrimSpace(string(got)))
}
