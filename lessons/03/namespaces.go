// Package namespaces is lesson 03: namespaces. You write the three steps
// that give a container its own view of the kernel: the clone(2) flags that
// create its namespaces, its own hostname, and a /proc that shows only its
// own processes; and the init that stays PID 1 inside (init.go).
//
// Read the notes first: go run ./lessons notes 3
package namespaces

import "github.com/unboxed-go/unboxed/container"

// CloneFlags returns the clone(2) flags that create the given namespaces:
// CLONE_NEWUTS for container.UTS, CLONE_NEWPID for container.PID,
// CLONE_NEWNS for container.Mount, CLONE_NEWIPC for container.IPC,
// CLONE_NEWNET for container.Network and CLONE_NEWUSER for container.User,
// ORed together. No namespaces give 0; an unknown one adds nothing.
func CloneFlags(namespaces ...container.Namespace) uintptr {
	// TODO(lesson 3): start from 0 and OR in the unix.CLONE_NEW* flag of
	// each namespace.
	panic("TODO(lesson 3): write CloneFlags in lessons/03/namespaces.go")
}

// SetHostname sets the hostname of the calling process's UTS namespace
// (sethostname(2)). In a new UTS namespace the host keeps its own name.
// The error names the hostname that was refused.
func SetHostname(name string) error {
	// TODO(lesson 3): call unix.Sethostname and wrap its error with name.
	panic("TODO(lesson 3): write SetHostname in lessons/03/namespaces.go")
}

// MountProc mounts a fresh proc filesystem on /proc (mount(2), proc(5)),
// with nosuid, nodev and noexec, so that /proc lists the processes of the
// caller's PID namespace instead of the host's. The caller must be in a
// mount namespace of its own, or it covers the host's /proc.
func MountProc() error {
	// TODO(lesson 3): unix.Mount a "proc" filesystem on /proc with
	// MS_NOSUID, MS_NODEV and MS_NOEXEC, and wrap its error.
	panic("TODO(lesson 3): write MountProc in lessons/03/namespaces.go")
}
