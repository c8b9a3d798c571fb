package container

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildRootfsFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	require.NoError(t, BuildRootfs(dir, "sh", "ls"))

	for _, p := range []string{"/bin/sh", "/bin/ls"} {
		fi, err := os.Stat(resolveInRootfs(t, dir, p))
		require.NoError(t, err)
		assert.True(t, fi.Mode().IsRegular(), "want %s to be a file, got %v", p, fi.Mode())
		assert.NotZero(t, fi.Mode().Perm()&0o111, "want %s executable, got %v", p, fi.Mode())
	}
	ls, err := exec.LookPath("ls")
	require.NoError(t, err)
	deps, err := ELFDeps(ls)
	require.NoError(t, err)
	for _, d := range deps {
		// Found inside the rootfs the way the loader finds it after chroot:
		// the absolute links resolve inside, not on the host.
		fi, err := os.Stat(resolveInRootfs(t, dir, d))
		require.NoError(t, err, "want %s (needed by ls) in the rootfs", d)
		assert.True(t, fi.Mode().IsRegular())
	}
	for _, d := range []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/lib", "/etc", "/proc", "/sys", "/dev", "/root", "/home", "/var", "/run"} {
		fi, err := os.Stat(resolveInRootfs(t, dir, d))
		require.NoError(t, err, "want the directory %s in the rootfs", d)
		assert.True(t, fi.IsDir(), "want %s to be a directory", d)
	}
	fi, err := os.Stat(filepath.Join(dir, "tmp"))
	require.NoError(t, err)
	assert.Equal(t, fs.ModeDir|fs.ModeSticky|0o777, fi.Mode(), "want /tmp with mode 1777")
	passwd, err := os.ReadFile(filepath.Join(dir, "etc/passwd"))
	require.NoError(t, err)
	assert.Contains(t, string(passwd), "root:x:0:0:")
	assert.Contains(t, string(passwd), "nobody:x:65534:65534:")
	group, err := os.ReadFile(filepath.Join(dir, "etc/group"))
	require.NoError(t, err)
	assert.Contains(t, string(group), "root:x:0:")
	assert.FileExists(t, filepath.Join(dir, "etc/hostname"))
}

func TestBuildRootfsRunsUnderChroot(t *testing.T) {
	needRoot(t)
	dir := filepath.Join(t.TempDir(), "rootfs")
	require.NoError(t, BuildRootfs(dir, "sh", "ls"))
	out, err := exec.Command("chroot", dir, "/bin/sh", "-c", "echo ok; ls /bin").CombinedOutput()
	require.NoError(t, err, "chroot %s /bin/sh: %s", dir, out)
	assert.Equal(t, []string{"ok", "ls", "sh"}, strings.Fields(string(out)))
}

// TestBuildRootfsDefaultProgramsUnderChroot has the loader of each default
// program resolve its libraries inside the rootfs without running it (ld.so(8),
// LD_TRACE_LOADED_OBJECTS: what ldd does), so that ps and mount, which need
// /proc, are checked too.
func TestBuildRootfsDefaultProgramsUnderChroot(t *testing.T) {
	needRoot(t)
	programs := AvailablePrograms(DefaultPrograms...)
	dir := filepath.Join(t.TempDir(), "rootfs")
	require.NoError(t, BuildRootfs(dir, programs...))
	for _, p := range programs {
		cmd := exec.Command("chroot", dir, "/bin/"+p)
		cmd.Env = []string{"LD_TRACE_LOADED_OBJECTS=1"}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "chroot %s /bin/%s: %s", dir, p, out)
		assert.NotContains(t, string(out), "not found", "/bin/%s in the rootfs lacks a library", p)
	}
	out, err := exec.Command("chroot", dir, "/bin/sh", "-c", "id -un; cat /etc/hostname; mkdir /tmp/d && touch /tmp/d/f && rm -r /tmp/d && echo done").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, []string{"root", "unboxed", "done"}, strings.Fields(string(out)))
}

func TestBuildRootfsRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep")
	require.NoError(t, os.WriteFile(keep, []byte("precious"), 0o600))

	err := BuildRootfs(dir, "sh")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, dir, e.Path, "want the error to name the directory")
	assert.Contains(t, err.Error(), "not empty")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "want the directory untouched")
	data, err := os.ReadFile(keep)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(data))
}

func TestBuildRootfsMissingProgram(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "missing-parent")
	dir := filepath.Join(parent, "rootfs")
	err := BuildRootfs(dir, "sh", "unboxed-no-such-program")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "unboxed-no-such-program", e.Path, "want the error to name the program")
	assert.Contains(t, err.Error(), `"sh"`, "want an example of a name that works")
	assert.Contains(t, err.Error(), `"/bin/ls"`, "want an example of a path that works")
	assert.NoDirExists(t, parent, "want nothing made")

	for _, bad := range []string{"", "bin/ls", "/nonexistent/unboxed"} {
		assert.Error(t, BuildRootfs(dir, bad), "program %q", bad)
	}
	assert.NoDirExists(t, parent, "want nothing made")
}

// TestBuildRootfsCleansUp fails a build halfway, into a dir that it made
// (with a parent) and into an empty dir that was there.
func TestBuildRootfsCleansUp(t *testing.T) {
	broken := errors.New("broken on purpose")
	fill := func(*rootfsTree) error { return broken } // after the layout is made
	t.Run("made dir", func(t *testing.T) {
		parent := filepath.Join(t.TempDir(), "new")
		err := buildRootfs("test", filepath.Join(parent, "rootfs"), fill)
		require.ErrorIs(t, err, broken)
		assert.NoDirExists(t, parent, "want the dir and the parent it made removed")
	})
	t.Run("empty dir", func(t *testing.T) {
		dir := t.TempDir()
		err := buildRootfs("test", dir, fill)
		require.ErrorIs(t, err, broken)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err, "want the dir that was there kept")
		assert.Empty(t, entries, "want the dir emptied again")
	})
}

func TestAvailablePrograms(t *testing.T) {
	assert.Equal(t, []string{"sh", "/bin/sh"}, AvailablePrograms("sh", "unboxed-no-such-program", "/bin/sh", "", "bin/sh", "/etc/passwd"))
	assert.Nil(t, AvailablePrograms())
}

// resolveInRootfs returns where p is inside root, following symlinks the way
// the kernel does after chroot(root): an absolute target starts at root
// again, and ".." stops at it. Following p from the host would lead to the
// host's files through an absolute link and hide a missing one.
func resolveInRootfs(t *testing.T, root, p string) string {
	t.Helper()
	real := "/"
	rest := strings.Split(p, "/")
	for links := 0; len(rest) > 0; {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			real = filepath.Dir(real)
			continue
		}
		next := filepath.Join(real, name)
		fi, err := os.Lstat(filepath.Join(root, next))
		require.NoError(t, err, "resolve %s inside %s", p, root)
		if fi.Mode()&fs.ModeSymlink == 0 {
			real = next
			continue
		}
		links++
		require.Less(t, links, maxSymlinks, "resolve %s inside %s: a link loop", p, root)
		target, err := os.Readlink(filepath.Join(root, next))
		require.NoError(t, err)
		if filepath.IsAbs(target) {
			real = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(root, real)
}
