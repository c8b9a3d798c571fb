package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// unboxedCgroups lists the containers' cgroups under this process's
// cgroup roots (cgroups.Roots), which the runtime binary shares.
func unboxedCgroups(t *testing.T) map[string]bool {
	t.Helper()
	_, roots, err := cgroups.Roots()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, root := range roots {
		entries, _ := os.ReadDir(filepath.Join(root, "unboxed"))
		for _, e := range entries {
			if e.IsDir() {
				seen[filepath.Join(root, "unboxed", e.Name())] = true
			}
		}
	}
	return seen
}

// A runtime killed with SIGKILL cannot remove its container's cgroup: its
// container dies with it (the init's parent-death signal), and the next
// run sweeps the cgroup away (cgroups.CleanStale, at every start). After
// 100 killed runs and one more that ends normally, none of their cgroups
// is left.
func TestSIGKILLedRunsLeaveNoCgroup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("limits need root here: go test -exec sudo ./cmd/unboxed")
	}
	bin := build(t)
	before := unboxedCgroups(t)
	for i := 0; i < 100; i++ {
		cmd := exec.Command(bin, "run", "--memory", "64M", "--", "/bin/sh", "-c", "echo up; exec sleep 30")
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		line, _ := bufio.NewReader(out).ReadString('\n')
		require.Equal(t, "up\n", line, "run %d: the container started", i)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
	}
	var ours []string
	for dir := range unboxedCgroups(t) {
		if !before[dir] {
			ours = append(ours, dir)
		}
	}
	require.NotEmpty(t, ours, "want the killed runs' cgroups left behind for the sweep, got none")
	// A cgroup younger than a few seconds may be one that a runtime is
	// still setting up; the sweep leaves those alone (staleAge).
	time.Sleep(cgroups.StaleAge)
	out, err := exec.Command(bin, "run", "--memory", "64M", "--", "/bin/true").CombinedOutput()
	require.NoError(t, err, string(out))
	for _, dir := range ours {
		assert.NoDirExists(t, dir, "want the killed run's cgroup swept by the next run")
	}
}
