package container

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// MountOverlay mounts an overlay filesystem on target: the read-only lower
// layers, with the last one given on top (it wins where two layers hold the
// same path), and upper, where every write lands. work is overlayfs's own
// scratch directory; it must be empty and on the same filesystem as upper.
// overlayfs takes its lowerdir list top first, so the order is reversed
// here (Documentation/filesystems/overlayfs.rst, "Multiple lower layers").
// In a user namespace (kernel 5.11 or later) the userxattr option keeps
// whiteouts and opaque marks in user.overlay.* attributes. Lesson 06 asks
// for it.
func MountOverlay(lowers []string, upper, work, target string) error {
	return mountOverlayWith(lowers, upper, work, target, false)
}

// mountOverlayWith is MountOverlay with a choice of the volatile option:
// when the upper directory is thrown away after the container, the
// overlay need not sync it (mount option volatile, Linux 5.10), which
// makes the container's end faster. A lesson's MountOverlay stage has no
// place for the option and mounts without it.
func mountOverlayWith(lowers []string, upper, work, target string, volatile bool) error {
	if len(lowers) == 0 {
		return &Error{Code: ExitRuntimeError, Op: "mount overlay", Path: target, Err: fmt.Errorf("no lower layer (want e.g. the rootfs as the one lower layer)")}
	}
	top := make([]string, len(lowers))
	for i, l := range lowers {
		if strings.ContainsAny(l, ":,") {
			return &Error{Code: ExitRuntimeError, Op: "mount overlay", Path: l, Err: fmt.Errorf("a layer path may not contain ':' or ','")}
		}
		top[len(lowers)-1-i] = l
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(top, ":"), upper, work)
	if inUserNamespace() {
		opts += ",userxattr"
	}
	if volatile {
		opts += ",volatile"
	}
	return mountOverlay(opts, lowers, target)
}

// mountOverlay is mount(2) of an overlay with the options given.
func mountOverlay(opts string, lowers []string, target string) error {
	if err := unix.Mount("overlay", target, "overlay", 0, opts); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "mount overlay", Path: target, Err: explainOverlay(err, lowers)}
	}
	return nil
}

// explainOverlay turns the kernel's terse refusals into what to do.
func explainOverlay(err error, lowers []string) error {
	switch err {
	case unix.EPERM:
		return fmt.Errorf("%w: overlay in a user namespace needs Linux 5.11 or later; run as root, or see go run ./lessons doctor", err)
	case unix.EINVAL:
		for _, l := range lowers {
			var st unix.Statfs_t
			if unix.Statfs(l, &st) == nil && st.Type == unix.OVERLAYFS_SUPER_MAGIC {
				return fmt.Errorf("%w: layer %s is itself on overlayfs, which cannot be an upper or work directory's neighbour: put the layers and the state directory on a plain filesystem (ext4, xfs, tmpfs)", err, l)
			}
		}
		return fmt.Errorf("%w: the kernel refused the layers (upper and work must be empty directories on one filesystem that supports overlay's xattrs; see dmesg)", err)
	case unix.ENODEV:
		return fmt.Errorf("%w: this kernel has no overlayfs: sudo modprobe overlay", err)
	}
	return err
}

// overlayStage is the MountOverlay stage for a spec: a lesson's when one
// is in place, else the library's own, volatile when the spec says the
// upper directory goes with the container.
func overlayStage(s spec) func(lowers []string, upper, work, target string) error {
	stagesMu.RLock()
	lesson := override.MountOverlay
	stagesMu.RUnlock()
	if lesson != nil {
		return lesson
	}
	return func(lowers []string, upper, work, target string) error {
		return mountOverlayWith(lowers, upper, work, target, s.Volatile)
	}
}
