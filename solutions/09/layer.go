// Package images is lesson 09: images. An image is a few JSON documents
// and some tarballs, each named by the sha256 of its bytes. You read an
// OCI image layout from its index.json down to its layers, check every
// digest, and apply each layer's tar into a directory of its own, turning
// the image's whiteouts into the overlayfs ones of lesson 06, so that the
// runtime can stack the directories as a container's root.
//
// Read the notes first: go run ./lessons notes 9
package images

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

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
	tr := tar.NewReader(layer)
	type dirMeta struct {
		path string
		hdr  *tar.Header
	}
	var dirs []dirMeta
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the layer: %w", err)
		}
		p, err := resolve(dir, hdr.Name)
		if err != nil {
			return err
		}
		if p == dir {
			continue
		}
		parent, base := filepath.Dir(p), filepath.Base(p)
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		if base == ".wh..wh..opq" {
			if err := markOpaque(parent); err != nil {
				return err
			}
			continue
		}
		if name, ok := strings.CutPrefix(base, ".wh."); ok {
			// dir started empty: what is there, this layer wrote, and a
			// whiteout spares its own layer. Its file already hides the
			// lower ones; its directory must hide their contents.
			gone := filepath.Join(parent, name)
			fi, err := os.Lstat(gone)
			switch {
			case err != nil:
				if err := unix.Mknod(gone, unix.S_IFCHR, 0); err != nil {
					return fmt.Errorf("whiteout %s: %w", hdr.Name, err)
				}
			case fi.IsDir():
				if err := markOpaque(gone); err != nil {
					return err
				}
			}
			continue
		}
		if fi, err := os.Lstat(p); err == nil && !(fi.IsDir() && hdr.Typeflag == tar.TypeDir) {
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.Mkdir(p, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
				return err
			}
			dirs = append(dirs, dirMeta{p, hdr})
			continue // mode and mtime at the end
		case tar.TypeReg:
			f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.Symlink(hdr.Linkname, p); err != nil {
				return err
			}
		case tar.TypeLink:
			target, err := resolve(dir, hdr.Linkname)
			if err != nil {
				return fmt.Errorf("hard link %s: %w", hdr.Name, err)
			}
			if err := os.Link(target, p); err != nil {
				return fmt.Errorf("hard link %s -> %s: %w", hdr.Name, hdr.Linkname, err)
			}
			continue
		default:
			continue // devices, fifos: not in this lesson's images
		}
		if err := setMeta(p, hdr); err != nil {
			return err
		}
	}
	// Deepest first, so that setting one directory's mtime is not undone
	// by writing into it, and a read-only directory is filled before.
	// A later entry may have put a symlink where a directory was, and
	// chmod follows symlinks: touch only what is still a directory.
	for i := len(dirs) - 1; i >= 0; i-- {
		if fi, err := os.Lstat(dirs[i].path); err != nil || !fi.IsDir() {
			continue
		}
		if err := setMeta(dirs[i].path, dirs[i].hdr); err != nil {
			return err
		}
	}
	return nil
}

// setMeta gives p the tar entry's owner (as root; an id the user
// namespace does not map, EINVAL, is left), mode and mtime.
func setMeta(p string, hdr *tar.Header) error {
	if os.Geteuid() == 0 {
		if err := os.Lchown(p, hdr.Uid, hdr.Gid); err != nil && !errors.Is(err, unix.EINVAL) {
			return err
		}
	}
	if hdr.Typeflag != tar.TypeSymlink {
		if err := os.Chmod(p, os.FileMode(hdr.Mode&0o777)|modeBits(hdr.Mode)); err != nil {
			return err
		}
	}
	t := unix.NsecToTimespec(hdr.ModTime.UnixNano())
	return unix.UtimesNanoAt(unix.AT_FDCWD, p, []unix.Timespec{t, t}, unix.AT_SYMLINK_NOFOLLOW)
}

// modeBits turns the tar's setuid, setgid and sticky bits into Go's.
func modeBits(mode int64) os.FileMode {
	var m os.FileMode
	if mode&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if mode&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if mode&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m
}

// markOpaque sets the opaque xattr overlayfs reads: trusted. as real root,
// user. in a user namespace (where trusted. is refused).
func markOpaque(dir string) error {
	err := unix.Lsetxattr(dir, "trusted.overlay.opaque", []byte("y"), 0)
	if err != nil {
		err = unix.Lsetxattr(dir, "user.overlay.opaque", []byte("y"), 0)
	}
	if err != nil {
		return fmt.Errorf("opaque %s: %w", dir, err)
	}
	return nil
}

// resolve returns where name goes under root, following the symbolic
// links already written there as the container would see them, except
// the last component, and refusing any name or link that leaves root.
func resolve(root, name string) (string, error) {
	if path.IsAbs(name) {
		return "", fmt.Errorf("entry %q: an absolute name leaves the layer", name)
	}
	todo := strings.Split(path.Clean(name), "/")
	var done []string
	for links := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case ".", "":
			continue
		case "..":
			if len(done) == 0 {
				return "", fmt.Errorf("entry %q leaves the layer through \"..\"", name)
			}
			done = done[:len(done)-1]
			continue
		}
		p := filepath.Join(root, filepath.Join(done...), c)
		fi, err := os.Lstat(p)
		if len(todo) == 0 || err != nil || fi.Mode()&os.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if links++; links > 40 {
			return "", fmt.Errorf("entry %q: too many symbolic links", name)
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			done = nil // the container's root, not the host's
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return filepath.Join(root, filepath.Join(done...)), nil
}
