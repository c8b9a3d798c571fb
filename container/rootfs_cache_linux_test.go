package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childDefaultRootfs is a registered child that prints DefaultRootfs's
// result, so that two processes can race for the cache.
const childDefaultRootfs = "container-test-default-rootfs"

func init() {
	Register(childDefaultRootfs, func() {
		path, err := DefaultRootfs()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(path)
	})
}

// useTempCache points os.UserCacheDir at a fresh directory and returns
// where DefaultRootfs keeps its rootfs dirs.
func useTempCache(t *testing.T) string {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	return filepath.Join(cache, "unboxed")
}

// assertOneRootfs checks that parent holds exactly the complete rootfs path
// and no temp dir of a build.
func assertOneRootfs(t *testing.T, parent, path string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{filepath.Base(path)}, names, "want one rootfs and no temp dirs in %s", parent)
	fi, err := os.Stat(resolveInRootfs(t, path, "/bin/sh"))
	require.NoError(t, err, "want a complete rootfs")
	assert.NotZero(t, fi.Mode().Perm()&0o111)
}

func TestDefaultRootfs(t *testing.T) {
	parent := useTempCache(t)
	start := time.Now()
	first, err := DefaultRootfs()
	built := time.Since(start)
	require.NoError(t, err)
	start = time.Now()
	second, err := DefaultRootfs()
	cached := time.Since(start)
	require.NoError(t, err)
	t.Logf("DefaultRootfs: %s; first call (build) %v, second call (cached) %v", first, built, cached)

	assert.Equal(t, first, second, "want the cached rootfs the second time")
	assert.True(t, strings.HasPrefix(filepath.Base(first), "rootfs-busybox-") || strings.HasPrefix(filepath.Base(first), "rootfs-host-"), "got %s", first)
	assertOneRootfs(t, parent, first)
	fi, err := os.Stat(first)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm(), "want the rootfs's / with mode 0755")
}

func TestDefaultRootfsConcurrent(t *testing.T) {
	parent := useTempCache(t)
	paths := make([]string, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = DefaultRootfs()
		}()
	}
	wg.Wait()
	for i := range paths {
		require.NoError(t, errs[i])
		assert.Equal(t, paths[0], paths[i], "want every caller to get the same rootfs")
	}
	assertOneRootfs(t, parent, paths[0])
}

// TestCachedRootfsRace lets 20 builds run side by side, without the lock
// DefaultRootfs takes: one rename wins, the others use its result.
func TestCachedRootfsRace(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "unboxed")
	build := func(dir string) error { return BuildRootfs(dir, "sh") }
	paths := make([]string, 20)
	errs := make([]error, 20)
	var wg sync.WaitGroup
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = cachedRootfs(parent, "test", build)
		}()
	}
	wg.Wait()
	for i := range paths {
		require.NoError(t, errs[i])
		assert.Equal(t, paths[0], paths[i])
	}
	assertOneRootfs(t, parent, paths[0])
}

func TestDefaultRootfsTwoProcesses(t *testing.T) {
	parent := useTempCache(t)
	var outs, errs [2]strings.Builder
	var cmds [2]*exec.Cmd
	for i := range cmds {
		cmds[i] = Command(childDefaultRootfs) // XDG_CACHE_HOME is inherited
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &errs[i]
		require.NoError(t, cmds[i].Start())
	}
	for i, cmd := range cmds {
		require.NoError(t, cmd.Wait(), "process %d: %s", i, errs[i].String())
	}
	first, second := strings.TrimSpace(outs[0].String()), strings.TrimSpace(outs[1].String())
	assert.Equal(t, first, second, "want both processes to get the same rootfs")
	assertOneRootfs(t, parent, first)
}

func TestDefaultRootfsRemovesStaleTempDirs(t *testing.T) {
	parent := useTempCache(t)
	stale := filepath.Join(parent, tempRootfsPrefix+"crashed-1")
	fresh := filepath.Join(parent, tempRootfsPrefix+"building-2")
	require.NoError(t, os.MkdirAll(filepath.Join(stale, "bin"), 0o755))
	require.NoError(t, os.MkdirAll(fresh, 0o755))
	old := time.Now().Add(-2 * staleRootfsAge)
	require.NoError(t, os.Chtimes(stale, old, old))

	_, err := DefaultRootfs()
	require.NoError(t, err)
	assert.NoDirExists(t, stale, "want a crashed build's temp dir removed")
	assert.DirExists(t, fresh, "want a build that may be running left alone")
}

func TestRootfsKeyFollowsTheHost(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "prog")
	require.NoError(t, os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755))
	before, err := rootfsKey("host", "sh", prog)
	require.NoError(t, err)
	again, err := rootfsKey("host", "sh", prog)
	require.NoError(t, err)
	assert.Equal(t, before, again, "want the same key for the same host")

	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(prog, later, later))
	after, err := rootfsKey("host", "sh", prog)
	require.NoError(t, err)
	assert.NotEqual(t, before, after, "want a new key when a program changes")
	assert.True(t, strings.HasPrefix(after, "host-"), "got %s", after)
}

func TestDefaultRootfsFromHostPrograms(t *testing.T) {
	parent := useTempCache(t)
	saved := busyboxPaths
	busyboxPaths = nil // as on a host without busybox-static
	t.Cleanup(func() { busyboxPaths = saved })

	start := time.Now()
	path, err := DefaultRootfs()
	built := time.Since(start)
	require.NoError(t, err)
	start = time.Now()
	again, err := DefaultRootfs()
	cached := time.Since(start)
	require.NoError(t, err)
	t.Logf("DefaultRootfs from host programs: %s; first call (build) %v, second call (cached) %v", path, built, cached)
	assert.Equal(t, path, again)
	assert.True(t, strings.HasPrefix(filepath.Base(path), "rootfs-host-"), "got %s", path)
	assertOneRootfs(t, parent, path)
	for _, p := range AvailablePrograms(DefaultPrograms...) {
		assert.FileExists(t, resolveInRootfs(t, path, "/bin/"+p))
	}
}

// Root with no $HOME (a systemd unit, env -i) still gets a cache: the
// guest's test unit found the runtime refusing to start without one.
func TestCacheDirForRootWithoutHome(t *testing.T) {
	needRoot(t)
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	dir, err := cacheDir()
	require.NoError(t, err)
	assert.Equal(t, "/var/cache", dir)
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	dir, err = cacheDir()
	require.NoError(t, err)
	assert.Equal(t, "/tmp/xdg", dir, "want $XDG_CACHE_HOME first")
}
