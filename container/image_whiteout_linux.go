package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// A layer is unpacked into an empty directory of its own, so whatever is
// in it was written by this layer. That is what the whiteout rules need:
// a whiteout applies only to the layers below (image-spec layer.md), never
// to the same layer's entries, in whichever order the tar holds them.

// applyWhiteout handles .wh.NAME, with gone the path of NAME: a 0/0
// character device, the overlayfs whiteout, when this layer has nothing
// there. When this layer wrote NAME itself, its entry already hides the
// lower ones: a file stays as it is, a directory becomes opaque.
func applyWhiteout(gone, name string) error {
	fi, err := os.Lstat(gone)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return whiteout(gone, name)
	case err != nil:
		return err
	case fi.IsDir():
		return markOpaque(gone)
	}
	return nil
}

// ensureDir makes dir and its parents up to root, where the tar may not
// list them. A whiteout on the way (this layer deleted the lower
// directory, then writes into it) becomes an opaque directory.
func ensureDir(root, dir string) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." {
		return err
	}
	p := root
	for _, c := range strings.Split(rel, "/") {
		p = filepath.Join(p, c)
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
		case err != nil:
			return err
		case whiteoutAt(p):
			if err := os.Remove(p); err != nil {
				return err
			}
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
			if err := markOpaque(p); err != nil {
				return err
			}
		case !fi.IsDir():
			return fmt.Errorf("%s is not a directory", p)
		}
	}
	return nil
}

// whiteoutAt: overlayfs's whiteout, a character device 0/0.
func whiteoutAt(path string) bool {
	var st unix.Stat_t
	return unix.Lstat(path, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
}

// whiteout marks path deleted the way overlayfs does: a character device
// with device number 0/0. Linux 5.8 and later let anyone make one
// (mknod(2)).
func whiteout(path, name string) error {
	if err := unix.Mknod(path, unix.S_IFCHR, 0); err != nil {
		return fmt.Errorf("whiteout %q: mknod 0/0: %w", name, err)
	}
	return nil
}

// markOpaque marks dir so that overlayfs hides what the layers below have
// in it: trusted.overlay.opaque needs CAP_SYS_ADMIN, user.overlay.opaque is
// what an overlay mounted with userxattr reads (overlayfs.rst, "Whiteouts
// and opaque directories").
func markOpaque(dir string) error {
	terr := unix.Lsetxattr(dir, "trusted.overlay.opaque", []byte("y"), 0)
	uerr := unix.Lsetxattr(dir, "user.overlay.opaque", []byte("y"), 0)
	if terr != nil && uerr != nil {
		return fmt.Errorf("opaque directory %s: setting the overlay xattr: %w", dir, uerr)
	}
	return nil
}
