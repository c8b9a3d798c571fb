package container

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Whiteout names, image-spec layer.md "Whiteouts": .wh.NAME deletes NAME
// of the layers below; .wh..wh..opq in a directory hides everything the
// layers below have in it (whatever its place in the tar).
const (
	whiteoutPrefix = ".wh."
	opaqueWhiteout = ".wh..wh..opq"
)

// ApplyLayer unpacks one layer, an uncompressed tar, into dir (which must
// exist) in the form overlayfs reads a lower layer in: a whiteout becomes a
// character device 0/0 and an opaque directory gets the xattr
// trusted.overlay.opaque (root) and user.overlay.opaque (for an overlay
// mounted with userxattr, rootless), both "y", so that stacking the
// layers' directories as an overlay's lowers gives the image's tree. Modes,
// mtimes and xattrs are kept, and owners when running as root. Entries
// that leave dir (an absolute name, "..", a symbolic link written earlier
// that points out), hard links to outside, and device nodes without root
// are refused. Lesson 09 asks for it.
func ApplyLayer(layer io.Reader, dir string) error {
	tr := tar.NewReader(layer)
	var dirTimes []dirTime
	root := os.Geteuid() == 0 && !inUserNamespace()
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the layer's tar: %w", err)
		}
		if err := applyEntry(tr, hdr, dir, root, &dirTimes); err != nil {
			return err
		}
	}
	// Last, as every entry written into a directory changes its mtime.
	// Modes last too: a directory of mode 0555 must take its entries
	// first when not running as root.
	// A later entry may have put a symlink where the directory was:
	// chmod(2) would follow it, out of dir, so only a directory that is
	// still one is touched.
	for i := len(dirTimes) - 1; i >= 0; i-- {
		d := dirTimes[i]
		if fi, err := os.Lstat(d.path); err != nil || !fi.IsDir() {
			continue
		}
		if err := unix.Fchmodat(unix.AT_FDCWD, d.path, d.mode, 0); err != nil {
			return err
		}
		ts := unix.NsecToTimespec(d.mtime.UnixNano())
		_ = unix.UtimesNanoAt(unix.AT_FDCWD, d.path, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW)
	}
	return nil
}

type dirTime struct {
	path  string
	mode  uint32
	mtime time.Time
}

// applyEntry writes one tar entry under dir.
func applyEntry(tr *tar.Reader, hdr *tar.Header, dir string, root bool, dirTimes *[]dirTime) error {
	path, err := resolveInRoot(dir, hdr.Name)
	if err != nil {
		return err
	}
	if path == dir {
		return nil // "./": the layer's root keeps its own mode
	}
	parent, base := filepath.Dir(path), filepath.Base(path)
	if err := ensureDir(dir, parent); err != nil {
		return fmt.Errorf("entry %q: %w", hdr.Name, err)
	}
	switch {
	case base == opaqueWhiteout:
		return markOpaque(parent)
	case strings.HasPrefix(base, whiteoutPrefix):
		return applyWhiteout(filepath.Join(parent, strings.TrimPrefix(base, whiteoutPrefix)), hdr.Name)
	}
	// A directory where this layer whited the path out replaces the lower
	// one: it is opaque.
	replacesWhiteout := hdr.Typeflag == tar.TypeDir && whiteoutAt(path)
	if hdr.Typeflag != tar.TypeDir {
		if err := os.RemoveAll(path); err != nil {
			return err
		}
	} else if fi, err := os.Lstat(path); err == nil && !fi.IsDir() {
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	mode := uint32(hdr.Mode & 0o7777)
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(path, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		*dirTimes = append(*dirTimes, dirTime{path, mode, hdr.ModTime})
		if replacesWhiteout {
			if err := markOpaque(path); err != nil {
				return err
			}
		}
	case tar.TypeReg: // archive/tar reads the old TypeRegA as TypeReg
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|unix.O_NOFOLLOW, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	case tar.TypeSymlink:
		if err := os.Symlink(hdr.Linkname, path); err != nil {
			return err
		}
	case tar.TypeLink:
		target, err := resolveInRoot(dir, hdr.Linkname)
		if err != nil {
			return fmt.Errorf("hard link %q: %w", hdr.Name, err)
		}
		if fi, err := os.Lstat(target); err != nil || fi.IsDir() {
			return fmt.Errorf("hard link %q -> %q: the target is not a file of the layer", hdr.Name, hdr.Linkname)
		}
		return os.Link(target, path)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		kind := map[byte]uint32{tar.TypeChar: unix.S_IFCHR, tar.TypeBlock: unix.S_IFBLK, tar.TypeFifo: unix.S_IFIFO}[hdr.Typeflag]
		if !root && hdr.Typeflag != tar.TypeFifo {
			return fmt.Errorf("entry %q is a device node, which only root may make (run as root, or use an image without device nodes)", hdr.Name)
		}
		if err := unix.Mknod(path, kind|mode, int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor)))); err != nil {
			return fmt.Errorf("entry %q: mknod: %w", hdr.Name, err)
		}
	default:
		return nil // pax and GNU headers are read by archive/tar; others hold no file
	}
	return setMetadata(path, hdr, mode, root)
}

// setMetadata gives a new entry its owner, mode, xattrs and mtime: the
// owner first, as chown(2) clears the set-user-ID bit.
func setMetadata(path string, hdr *tar.Header, mode uint32, root bool) error {
	if root {
		if err := os.Lchown(path, hdr.Uid, hdr.Gid); err != nil {
			return err
		}
	}
	for key, value := range hdr.PAXRecords {
		attr, ok := strings.CutPrefix(key, "SCHILY.xattr.")
		if !ok {
			continue
		}
		if err := unix.Lsetxattr(path, attr, []byte(value), 0); err != nil && root {
			return fmt.Errorf("entry %q: xattr %s: %w", hdr.Name, attr, err)
		}
	}
	if hdr.Typeflag == tar.TypeDir {
		return nil // mode and mtime at the end, in ApplyLayer
	}
	if hdr.Typeflag != tar.TypeSymlink {
		if err := unix.Fchmodat(unix.AT_FDCWD, path, mode, 0); err != nil {
			return err
		}
	}
	ts := []unix.Timespec{unix.NsecToTimespec(hdr.AccessTime.UnixNano()), unix.NsecToTimespec(hdr.ModTime.UnixNano())}
	if hdr.AccessTime.IsZero() {
		ts[0] = ts[1]
	}
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW)
}
