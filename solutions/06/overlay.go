// Package overlay is lesson 06: overlay filesystems, images without copies.
// You stack read-only layers under a writable directory of the container's
// own with overlayfs, so that a hundred containers share one image on disk,
// and you read back what a container changed from that writable directory,
// as docker diff does.
//
// Read the notes first: go run ./lessons notes 6
package overlay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/sys/unix"
)

// MountOverlay mounts an overlay filesystem on target. lowers are the
// read-only layers, bottom first: the last one is on top and wins where
// two layers hold the same path. upper is the directory that receives every
// write, and work is overlayfs's scratch directory: both must exist, be
// empty and sit on one filesystem. In a user namespace it adds the
// userxattr option (Linux 5.11 or later). Errors name the target.
func MountOverlay(lowers []string, upper, work, target string) error {
	if len(lowers) == 0 {
		return fmt.Errorf("mount overlay on %s: no lower layer", target)
	}
	// overlayfs wants the top layer first; we are given the bottom first.
	top := make([]string, 0, len(lowers))
	for i := len(lowers) - 1; i >= 0; i-- {
		if strings.ContainsAny(lowers[i], ":,") {
			return fmt.Errorf("mount overlay on %s: layer %s: a path with ':' or ',' cannot go in the options", target, lowers[i])
		}
		top = append(top, lowers[i])
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(top, ":"), upper, work)
	if inUserNamespace() {
		opts += ",userxattr"
	}
	if err := unix.Mount("overlay", target, "overlay", 0, opts); err != nil {
		return fmt.Errorf("mount overlay on %s (%s): %w", target, opts, err)
	}
	return nil
}

// inUserNamespace: outside any user namespace, uid_map maps all
// 4294967295 ids onto themselves.
func inUserNamespace() bool {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	return strings.Join(strings.Fields(string(data)), " ") != "0 0 4294967295"
}

// Changes lists what a container changed, read from its overlay upper
// directory, the way docker diff reports it. lowers are the layers the
// container ran on (any order). Each path is absolute, as seen inside the
// container ("/etc/motd"):
//   - a whiteout is Deleted: a character device with device number 0/0,
//     or (Linux 6.7 and later) a zero-size regular file with the xattr
//     trusted.overlay.whiteout or user.overlay.whiteout;
//   - an opaque directory (xattr trusted.overlay.opaque or
//     user.overlay.opaque set to "y") is itself Changed or Added, and every
//     entry the lowers hold directly under it that upper lacks is Deleted;
//   - any other entry is Changed when a lower has the path, else Added.
//
// The result is sorted by path; with no lowers nothing counts as Changed.
func Changes(upper string, lowers ...string) ([]container.Change, error) {
	inLower := func(rel string) bool {
		for _, l := range lowers {
			if _, err := os.Lstat(filepath.Join(l, rel)); err == nil {
				return true
			}
		}
		return false
	}
	var changes []container.Change
	err := filepath.WalkDir(upper, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(upper, path)
		if err != nil || rel == "." {
			return err
		}
		name := "/" + rel
		if whiteout(path, d) {
			changes = append(changes, container.Change{Kind: container.Deleted, Path: name})
			return nil
		}
		kind := container.Added
		if inLower(rel) {
			kind = container.Changed
		}
		changes = append(changes, container.Change{Kind: kind, Path: name})
		if d.IsDir() && opaque(path) {
			hidden, err := hiddenBy(rel, upper, lowers)
			if err != nil {
				return err
			}
			changes = append(changes, hidden...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read changes in %s: %w", upper, err)
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// hiddenBy lists as Deleted the entries that the lowers hold directly
// under the opaque directory rel and that upper does not have.
func hiddenBy(rel, upper string, lowers []string) ([]container.Change, error) {
	seen := map[string]bool{}
	var hidden []container.Change
	for _, l := range lowers {
		entries, err := os.ReadDir(filepath.Join(l, rel))
		if err != nil {
			continue // this layer has no such directory
		}
		for _, e := range entries {
			child := filepath.Join(rel, e.Name())
			if seen[child] {
				continue
			}
			seen[child] = true
			_, err := os.Lstat(filepath.Join(upper, child))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				hidden = append(hidden, container.Change{Kind: container.Deleted, Path: "/" + child})
			case err != nil:
				return nil, err
			}
		}
	}
	return hidden, nil
}

// whiteout: overlayfs marks a deleted path with a character device whose
// device number is 0/0, or (Linux 6.7 and later) with a zero-size regular
// file that carries the xattr overlay.whiteout, trusted. or user.
func whiteout(path string, d fs.DirEntry) bool {
	var st unix.Stat_t
	switch {
	case d.Type()&fs.ModeCharDevice != 0:
		return unix.Lstat(path, &st) == nil && st.Rdev == 0
	case d.Type().IsRegular():
		if unix.Lstat(path, &st) != nil || st.Size != 0 {
			return false
		}
		for _, attr := range []string{"trusted.overlay.whiteout", "user.overlay.whiteout"} {
			if _, err := unix.Lgetxattr(path, attr, nil); err == nil {
				return true
			}
		}
	}
	return false
}

// opaque: overlayfs marks a directory that hides what the lowers have
// there with trusted.overlay.opaque, or user.overlay.opaque when mounted
// with userxattr.
func opaque(dir string) bool {
	for _, attr := range []string{"trusted.overlay.opaque", "user.overlay.opaque"} {
		buf := make([]byte, 8)
		n, err := unix.Lgetxattr(dir, attr, buf)
		if err == nil && n == 1 && buf[0] == 'y' {
			return true
		}
	}
	return false
}
