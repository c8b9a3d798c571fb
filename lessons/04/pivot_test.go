//go:build linux

package mounts_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/04"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

// escape runs in a new mount namespace. args: how to change the root
// ("chroot": chroot(2) alone, as in lesson 02; "pivot": your MakePrivate
// and PivotRoot), the new root, and the host path of a marker file outside
// it. It changes the root, tries the classic escape (chroot into a subdir
// while the working directory stays outside it, walk up with "..", chroot
// to where the walk ended), and reports what reading the marker gave.
func escape(args []string, r lessontest.Report) error {
	if len(args) != 3 {
		return fmt.Errorf("want 3 arguments (how, root, marker), got %q", args)
	}
	how, root, marker := args[0], args[1], args[2]
	switch how {
	case "chroot":
		if err := unix.Chroot(root); err != nil {
			return fmt.Errorf("chroot %s: %w", root, err)
		}
		if err := unix.Chdir("/"); err != nil {
			return fmt.Errorf("chdir /: %w", err)
		}
	case "pivot":
		if err := mounts.MakePrivate(); err != nil {
			return fmt.Errorf("your MakePrivate: %w", err)
		}
		if err := mounts.PivotRoot(root); err != nil {
			return fmt.Errorf("your PivotRoot(%q): %w", root, err)
		}
		// No chdir("/") here: PivotRoot must leave the working
		// directory in the new root. One left in the old root would
		// be a way back to it.
		r["cwd"] = cwdIsRoot()
	default:
		return fmt.Errorf("unknown way %q to change the root", how)
	}
	// The escape itself, as in lesson 02.
	if err := os.Mkdir("/escape", 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := unix.Chroot("/escape"); err != nil {
		return fmt.Errorf("chroot /escape: %w", err)
	}
	for range 64 {
		if err := unix.Chdir(".."); err != nil {
			return fmt.Errorf("chdir ..: %w", err)
		}
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot .: %w", err)
	}
	data, err := os.ReadFile(marker)
	if err != nil {
		r["read"] = "error: " + err.Error()
	} else {
		r["read"] = "read: " + string(data)
	}
	return nil
}

// cwdIsRoot says whether the working directory is the root directory.
func cwdIsRoot() string {
	var dot, root unix.Stat_t
	if err := unix.Stat(".", &dot); err != nil {
		return "unknown: stat .: " + err.Error()
	}
	if err := unix.Stat("/", &root); err != nil {
		return "unknown: stat /: " + err.Error()
	}
	if dot.Dev == root.Dev && dot.Ino == root.Ino {
		return "the new /"
	}
	return fmt.Sprintf("somewhere else (device %d, inode %d, while / is device %d, inode %d)", dot.Dev, dot.Ino, root.Dev, root.Ino)
}

func TestEscapeFailsAfterPivotRoot(t *testing.T) {
	l := lessontest.New(t, "pivot-root")
	defer l.Recover()
	l.NeedPrivileges()
	marker := filepath.Join(t.TempDir(), "marker")
	l.NoError(os.WriteFile(marker, []byte("the host's file"), 0o644), "writing the marker file")

	// First the escape against chroot alone: it must reach the marker,
	// or the escape code proves nothing below.
	r := l.InChild(escapeChild, unix.CLONE_NEWNS, "chroot", t.TempDir(), marker)
	l.Equal("lesson 02's escape from a plain chroot to read the host's marker", "read: the host's file", r["read"])

	// Now the same escape after your PivotRoot, on a root that is an
	// empty directory: the walk up ends at the new root.
	before := lessontest.HostMounts(t)
	r = l.InChild(escapeChild, unix.CLONE_NEWNS, "pivot", t.TempDir(), marker)
	l.Equal(`the working directory after your PivotRoot (the notes: chdir("/") last)`, "the new /", r["cwd"])
	l.True(strings.HasPrefix(r["read"], "error: ") && strings.Contains(r["read"], "no such file or directory"),
		fmt.Sprintf("the escape after PivotRoot to find no %s (the host's root is gone from the namespace)", marker),
		fmt.Sprintf("%q", r["read"]))
	sameHostMounts(l, before, "the child")
}

func TestOldRootIsGone(t *testing.T) {
	l := lessontest.New(t, "pivot-root")
	defer l.Recover()
	l.NeedPrivileges()
	needRealRoot(l)
	rootfs := l.Rootfs()
	out, code := l.RunContainer(container.Config{}, "awk '{print $5}' /proc/self/mountinfo; echo ---; ls -1A /")
	l.True(code == 0, "the script to succeed", fmt.Sprintf("exit code %d, output %q", code, out))
	points, listing, ok := strings.Cut(out, "---\n")
	l.True(ok, "the mount points, ---, and the listing of /", fmt.Sprintf("%q", out))

	roots := 0
	for _, p := range strings.Fields(points) {
		l.True(p != rootfs && !strings.HasPrefix(p, rootfs+"/"),
			"no mount point inside at the rootfs's host path "+rootfs,
			"a mount point "+p+" (the old root is still there); all of them:\n"+points)
		if p == "/" {
			roots++
			continue
		}
		l.True(under(p, "/proc") || under(p, "/sys") || under(p, "/dev"),
			"every mount point other than / to be under /proc, /sys or /dev",
			"a mount point "+p+" (the old root's mounts are still there); all of them:\n"+points)
	}
	l.Equal("the number of mounts at / (one: the new root; two means the old root still sits on top)", 1, roots)

	entries, err := os.ReadDir(rootfs)
	l.NoError(err, "reading the rootfs "+rootfs)
	var want []string
	for _, e := range entries {
		want = append(want, e.Name())
	}
	got := strings.Fields(listing)
	slices.Sort(want)
	slices.Sort(got)
	l.Equal("the entries of / inside (those of the rootfs)", strings.Join(want, " "), strings.Join(got, " "))
}

// under reports whether path is dir or inside it.
func under(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}
