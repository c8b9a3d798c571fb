//go:build linux

package rootfs_test

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/02"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// The children the chroot tests start with l.InChild.
const (
	escapeChild    = "lesson02-escape"
	chrootErrChild = "lesson02-chroot-error"
)

func TestMain(m *testing.M) {
	// The classic escape: chroot into the rootfs with your Chroot, look for
	// a host file (it must be out of sight), then chroot again into a
	// subdirectory while the working directory stays outside it, walk up
	// with "..", and chroot to where the walk ended: the host's root.
	lessontest.Child(escapeChild, func(args []string, r lessontest.Report) error {
		root, marker := args[0], args[1]
		if err := rootfs.Chroot(root); err != nil {
			return err
		}
		cwd, err := unix.Getwd()
		if err != nil {
			cwd = "unknown (" + err.Error() + ")"
		}
		r["cwd"] = cwd
		r["before"] = readMarker(marker)

		if err := os.Mkdir("/escape", 0o755); err != nil {
			return err
		}
		if err := unix.Chroot("/escape"); err != nil {
			return err
		}
		for i := 0; i < 64; i++ {
			if err := unix.Chdir(".."); err != nil {
				return err
			}
		}
		if err := unix.Chroot("."); err != nil {
			return err
		}
		r["after"] = readMarker(marker)
		return nil
	})
	// Chroot into a directory that does not exist, and report the error.
	lessontest.Child(chrootErrChild, func(args []string, r lessontest.Report) error {
		if err := rootfs.Chroot(args[0]); err != nil {
			r["err"] = err.Error()
		} else {
			r["err"] = "nil"
		}
		return nil
	})
	lessontest.Main(m, 2, container.Stages{Chroot: rootfs.Chroot})
}

// readMarker reads the file at path and says what happened: "read: " and
// its content, or "error: " and why not.
func readMarker(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "error: " + err.Error()
	}
	return "read: " + string(data)
}
