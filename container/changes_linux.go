package container

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"
)

// Changes reads what a container changed from its overlay upper directory,
// as docker diff reports it: a whiteout (a character device 0/0, or since
// Linux 6.7 a zero-size file with the xattr trusted.overlay.whiteout) is a
// deleted path; an opaque directory (xattr trusted.overlay.opaque or
// user.overlay.opaque = "y") replaced the lower one, so everything the
// lowers had under it is deleted; any other entry is changed when a lower
// layer has the path, else added. With no lowers, every entry counts as
// added. The result is sorted by path. Lesson 06 asks for it.
func Changes(upper string, lowers ...string) ([]Change, error) {
	var changes []Change
	inLower := func(rel string) bool {
		for _, l := range lowers {
			if _, err := os.Lstat(filepath.Join(l, rel)); err == nil {
				return true
			}
		}
		return false
	}
	err := filepath.WalkDir(upper, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(upper, path)
		if rel == "." {
			return nil
		}
		name := "/" + rel
		if isWhiteout(path, d) {
			changes = append(changes, Change{Deleted, name})
			return nil
		}
		kind := Added
		if inLower(rel) {
			kind = Changed
		}
		changes = append(changes, Change{kind, name})
		if d.IsDir() && isOpaque(path) {
			changes = append(changes, hiddenByOpaque(rel, upper, lowers)...)
		}
		return nil
	})
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "read changes", Path: upper, Err: err}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// hiddenByOpaque lists as deleted what the lowers hold under an opaque
// directory and the upper does not.
func hiddenByOpaque(rel, upper string, lowers []string) []Change {
	seen := map[string]bool{}
	var deleted []Change
	for _, l := range lowers {
		entries, _ := os.ReadDir(filepath.Join(l, rel))
		for _, e := range entries {
			child := filepath.Join(rel, e.Name())
			if seen[child] {
				continue
			}
			seen[child] = true
			if _, err := os.Lstat(filepath.Join(upper, child)); errors.Is(err, fs.ErrNotExist) {
				deleted = append(deleted, Change{Deleted, "/" + child})
			}
		}
	}
	return deleted
}

// isWhiteout: overlayfs marks a deleted file with a character device
// whose device number is 0/0. Since Linux 6.7 a layer may also hold a
// zero-size regular file with the xattr trusted.overlay.whiteout
// (user.overlay.whiteout with userxattr), which tools can store where
// mknod is not allowed (the kernel's filesystems/overlayfs.rst,
// "Whiteouts and opaque directories").
func isWhiteout(path string, d fs.DirEntry) bool {
	var st unix.Stat_t
	switch {
	case d.Type()&fs.ModeCharDevice != 0:
		return unix.Lstat(path, &st) == nil && st.Rdev == 0
	case d.Type().IsRegular():
		return unix.Lstat(path, &st) == nil && st.Size == 0 && hasXattr(path, "overlay.whiteout")
	}
	return false
}

// hasXattr reports whether path has the xattr trusted.<name> or
// user.<name>, whatever its value.
func hasXattr(path, name string) bool {
	for _, prefix := range []string{"trusted.", "user."} {
		if _, err := unix.Lgetxattr(path, prefix+name, nil); err == nil {
			return true
		}
	}
	return false
}

// isOpaque: overlayfs marks a directory that hides the lower ones with
// trusted.overlay.opaque (root) or user.overlay.opaque (userxattr).
func isOpaque(dir string) bool {
	for _, attr := range []string{"trusted.overlay.opaque", "user.overlay.opaque"} {
		buf := make([]byte, 8)
		n, err := unix.Lgetxattr(dir, attr, buf)
		if err == nil && n > 0 && buf[0] == 'y' {
			return true
		}
	}
	return false
}
