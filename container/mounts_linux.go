package container

import "golang.org/x/sys/unix"

// MakePrivate makes every mount of the calling process's mount namespace
// private, recursively. A new mount namespace starts as a copy of the host's
// with the same propagation: on systemd hosts "/" is shared, so without
// this, mounts made in the container would appear on the host
// (mount_namespaces(7), "Shared subtrees"). Lesson 04 asks for it.
func MakePrivate() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "make mounts private", Path: "/", Err: err}
	}
	return nil
}

// PivotRoot makes newRoot the root directory of the calling process's mount
// namespace and removes the old root from it, so no path leads back to the
// host's files. pivot_root(2) wants newRoot to be a mount point, so it is
// first bind-mounted onto itself. pivot_root(".", ".") stacks the old root
// on top of the new one at "/", and the detaching unmount of "." takes it
// away: nothing has to be written into newRoot. Call MakePrivate first.
// Lesson 04 asks for it.
func PivotRoot(newRoot string) error {
	if err := unix.Mount(newRoot, newRoot, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "bind new root", Path: newRoot, Err: err}
	}
	if err := unix.Chdir(newRoot); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "chdir", Path: newRoot, Err: err}
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "pivot_root", Path: newRoot, Err: err}
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "detach old root", Path: "/", Err: err}
	}
	return chdirRoot()
}

// Chroot changes the root directory to dir and moves into it. It hides the
// host's files only from paths: a root process can walk back out (lesson
// 02 shows how), which is why containers use PivotRoot. Lesson 02 asks
// for it.
func Chroot(dir string) error {
	if err := unix.Chroot(dir); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "chroot", Path: dir, Err: err}
	}
	return chdirRoot()
}

func chdirRoot() error {
	if err := unix.Chdir("/"); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "chdir", Path: "/", Err: err}
	}
	return nil
}

// RemountReadOnly makes the mount at path read-only, keeping the flags
// that a user namespace may not drop (nosuid, nodev, noexec and the atime
// flags: mount(2) fails with EPERM otherwise).
func RemountReadOnly(path string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "statfs", Path: path, Err: err}
	}
	flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY)
	for _, f := range []struct {
		st int64
		ms uintptr
	}{
		{unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME},
	} {
		// Statfs_t.Flags is int32 on 32-bit arm and int64 elsewhere.
		if int64(st.Flags)&f.st != 0 {
			flags |= f.ms
		}
	}
	if err := unix.Mount("", path, "", flags, ""); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "remount read-only", Path: path, Err: err}
	}
	return nil
}
