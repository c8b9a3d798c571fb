package cgroups

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// fakeStaleTree puts, in each base directory, the cgroups that a stale
// cleanup meets: old and empty (stale), old with a process, new and empty
// (a container starting), old with a child cgroup; and a cgroup next to
// unboxed/ that is not ours.
func fakeStaleTree(t *testing.T, bases ...string) {
	old := time.Now().Add(-time.Minute)
	for _, base := range bases {
		fakeFiles(t, filepath.Join(base, "stale"), map[string]string{"cgroup.procs": ""})
		// A live runtime holds its cgroup's lock. (No made-up PIDs here:
		// the cleaner kills what a stale cgroup lists.)
		fakeFiles(t, filepath.Join(base, "running"), map[string]string{"cgroup.procs": ""})
		holdLock(t, filepath.Join(base, "running"))
		fakeFiles(t, filepath.Join(base, "starting"), map[string]string{"cgroup.procs": ""})
		fakeFiles(t, filepath.Join(base, "parent", "child"), map[string]string{"cgroup.procs": ""})
		fakeFiles(t, filepath.Join(filepath.Dir(base), "not-ours"), map[string]string{"cgroup.procs": ""})
		for _, d := range []string{"stale", "running", "parent", "../not-ours"} {
			require.NoError(t, os.Chtimes(filepath.Join(base, d), old, old))
		}
	}
}

// holdLock takes the shared flock a live runtime holds on its cgroup, for
// as long as the test runs.
func holdLock(t *testing.T, dir string) {
	t.Helper()
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	require.NoError(t, unix.Flock(fd, unix.LOCK_SH|unix.LOCK_NB))
	t.Cleanup(func() { unix.Close(fd) })
}

func TestCgroupStaleFake(t *testing.T) {
	useFakeCgroupfs(t)
	t.Run("v1", func(t *testing.T) {
		l, own, root := fakeV1(t)
		bases := []string{
			filepath.Join(root, "memory", "process_api", "abc", "unboxed"),
			filepath.Join(root, "pids", "unboxed"),
			filepath.Join(root, "cpu,cpuacct", "unboxed"),
		}
		fakeStaleTree(t, bases...)
		removed, err := cleanStaleAt(l, own, StaleAge, nil)
		require.NoError(t, err)
		var want []string
		for _, b := range bases {
			want = append(want, filepath.Join(b, "stale"))
		}
		assert.Equal(t, want, removed, "only old cgroups in unboxed/ whose runtime is gone")
		for _, b := range bases {
			for _, d := range []string{"running", "starting", "parent/child", "../not-ours"} {
				assert.DirExists(t, filepath.Join(b, d), "stays")
			}
		}
	})
	t.Run("v2", func(t *testing.T) {
		l, root := fakeV2(t, "cpu memory pids", "")
		base := filepath.Join(root, "unboxed")
		fakeStaleTree(t, base)
		removed, err := cleanStaleAt(l, nil, StaleAge, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{filepath.Join(base, "stale")}, removed)
		assert.DirExists(t, filepath.Join(root, "not-ours"))
	})
	t.Run("nothing to clean", func(t *testing.T) {
		l, root := fakeV2(t, "cpu memory pids", "")
		removed, err := cleanStaleAt(l, nil, StaleAge, nil)
		require.NoError(t, err)
		assert.Empty(t, removed)
		assert.NoDirExists(t, filepath.Join(root, "unboxed"))
	})
}

// TestCgroupStaleReal leaves cgroups behind the way a killed runtime does
// (no lock; one empty, one with its container still running) and checks
// that the cleanup kills what is left and removes both, but leaves a
// cgroup whose runtime is alive. It only looks at this test's own cgroups.
func TestCgroupStaleReal(t *testing.T) {
	l, own := realLayout(t)
	crashed := realCgroup(t, Limits{Pids: 16}, "crashed")
	alive := realCgroup(t, Limits{Pids: 16}, "alive")
	busy := realCgroup(t, Limits{Pids: 16}, "busy")
	sleep := startInCgroup(t, busy, "sleep", "30")
	for _, cg := range []Cgroup{crashed, busy} {
		dirs := cgroupDirsOf(cg)
		dirs.mu.Lock()
		for _, fd := range dirs.locks {
			unix.Close(fd)
		}
		dirs.locks = nil
		dirs.mu.Unlock()
	}
	mine := func(id string) bool { return strings.HasPrefix(id, testIDPrefix()) }
	removed, err := cleanStaleAt(l, own, 0, mine)
	require.NoError(t, err)
	want := append(cgroupDirsOf(crashed).list(), cgroupDirsOf(busy).list()...)
	assert.ElementsMatch(t, want, removed, "the dead runtimes' cgroups are removed")
	for _, dir := range want {
		assert.NoDirExists(t, dir)
	}
	for _, dir := range cgroupDirsOf(alive).list() {
		assert.DirExists(t, dir, "a cgroup whose runtime is alive stays")
	}
	err = sleep.Wait()
	assert.ErrorContains(t, err, "killed", "what outlived its runtime is killed")
}
