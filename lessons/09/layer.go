// Package images is lesson 09: images. An image is a few JSON documents
// and some tarballs, each named by the sha256 of its bytes. You read an
// OCI image layout from its index.json down to its layers, check every
// digest, and apply each layer's tar into a directory of its own, turning
// the image's whiteouts into the overlayfs ones of lesson 06, so that the
// runtime can stack the directories as a container's root.
//
// Read the notes first: go run ./lessons notes 9
package images

import "io"

// ApplyLayer unpacks one layer, an uncompressed tar, into dir, an existing
// directory, in the form overlayfs reads a lower layer in:
//   - NAME/.wh.FILE (a whiteout) becomes NAME/FILE as a character device
//     with device number 0/0, and no .wh. file is written; but a whiteout
//     never deletes what this same layer wrote (dir starts empty);
//   - NAME/.wh..wh..opq (an opaque whiteout) marks NAME opaque: the xattr
//     trusted.overlay.opaque, or user.overlay.opaque in a user namespace,
//     set to "y";
//   - directories, regular files, symbolic links and hard links are made
//     with the tar's mode and mtime (and owner when running as root).
//
// An entry that would leave dir is refused with an error that names it:
// an absolute name, a ".." that climbs out, a symbolic link (written by an
// earlier entry) whose target climbs out, a hard link to outside. An
// absolute symlink target means dir's root, as in the container.
func ApplyLayer(layer io.Reader, dir string) error {
	// TODO(lesson 9): read the tar with archive/tar; for each entry, find
	// where it goes under dir without leaving it (follow the symlinks
	// already written, refuse ".." above dir and absolute names), turn
	// .wh.NAME into a 0/0 character device (unix.Mknod) and .wh..wh..opq
	// into the opaque xattr, and make the directories, files, symlinks and
	// hard links with their modes and mtimes.
	panic("TODO(lesson 9): write ApplyLayer in lessons/09/layer.go")
}
