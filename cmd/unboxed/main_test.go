package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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
	assert.Equal(t, "unboxed: unknown verb \"bogus\"; the verbs are: run, diff, demo, pull, images, rmi, prune, create, start, state, kill, delete, list, spec (unboxed help)\n", string(out))
	out, err = exec.Command(bin, "help").CombinedOutput()
	assert.NoError(t, err)
	assert.Contains(t, string(out), "unboxed run [FLAGS] [--image REF] [--] [COMMAND [ARG...]]")

	if os.Geteuid() != 0 {
		t.Skip("running a container here needs root: go test -exec sudo ./cmd/unboxed")
	}
	cmd := exec.Command(bin, "run", "--hostname", "rt", "--", "/bin/sh", "-c", "hostname; exit 3")
	got, _ := cmd.CombinedOutput()
	assert.Equal(t, 3, cmd.ProcessState.ExitCode())
	assert.Equal(t, "rt", strings.TrimSpace(string(got)))
}

func mountTable(t *testing.T) string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	return string(data)
}

// sleepers counts the demo's idle containers still running on the host.
func sleepers(t *testing.T) int {
	out, _ := exec.Command("pgrep", "-fc", "^/bin/sleep 3600$").Output()
	n := 0
	_, _ = fmt.Sscan(strings.TrimSpace(string(out)), &n)
	return n
}

func TestDemoDensityCleansUp(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the demo needs root: go test -exec sudo ./cmd/unboxed")
	}
	bin := build(t)
	before, idle := mountTable(t), sleepers(t)
	out, err := exec.Command(bin, "demo", "density", "--count", "5").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "started 5 of 5 idle containers")
	assert.Contains(t, string(out), "5 VMs would need about 3.7 GB of disk")
	assert.Contains(t, string(out), "the mount table is as before")

	// Ctrl-C while a hundred start: every one is stopped and removed.
	cmd := exec.Command(bin, "demo", "density", "--count", "100")
	var buf strings.Builder
	cmd.Stdout, cmd.Stderr = &buf, &buf
	require.NoError(t, cmd.Start())
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Wait(), buf.String())
	assert.Contains(t, buf.String(), "interrupted: stopping every container")
	assert.Equal(t, idle, sleepers(t), "no container left running")
	assert.Equal(t, before, mountTable(t))
}

func TestDemoBadInput(t *testing.T) {
	bin := build(t)
	for _, args := range [][]string{{"demo"}, {"demo", "speed"}, {"demo", "startup", "-n", "0"}, {"demo", "density", "--count", "x"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		assert.Error(t, err)
		assert.Contains(t, string(out), "usage: unboxed demo startup [-n N] | demo density [--count N]")
	}
}
