// Package mounts is lesson 04: pivot_root and the container's mounts. You
// cut the container's mount table loose from the host's, move its root onto
// its own filesystem for good (so that lesson 02's chroot escape leads
// nowhere), and fill that root with what programs expect to find: /proc, a
// read-only /sys, a small /dev, and masks over the files that reach into
// the host's kernel.
//
// Read the notes first: go run ./lessons notes 4
package mounts

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// MakePrivate makes every mount of the calling process's mount namespace
// private, recursively: from now on no mount or unmount made here reaches
// the host, and none of the host's reaches here (mount_namespaces(7),
// "Shared subtrees"). Call it first, in a new mount namespace.
func MakePrivate() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return &os.PathError{Op: "make private", Path: "/", Err: err}
	}
	return nil
}

// PivotRoot makes newRoot, an absolute path to a directory, the root of the
// calling process's mount namespace, and removes the old root from the
// namespace, so that no path, not even a chroot escape, leads back to the
// host's files. It leaves the working directory at the new "/". Call
// MakePrivate first: pivot_root(2) refuses shared mounts.
func PivotRoot(newRoot string) error {
	// pivot_root(2) wants new_root to be a mount point: make it one.
	if err := unix.Mount(newRoot, newRoot, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return &os.PathError{Op: "bind onto itself", Path: newRoot, Err: err}
	}
	if err := unix.Chdir(newRoot); err != nil {
		return &os.PathError{Op: "chdir", Path: newRoot, Err: err}
	}
	// With new_root and put_old both ".", the old root ends up mounted on
	// top of the new one, and "." (the working directory) now leads to it.
	// Nothing is written into newRoot, so it may be read-only.
	if err := unix.PivotRoot(".", "."); err != nil {
		return &os.PathError{Op: "pivot_root", Path: newRoot, Err: err}
	}
	// Detach the old root and everything mounted under it. MNT_DETACH
	// because we are standing in it: a plain unmount would say EBUSY.
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return &os.PathError{Op: "unmount old root", Path: ".", Err: err}
	}
	if err := unix.Chdir("/"); err != nil {
		return &os.PathError{Op: "chdir", Path: "/", Err: err}
	}
	return nil
}

// MountStandard mounts, after the root has moved, what programs expect to
// find in a container: a fresh /proc, /sys read-only, /dev as a small tmpfs
// holding only harmless devices and the usual symlinks, /dev/pts and
// /dev/shm. Then it masks the files of /proc and /sys that reach past the
// container and makes the kernel's tuning knobs read-only (runc's default
// lists; paths this kernel does not have are skipped).
func MountStandard() error {
	for _, dir := range []string{"/proc", "/sys", "/dev"} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return err
	}
	if err := mount("sysfs", "/sys", "sysfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return err
	}
	if err := mountDev(); err != nil {
		return err
	}
	if err := maskPaths(); err != nil {
		return err
	}
	return readOnlyPaths()
}

// devices are the device nodes a container gets, with the numbers the
// kernel gives them (Documentation/admin-guide/devices.txt). None of them
// reaches a disk or the host's memory.
var devices = []struct {
	name         string
	major, minor uint32
}{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
	{"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

// devLinks are the symlinks every Linux /dev has: link name, target.
var devLinks = [][2]string{
	{"/dev/fd", "/proc/self/fd"},
	{"/dev/stdin", "/proc/self/fd/0"},
	{"/dev/stdout", "/proc/self/fd/1"},
	{"/dev/stderr", "/proc/self/fd/2"},
	{"/dev/ptmx", "pts/ptmx"},
}

func mountDev() error {
	if err := mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	// Without this, the umask would take the "w" for group and others
	// off the 0666 we ask for.
	old := unix.Umask(0)
	defer unix.Umask(old)
	for _, d := range devices {
		path := "/dev/" + d.name
		if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return &os.PathError{Op: "mknod", Path: path, Err: err}
		}
	}
	for _, l := range devLinks {
		if err := os.Symlink(l[1], l[0]); err != nil {
			return err
		}
	}
	for _, dir := range []string{"/dev/pts", "/dev/shm"} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
	}
	// newinstance: the container gets its own set of pseudo-terminals,
	// not a view of the host's.
	if err := mount("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	return mount("shm", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k")
}

// maskedPaths are hidden: a file behind /dev/null, a directory behind an
// empty read-only tmpfs.
var maskedPaths = []string{
	"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
	"/proc/acpi", "/proc/scsi", "/sys/firmware",
}

func maskPaths() error {
	for _, path := range maskedPaths {
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // this kernel does not have it
		}
		if err != nil {
			return err
		}
		if info.IsDir() {
			err = mount("tmpfs", path, "tmpfs", unix.MS_RDONLY, "size=0")
		} else {
			err = mount("/dev/null", path, "", unix.MS_BIND, "")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readOnly are left readable but cannot be written.
var readOnly = []string{
	"/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq",
}

func readOnlyPaths() error {
	for _, path := range readOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		// A bind mount of the path onto itself is a mount of its own,
		// whose flags can change without touching the rest of /proc.
		if err := mount(path, path, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return err
		}
		// A remount sets every flag anew: keep the ones /proc has.
		flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
		if err := mount("", path, "", flags, ""); err != nil {
			return err
		}
	}
	return nil
}

// mount is mount(2) with an error that names what was mounted where.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		op := "mount " + fstype
		switch {
		case flags&unix.MS_REMOUNT != 0:
			op = "remount"
		case flags&unix.MS_BIND != 0:
			op = "bind " + source
		}
		return &os.PathError{Op: op, Path: target, Err: err}
	}
	return nil
}
