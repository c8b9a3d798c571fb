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
	// TODO(lesson 4): afterwards, no mount or unmount made in this
	// namespace reaches any other, and none made elsewhere reaches here,
	// at "/" and at every mount below it. Notes: "Mount propagation".
	panic("TODO(lesson 4): write MakePrivate in lessons/04/mounts.go")
}

// PivotRoot makes newRoot, an absolute path to a directory, the root of the
// calling process's mount namespace, and removes the old root from the
// namespace, so that no path, not even a chroot escape, leads back to the
// host's files. It leaves the working directory at the new "/". Call
// MakePrivate first: pivot_root(2) refuses shared mounts.
func PivotRoot(newRoot string) error {
	// TODO(lesson 4): afterwards, "/" is newRoot, no path in this
	// namespace leads to the host's old root (it is gone from
	// /proc/self/mountinfo), the working directory is the new "/", and
	// nothing was written into newRoot. Errors name the step and the
	// path. Notes: "pivot_root", with the rules pivot_root(2) enforces
	// and the error each one gives.
	panic("TODO(lesson 4): write PivotRoot in lessons/04/mounts.go")
}

// MountStandard mounts, after the root has moved, what programs expect to
// find in a container: a fresh /proc, /sys read-only, /dev as a small tmpfs
// holding only harmless devices and the usual symlinks, /dev/pts and
// /dev/shm. Then it masks the files of /proc and /sys that reach past the
// container and makes the kernel's tuning knobs read-only (runc's default
// lists; paths this kernel does not have are skipped).
func MountStandard() error {
	// TODO(lesson 4): afterwards the container has a fresh /proc; a /sys
	// that refuses writes; a /dev of its own holding only the devices
	// and symlinks of the notes' "/dev", with /dev/pts and /dev/shm; the
	// masked paths of "Masking" reading as empty, and its read-only
	// paths refusing writes while the rest of /proc stays writable and
	// keeps nosuid, nodev and noexec. Paths this kernel lacks are
	// skipped. Notes: "What a container expects to find" and after.
	panic("TODO(lesson 4): write MountStandard in lessons/04/mounts.go")
}
