package container

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
		fakeFiles(t, filepath.Join(base, "running"), map[string]string{"cgroup.procs": "4242\n"})
		fakeFiles(t, filepath.Join(base, "starting"), map[string]string{"cgroup.procs": ""})
		fakeFiles(t, filepath.Join(base, "parent", "child"), map[string]string{"cgroup.procs": ""})
		fakeFiles(t, filepath.Join(filepath.Dir(base), "not-ours"), map[string]string{"cgroup.procs": ""})
		for _, d := range []string{"stale", "running", "parent", "../not-ours"} {
			require.NoError(t, os.Chtimes(filepath.Join(base, d), old, old))
		}
	}
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
		removed, err := cleanStaleAt(l, own, staleAge, nil)
		require.NoError(t, err)
		var want []string
		for _, b := range bases {
			want = append(want, filepath.Join(b, "stale"))
		}
		assert.Equal(t, want, removed, "only old, empty cgroups in unboxed/ go")
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
		removed, err := cleanStaleAt(l, nil, staleAge, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{filepath.Join(base, "stale")}, removed)
		assert.DirExists(t, filepath.Join(root, "not-ours"))
	})
	t.Run("nothing to clean", func(t *testing.T) {
		l, root := fakeV2(t, "cpu memory pids", "")
		removed, err := cleanStaleAt(l, nil, staleAge, nil)
		require.NoError(t, err)
		assert.Empty(t, removed)
		assert.NoDirExists(t, filepath.Join(root, "unboxed"))
	})
}

// TestCgroupStaleReal leaves a cgroup behind the way a crashed runtime
// does (no lock, no process) and checks that the cleanup removes it, but
// not a cgroup whose runtime is alive nor one with a process in it. It
// only looks at this test's own cgroups.
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
	want := cgroupDirsOf(crashed).list()
	assert.ElementsMatch(t, want, removed, "the crashed runtime's cgroups are removed")
	for _, dir := range want {
		assert.NoDirExists(t, dir)
	}
	for _, cg := range []Cgroup{alive, busy} {
		for _, dir := range cgroupDirsOf(cg).list() {
			assert.DirExists(t, dir, "a cgroup in use stays")
		}
	}
	require.NoError(t, busy.Destroy())
	_ = sleep.Wait()
}
