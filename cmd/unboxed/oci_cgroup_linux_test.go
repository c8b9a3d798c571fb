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

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// pidsCgroupDir is where an absolute linux.cgroupsPath lands in the pids
// hierarchy (v1) or the unified one (v2).
func pidsCgroupDir(t *testing.T, path string) string {
	t.Helper()
	l, err := cgroups.DetectLayout()
	require.NoError(t, err)
	if l.Version == "v2" {
		return filepath.Join(l.V2, path)
	}
	mount, ok := l.V1["pids"]
	if !ok {
		t.Skip("no pids hierarchy is mounted: sudo mount -t cgroup -o pids cgroup /sys/fs/cgroup/pids")
	}
	return filepath.Join(mount, path)
}

// sweepTestCgroups removes, when the test ends, whatever a failing test
// left of the cgroups at /unboxed-test-PID/NAME in every hierarchy: the
// processes in them are killed first. A passing test leaves nothing.
func sweepTestCgroups(t *testing.T, name string) {
	t.Cleanup(func() {
		l, err := cgroups.DetectLayout()
		if err != nil {
			return
		}
		mounts := []string{l.V2}
		for _, m := range l.V1 {
			mounts = append(mounts, m)
		}
		for _, m := range mounts {
			parent := filepath.Join(m, fmt.Sprintf("unboxed-test-%d", os.Getpid()))
			dir := filepath.Join(parent, name)
			if procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs")); err == nil {
				for _, f := range strings.Fields(string(procs)) {
					var pid int
					fmt.Sscan(f, &pid)
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
				time.Sleep(50 * time.Millisecond)
			}
			_ = syscall.Rmdir(dir)
			_ = syscall.Rmdir(parent)
		}
	})
}

func withPidsLimit(path string, limit int64) func(*specs.Spec) {
	return func(s *specs.Spec) {
		s.Linux.CgroupsPath = path
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}
	}
}

// A bundle's cgroup is made by create, holds the limit while the
// container waits at its gate, outlives create's process, and goes with
// delete.
func TestOCICgroupsPathLifecycle(t *testing.T) {
	r := newOCI(t)
	path := fmt.Sprintf("/unboxed-test-%d/box", os.Getpid())
	sweepTestCgroups(t, "box")
	dir := pidsCgroupDir(t, path)
	t.Cleanup(func() { assert.NoDirExists(t, filepath.Dir(dir), "nothing is left of the cgroup") })
	b := bundle(t, r, "/bin/sleep", "30")
	editSpec(t, b, withPidsLimit(path, 100))
	out, code := r.run("create", "--bundle", b, "limited")
	require.Equal(t, 0, code, out)
	assert.Equal(t, specs.StateCreated, r.state("limited").Status)
	limit, err := os.ReadFile(filepath.Join(dir, "pids.max"))
	require.NoError(t, err, "the cgroup outlives create")
	assert.Equal(t, "100", strings.TrimSpace(string(limit)), "the limit is in force while the init waits at its gate")
	procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	require.NoError(t, err)
	assert.Contains(t, strings.Fields(string(procs)), fmt.Sprint(r.state("limited").Pid), "the init is in it")
	_, code = r.run("start", "limited")
	require.Equal(t, 0, code)
	out, code = r.run("delete", "--force", "limited")
	require.Equal(t, 0, code, out)
	assert.NoDirExists(t, dir, "delete removes the cgroup")

	// A cgroup that exists is refused by name, with an example, and
	// left as it was.
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Cleanup(func() { _ = syscall.Rmdir(dir); _ = syscall.Rmdir(filepath.Dir(dir)) })
	out, code = r.run("create", "--bundle", b, "refused")
	assert.Equal(t, 125, code, out)
	assert.Contains(t, out, "linux.cgroupsPath")
	assert.Contains(t, out, "e.g.")
	assert.DirExists(t, dir, "a cgroup unboxed did not make is not removed")
	assert.NoDirExists(t, filepath.Join(r.root, "refused"), "no state is left")
	require.NoError(t, syscall.Rmdir(dir))
	require.NoError(t, syscall.Rmdir(filepath.Dir(dir)))

	// A command that cannot start: create fails, nothing is left.
	editSpec(t, b, func(s *specs.Spec) { s.Process.Args = []string{"/no/such/command"} })
	out, code = r.run("create", "--bundle", b, "failed")
	assert.NotEqual(t, 0, code, out)
	assert.NoDirExists(t, filepath.Dir(dir), "a failed create leaves no cgroup")
	assert.NoDirExists(t, filepath.Join(r.root, "failed"), "and no state")
}

// A create killed with SIGKILL at any moment leaves nothing that the next
// list (which sweeps half-made containers) and delete --force do not
// remove: no cgroup directory, no state.
func TestOCICgroupAfterKill9OfCreate(t *testing.T) {
	r := newOCI(t)
	path := fmt.Sprintf("/unboxed-test-%d/killed", os.Getpid())
	sweepTestCgroups(t, "killed")
	dir := pidsCgroupDir(t, path)
	b := bundle(t, r, "/bin/sleep", "30")
	editSpec(t, b, withPidsLimit(path, 100))
	sawCgroup := false
	for delay := 0 * time.Millisecond; delay <= 60*time.Millisecond; delay += 3 * time.Millisecond {
		create := exec.Command(r.bin, "--root", r.root, "create", "--bundle", b, "killed")
		require.NoError(t, create.Start())
		time.Sleep(delay)
		_, err := os.Stat(dir)
		sawCgroup = sawCgroup || err == nil
		_ = create.Process.Signal(syscall.SIGKILL)
		_ = create.Wait()
		listed, _ := r.run("list")
		deleted, _ := r.run("delete", "--force", "killed")
		require.NoDirExists(t, dir, "a create killed after %v left its cgroup (list: %s; delete: %s)", delay, listed, deleted)
		require.NoDirExists(t, filepath.Dir(dir), "a create killed after %v left the cgroup's parent", delay)
		entries, _ := os.ReadDir(r.root)
		require.Empty(t, entries, "a create killed after %v left state", delay)
	}
	assert.True(t, sawCgroup, "some create was killed while its cgroup existed")
}

// A pids limit too small for the init's Go runtime to wait at the gate
// under it is set just before the command runs instead: the init is not
// killed by its own threads, and the command runs under the limit.
func TestOCISmallPidsLimitAfterTheGate(t *testing.T) {
	r := newOCI(t)
	path := fmt.Sprintf("/unboxed-test-%d/small", os.Getpid())
	sweepTestCgroups(t, "small")
	dir := pidsCgroupDir(t, path)
	b := bundle(t, r, "/bin/sleep", "30")
	editSpec(t, b, withPidsLimit(path, 3))
	out, code := r.run("create", "--bundle", b, "small")
	require.Equal(t, 0, code, out)
	t.Cleanup(func() { r.run("delete", "--force", "small"); assert.NoDirExists(t, filepath.Dir(dir)) })
	limit, err := os.ReadFile(filepath.Join(dir, "pids.max"))
	require.NoError(t, err)
	assert.Equal(t, "max", strings.TrimSpace(string(limit)), "at the gate the limit waits")
	_, code = r.run("start", "small")
	require.Equal(t, 0, code)
	waitStatus(t, r, "small", specs.StateRunning)
	limit, err = os.ReadFile(filepath.Join(dir, "pids.max"))
	require.NoError(t, err)
	assert.Equal(t, "3", strings.TrimSpace(string(limit)), "the command runs under it")
}
