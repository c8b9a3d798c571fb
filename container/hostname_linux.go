package container

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// maxHostname is HOST_NAME_MAX on Linux (gethostname(2)).
const maxHostname = 64

// SetHostname sets the hostname of the calling process's UTS namespace
// (sethostname(2)); in a new UTS namespace the host's stays as it was.
// Lesson 03 asks for it.
func SetHostname(name string) error {
	if err := validHostname(name); err != nil {
		return err
	}
	if err := unix.Sethostname([]byte(name)); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "sethostname", Path: name, Err: err}
	}
	return nil
}

// validHostname refuses what the kernel would refuse, with a clearer word.
func validHostname(name string) error {
	switch {
	case name == "":
		return fmt.Errorf(`hostname is empty (want e.g. "box")`)
	case len(name) > maxHostname:
		return fmt.Errorf("hostname %q is %d bytes, more than the kernel's %d (want e.g. \"box\")", name, len(name), maxHostname)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("hostname %q contains a NUL byte (want e.g. \"box\")", name)
	}
	return nil
}

// MountProc mounts a fresh procfs on /proc, so that /proc shows the
// processes of the calling process's PID namespace instead of the host's.
// The caller must be in its own mount namespace, or the host's /proc is
// covered. Lesson 03 asks for it.
func MountProc() error {
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "mount proc", Path: "/proc", Err: err}
	}
	return nil
}
