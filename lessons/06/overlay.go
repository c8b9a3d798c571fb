// Package overlay is lesson 06: overlay filesystems, images without copies.
// You stack read-only layers under a writable directory of the container's
// own with overlayfs, so that a hundred containers share one image on disk,
// and you read back what a container changed from that writable directory,
// as docker diff does.
//
// Read the notes first: go run ./lessons notes 6
package overlay

import "github.com/unboxed-go/unboxed/container"

// MountOverlay mounts an overlay filesystem on target. lowers are the
// read-only layers, bottom first: the last one is on top and wins where
// two layers hold the same path. upper is the directory that receives every
// write, and work is overlayfs's scratch directory: both must exist, be
// empty and sit on one filesystem. In a user namespace it adds the
// userxattr option (Linux 5.11 or later). Errors name the target.
func MountOverlay(lowers []string, upper, work, target string) error {
	// TODO(lesson 6): afterwards target shows the union of lowers, the
	// last one on top, and every write there lands in upper; in a user
	// namespace too. Notes: "The stack", "Layers", "Opaque directories".
	panic("TODO(lesson 6): write MountOverlay in lessons/06/overlay.go")
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
	// TODO(lesson 6): every entry of upper is one change (the rules are
	// above, and in the notes' "Changes"); an opaque directory adds the
	// lowers' entries it hides; sort by Path.
	panic("TODO(lesson 6): write Changes in lessons/06/overlay.go")
}
