package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// A rootfs is the image's, not the runtime's: any of its paths may be a
// symlink, and before the root moves, an absolute symlink such as
// /data -> /etc points at the host's /etc. So the init never mounts on a
// path it joined onto the rootfs. Volume targets are resolved with
// openat2(2)'s RESOLVE_IN_ROOT, which walks symlinks as if the rootfs
// were "/" (so /data -> /etc lands on the rootfs's /etc), and the mount
// goes through the descriptor, /proc/self/fd/N, as runc does. /proc, /sys
// and /dev, where the kernel's own filesystems go, must be directories.

// openInRoot opens dir inside root as a directory, creating what is
// missing, with every symlink resolved inside root. The caller closes it.
func openInRoot(root, dir string) (*os.File, error) {
	rootFd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(rootFd)
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	parts := strings.Split(strings.Trim(filepath.Clean("/"+dir), "/"), "/")
	fd, err := unix.Openat2(rootFd, ".", &how)
	for _, part := range parts {
		if err != nil || part == "" {
			break
		}
		next, err2 := unix.Openat2(fd, part, &how)
		if errors.Is(err2, unix.ENOENT) {
			// Made in the directory the walk reached, never through a link.
			if err2 = unix.Mkdirat(fd, part, 0o755); err2 == nil || errors.Is(err2, unix.EEXIST) {
				next, err2 = unix.Openat2(fd, part, &how)
			}
		}
		unix.Close(fd)
		fd, err = next, err2
	}
	if err != nil {
		if errors.Is(err, unix.ENOSYS) {
			err = fmt.Errorf("%w: openat2(2) needs Linux 5.6", err)
		}
		return nil, err
	}
	return os.NewFile(uintptr(fd), filepath.Join(root, dir)), nil
}

// refuseLinkedMountPoints refuses a rootfs whose /proc, /sys or /dev is a
// symlink (or anything but a directory): a /proc -> / would have the
// kernel's files mounted over the container's root, a /dev -> /etc its
// devices over /etc.
func refuseLinkedMountPoints(rootfs string) error {
	for _, dir := range []string{"/proc", "/sys", "/dev"} {
		info, err := os.Lstat(rootfs + dir)
		if err == nil && !info.IsDir() {
			return &Error{Code: ExitRuntimeError, Op: "rootfs", Path: dir, Err: fmt.Errorf("is a %s, not a directory: the container's %s would be mounted through it (want a plain directory, e.g. mkdir %s)", kindOf(info), dir, rootfs+dir)}
		}
	}
	return nil
}

func kindOf(info os.FileInfo) string {
	if info.Mode()&os.ModeSymlink != 0 {
		return "symbolic link"
	}
	return "file"
}
