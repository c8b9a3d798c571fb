package container

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Since Linux 6.7 a whiteout may also be a zero-size regular file with the
// xattr trusted.overlay.whiteout (user.overlay.whiteout under userxattr):
// the kernel's Documentation/filesystems/overlayfs.rst, "Whiteouts and
// opaque directories". Changes must read it as a deletion, and only it:
// an empty file without the xattr, a non-empty one with it, and a
// directory marked opaque "x" (which only says "holds xattr whiteouts")
// are not deletions.
func TestChangesReadsXattrWhiteouts(t *testing.T) {
	needRoot(t) // trusted.* xattrs
	lower, upper := t.TempDir(), t.TempDir()
	for _, name := range []string{"a", "b", "c", "d/x"} {
		require.NoError(t, os.MkdirAll(filepath.Join(lower, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(lower, name), []byte("lower\n"), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(upper, "d"), 0o755))
	files := map[string]string{"a": "", "b": "", "c": "data\n", "empty": "", "d/x": ""}
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(upper, name), []byte(content), 0o644))
	}
	set := func(name, attr, value string) {
		require.NoError(t, unix.Lsetxattr(filepath.Join(upper, name), attr, []byte(value), 0), "setxattr %s on %s", attr, name)
	}
	set("a", "trusted.overlay.whiteout", "")
	set("b", "user.overlay.whiteout", "")
	set("c", "trusted.overlay.whiteout", "") // not empty: not a whiteout
	set("d", "trusted.overlay.opaque", "x")  // "has xattr whiteouts", not opaque
	set("d/x", "trusted.overlay.whiteout", "")

	changes, err := Changes(upper, lower)
	require.NoError(t, err)
	assert.Equal(t, []Change{
		{Deleted, "/a"}, {Deleted, "/b"}, {Changed, "/c"},
		{Changed, "/d"}, {Deleted, "/d/x"}, {Added, "/empty"},
	}, changes)
}

// The kernel, from 6.7 on, hides a lower file behind an xattr whiteout in
// a layer above it, when that layer's directory is marked opaque "x": the
// behaviour TestChangesReadsXattrWhiteouts relies on, seen for real.
func TestOverlayHonoursXattrWhiteouts(t *testing.T) {
	needRoot(t)
	var uts unix.Utsname
	require.NoError(t, unix.Uname(&uts))
	if !kernelAtLeast(unix.ByteSliceToString(uts.Release[:]), 6, 7) {
		t.Skipf("xattr whiteouts came with Linux 6.7; this kernel is %s", unix.ByteSliceToString(uts.Release[:]))
	}
	dir := t.TempDir()
	bottom, top, merged := filepath.Join(dir, "bottom"), filepath.Join(dir, "top"), filepath.Join(dir, "merged")
	for _, d := range []string{bottom, top, merged} {
		require.NoError(t, os.Mkdir(d, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(bottom, "gone"), []byte("x\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bottom, "kept"), []byte("x\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(top, "gone"), nil, 0o644))
	require.NoError(t, unix.Lsetxattr(filepath.Join(top, "gone"), "trusted.overlay.whiteout", nil, 0))
	require.NoError(t, unix.Lsetxattr(top, "trusted.overlay.opaque", []byte("x"), 0))
	// Read-only, two lowers and no upper: nothing of the host changes.
	require.NoError(t, unix.Mount("overlay", merged, "overlay", unix.MS_RDONLY, "lowerdir="+top+":"+bottom))
	t.Cleanup(func() { _ = unix.Unmount(merged, unix.MNT_DETACH) })
	entries, err := os.ReadDir(merged)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"kept"}, names)
}

// kernelAtLeast reports whether a release string such as "6.8.0-45" is at
// least major.minor.
func kernelAtLeast(release string, major, minor int) bool {
	var a, b int
	if n, _ := fmt.Sscanf(release, "%d.%d", &a, &b); n < 2 {
		return false
	}
	return a > major || a == major && b >= minor
}
