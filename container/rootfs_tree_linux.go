package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// rootfsTree makes files inside a new root filesystem, laid out as on the
// host: a symlink where the host has a symlink (with the same target), a
// directory or a regular file where the host has one. So a merged-/usr host
// (/bin -> usr/bin, /lib -> usr/lib) gives a merged-/usr rootfs, and every
// path the loader was found to use on the host resolves the same way inside.
//
// The tree only ever writes through directories it made itself, never
// through a symlink: a symlink it copies may be absolute
// (/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/...), and followed
// from outside a chroot that would lead onto the host's own files.
type rootfsTree struct {
	dir string // the rootfs, an absolute path
}

// at is where the rootfs path p is on the host.
func (t *rootfsTree) at(p string) string { return filepath.Join(t.dir, p) }

// hostLink is a symlink met while resolving a host path.
type hostLink struct{ path, target string }

// maxSymlinks is how many symlinks path resolution follows before it gives
// up with ELOOP (path_resolution(7)).
const maxSymlinks = 40

// resolveHost follows the absolute path p on the host the way the kernel
// does (path_resolution(7)) and returns the symlinks met on the way, in
// order, and the path without symlinks that p leads to. From the first
// component the host lacks on, the rest of p is taken as it is. Each link's
// own directory is a real directory, never a link.
func resolveHost(p string) (links []hostLink, real string, err error) {
	real = "/"
	rest := strings.Split(filepath.Clean(p), "/")
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			real = filepath.Dir(real)
			continue
		}
		next := filepath.Join(real, name)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			return links, filepath.Join(append([]string{next}, rest...)...), nil
		}
		if err != nil {
			return nil, "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			real = next
			continue
		}
		if len(links) == maxSymlinks {
			return nil, "", &os.PathError{Op: "resolve", Path: p, Err: errors.New("too many levels of symbolic links")}
		}
		target, err := os.Readlink(next)
		if err != nil {
			return nil, "", err
		}
		links = append(links, hostLink{next, target})
		if filepath.IsAbs(target) {
			real = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return links, real, nil
}

// mirror makes the symlinks met on the way to host path p, and returns the
// real path p leads to; the caller makes that (mkdir or copy).
func (t *rootfsTree) mirror(p string) (string, error) {
	links, real, err := resolveHost(p)
	if err != nil {
		return "", err
	}
	for _, l := range links {
		if err := t.symlink(l.target, l.path); err != nil {
			return "", err
		}
	}
	return real, nil
}

// mirrorDir mirrors host directory p and makes its real directory in the
// rootfs. It returns the real path, where files "in p" go.
func (t *rootfsTree) mirrorDir(p string) (string, error) {
	real, err := t.mirror(p)
	if err != nil {
		return "", err
	}
	return real, t.mkdir(real)
}

// mirrorFile mirrors host file p: its symlinks, then the content of the
// file they lead to, with its mode.
func (t *rootfsTree) mirrorFile(p string) error {
	real, err := t.mirror(p)
	if err != nil {
		return err
	}
	return t.copyFile(real, real)
}

// mkdir makes directory p in the rootfs and the parents it lacks, with mode
// 0755 whatever the umask. Each that is there already must be a real
// directory; its mode is left as it is.
func (t *rootfsTree) mkdir(p string) error {
	cur := "/"
	for _, name := range strings.Split(filepath.Clean(p), "/") {
		if name == "" {
			continue
		}
		cur = filepath.Join(cur, name)
		fi, err := os.Lstat(t.at(cur))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(t.at(cur), 0o755); err != nil {
				return err
			}
			if err := os.Chmod(t.at(cur), 0o755); err != nil {
				return err
			}
		case err != nil:
			return err
		case !fi.IsDir():
			return &os.PathError{Op: "mkdir", Path: t.at(cur), Err: errors.New("exists and is not a directory (a symlink or file where the host has a directory)")}
		}
	}
	return nil
}

// symlink makes the symlink p -> target in the rootfs; one that is already
// there with the same target is fine.
func (t *rootfsTree) symlink(target, p string) error {
	if err := t.mkdir(filepath.Dir(p)); err != nil {
		return err
	}
	err := os.Symlink(target, t.at(p))
	if errors.Is(err, fs.ErrExist) {
		if have, _ := os.Readlink(t.at(p)); have == target {
			return nil
		}
		return &os.PathError{Op: "symlink", Path: t.at(p), Err: fmt.Errorf("exists, and is not a link to %s", target)}
	}
	return err
}

// copyFile copies host file src (links followed) to rootfs path dst with
// its permission bits, setuid, setgid and sticky included. A regular file
// already at dst is taken to be a copy made before and left as it is.
func (t *rootfsTree) copyFile(src, dst string) error {
	if err := t.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	if fi, err := os.Lstat(t.at(dst)); err == nil {
		if fi.Mode().IsRegular() {
			return nil
		}
		return &os.PathError{Op: "copy", Path: t.at(dst), Err: errors.New("exists and is not a regular file")}
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return &os.PathError{Op: "copy", Path: src, Err: fmt.Errorf("not a regular file (%v)", fi.Mode().Type())}
	}
	out, err := os.OpenFile(t.at(dst), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, t.at(dst), err)
	}
	// After the write: writing to a file clears its setuid and setgid bits.
	if err := out.Chmod(fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// writeFile writes a new file at rootfs path p, whose directory the tree
// made before.
func (t *rootfsTree) writeFile(p, content string, perm fs.FileMode) error {
	f, err := os.OpenFile(t.at(p), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
