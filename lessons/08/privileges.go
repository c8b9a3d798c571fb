//go:build linux

// Package privileges is lesson 08: users and privileges. Lesson 04 built
// the container's mounts; root inside could still undo them, because root
// inside was root. You write the pieces that take that power away: the id
// maps of a user namespace, the capability drop, no_new_privs, and a
// seccomp filter from a deny list.
//
// Read the notes first: go run ./lessons notes 8
package privileges

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// IDMap is one line of a uid_map or gid_map: Size IDs from ContainerID
// inside the namespace are HostID and up outside it.
type IDMap struct {
	ContainerID, HostID, Size int
}

// WriteIDMaps maps the user namespace of process pid: uids to
// /proc/PID/uid_map, "deny" to /proc/PID/setgroups, gids to
// /proc/PID/gid_map, in that order. Each map file is written once, all
// its lines in a single write ("0 100000 65536\n" per line).
func WriteIDMaps(pid int, uids, gids []IDMap) error {
	// TODO(lesson 8): format each map as "container host size\n" lines;
	// write uid_map, then "deny" to setgroups, then gid_map, each with
	// one write; a setgroups file that does not exist is no error.
	panic("TODO(lesson 8): write WriteIDMaps in lessons/08/privileges.go")
}

// DropCapabilities keeps only the capabilities numbered keep (such as
// unix.CAP_CHOWN) for the calling thread: every other one leaves the
// bounding set (PR_CAPBSET_DROP, for each number up to
// /proc/sys/kernel/cap_last_cap), then capset(2) sets the permitted and
// effective sets to keep and the inheritable set to nothing.
func DropCapabilities(keep []int) error {
	// TODO(lesson 8): prctl PR_CAPBSET_DROP for each capability not in
	// keep, then unix.Capset with version 3 and two CapUserData halves.
	panic("TODO(lesson 8): write DropCapabilities in lessons/08/privileges.go")
}

// SetNoNewPrivs sets no_new_privs for the calling thread: from now on no
// execve(2) grants a privilege (setuid bits and file capabilities are
// ignored), and a seccomp filter may be loaded without CAP_SYS_ADMIN.
func SetNoNewPrivs() error {
	// TODO(lesson 8): one prctl(2).
	panic("TODO(lesson 8): write SetNoNewPrivs in lessons/08/privileges.go")
}

// SeccompProgram is the classic BPF program of a seccomp filter that fails
// the system calls numbered deny with EPERM and allows every other:
//
//  1. load the architecture (seccomp_data.arch, offset 4); anything but
//     arch (unix.AUDIT_ARCH_X86_64 on amd64, say) returns
//     SECCOMP_RET_KILL_PROCESS;
//  2. load the system call's number (seccomp_data.nr, offset 0); with
//     rejectX32, a number with bit 0x40000000 set (the x32 ABI) is killed
//     too;
//  3. for each number of deny: if equal, return SECCOMP_RET_ERRNO|EPERM;
//  4. return SECCOMP_RET_ALLOW.
func SeccompProgram(arch uint32, rejectX32 bool, deny []uint32) []unix.SockFilter {
	// TODO(lesson 8): build []bpf.Instruction (golang.org/x/net/bpf):
	// LoadAbsolute, JumpIf, RetConstant; bpf.Assemble; copy each
	// RawInstruction into a unix.SockFilter.
	panic("TODO(lesson 8): write SeccompProgram in lessons/08/privileges.go")
}

// LoadSeccomp loads SeccompProgram for this machine's architecture and
// deny for every thread of the process: seccomp(2) with
// SECCOMP_SET_MODE_FILTER and SECCOMP_FILTER_FLAG_TSYNC. Call
// SetNoNewPrivs first.
func LoadSeccomp(deny []uint32) error {
	// TODO(lesson 8): SeccompProgram(NativeArch(), runtime.GOARCH ==
	// "amd64", deny), a unix.SockFprog pointing at it, and
	// unix.Syscall(unix.SYS_SECCOMP, ...).
	panic("TODO(lesson 8): write LoadSeccomp in lessons/08/privileges.go")
}

// NativeArch is what the kernel puts in seccomp_data.arch for a system
// call made the native way on this machine (0 where this lesson does not
// know it). Given.
func NativeArch() uint32 {
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64
	case "arm":
		return unix.AUDIT_ARCH_ARM
	}
	return 0
}
