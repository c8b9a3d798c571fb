// Package namespaces is lesson 03: namespaces. You write the three steps
// that give a container its own view of the kernel: the clone(2) flags that
// create its namespaces, its own hostname, and a /proc that shows only its
// own processes; and the init that stays PID 1 inside (init.go).
//
// Read the notes first: go run ./lessons notes 3
package namespaces

import (
	"fmt"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/sys/unix"
)

// CloneFlags returns the clone(2) flags that create the given namespaces:
// CLONE_NEWUTS for container.UTS, CLONE_NEWPID for container.PID,
// CLONE_NEWNS for container.Mount, CLONE_NEWIPC for container.IPC,
// CLONE_NEWNET for container.Network and CLONE_NEWUSER for container.User,
// ORed together. No namespaces give 0; an unknown one adds nothing.
func CloneFlags(namespaces ...container.Namespace) uintptr {
	var flags uintptr
	for _, ns := range namespaces {
		switch ns {
		case container.UTS:
			flags |= unix.CLONE_NEWUTS
		case container.PID:
			flags |= unix.CLONE_NEWPID
		case container.Mount:
			flags |= unix.CLONE_NEWNS // "NS": the first namespace, from 2002
		case container.IPC:
			flags |= unix.CLONE_NEWIPC
		case container.Network:
			flags |= unix.CLONE_NEWNET
		case container.User:
			flags |= unix.CLONE_NEWUSER
		}
	}
	return flags
}

// SetHostname sets the hostname of the calling process's UTS namespace
// (sethostname(2)). In a new UTS namespace the host keeps its own name.
// The error names the hostname that was refused.
func SetHostname(name string) error {
	if err := unix.Sethostname([]byte(name)); err != nil {
		return fmt.Errorf("sethostname %q: %w", name, err)
	}
	return nil
}

// MountProc mounts a fresh proc filesystem on /proc (mount(2), proc(5)),
// with nosuid, nodev and noexec, so that /proc lists the processes of the
// caller's PID namespace instead of the host's. The caller must be in a
// mount namespace of its own, or it covers the host's /proc.
func MountProc() error {
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount proc on /proc: %w", err)
	}
	return nil
}
