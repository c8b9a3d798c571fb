// Package mounts is lesson 04: pivot_root and the container's mounts. You
// cut the container's mount table loose from the host's, move its root onto
// its own filesystem for good (so that lesson 02's chroot escape leads
// nowhere), and fill that root with what programs expect to find: /proc, a
// read-only /sys, a small /dev, and masks over the files that reach into
// the host's kernel.
//
// Read the notes first: go run ./lessons notes 4
package mounts

// MakePrivate makes every mount of the calling process's mount namespace
// private, recursively: from now on no mount or unmount made here reaches
// the host, and none of the host's reaches here (mount_namespaces(7),
// "Shared subtrees"). Call it first, in a new mount namespace.
func MakePrivate() error {
	// TODO(lesson 4): one mount(2) call on "/" with MS_REC|MS_PRIVATE
	// (unix.Mount in golang.org/x/sys/unix).
	panic("TODO(lesson 4): write MakePrivate in lessons/04/mounts.go")
}

// PivotRoot makes newRoot, an absolute path to a directory, the root of the
// calling process's mount namespace, and removes the old root from the
// namespace, so that no path, not even a chroot escape, leads back to the
// host's files. It leaves the working directory at the new "/". Call
// MakePrivate first: pivot_root(2) refuses shared mounts.
func PivotRoot(newRoot string) error {
	// TODO(lesson 4): bind-mount newRoot onto itself, chdir into it,
	// pivot_root(".", "."), detach the old root with umount2(".",
	// MNT_DETACH), then chdir("/").
	panic("TODO(lesson 4): write PivotRoot in lessons/04/mounts.go")
}

// MountStandard mounts, after the root has moved, what programs expect to
// find in a container: a fresh /proc, /sys read-only, /dev as a small tmpfs
// holding only harmless devices and the usual symlinks, /dev/pts and
// /dev/shm. Then it masks the files of /proc and /sys that reach past the
// container and makes the kernel's tuning knobs read-only (runc's default
// lists; paths this kernel does not have are skipped).
func MountStandard() error {
	// TODO(lesson 4): mount proc and a read-only sysfs; a tmpfs on /dev
	// with mknod'ed null, zero, full, random, urandom and tty, the fd
	// symlinks, devpts and /dev/shm; then mask and make read-only the
	// paths listed in the notes ("## Masking").
	panic("TODO(lesson 4): write MountStandard in lessons/04/mounts.go")
}
