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
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/net/bpf"
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
	dir := fmt.Sprintf("/proc/%d/", pid)
	if err := writeOnce(dir+"uid_map", formatMap(uids)); err != nil {
		return err
	}
	// Before gid_map: an unprivileged writer may map gids only once
	// setgroups(2) is off for good (user_namespaces(7)).
	if err := writeOnce(dir+"setgroups", "deny"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return writeOnce(dir+"gid_map", formatMap(gids))
}

func formatMap(m []IDMap) string {
	var b strings.Builder
	for _, line := range m {
		fmt.Fprintf(&b, "%d %d %d\n", line.ContainerID, line.HostID, line.Size)
	}
	return b.String()
}

// writeOnce writes s with a single write(2): the kernel takes a map file
// in one write only.
func writeOnce(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte(s))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", s, path, err)
	}
	return nil
}

// DropCapabilities keeps only the capabilities numbered keep (such as
// unix.CAP_CHOWN) for the calling thread: every other one leaves the
// bounding set (PR_CAPBSET_DROP, for each number up to
// /proc/sys/kernel/cap_last_cap), then capset(2) sets the permitted and
// effective sets to keep and the inheritable set to nothing.
func DropCapabilities(keep []int) error {
	last := 40
	if data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			last = n
		}
	}
	for c := 0; c <= last; c++ {
		if slices.Contains(keep, c) {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return fmt.Errorf("drop capability %d from the bounding set: %w", c, err)
		}
	}
	var data [2]unix.CapUserData
	for _, c := range keep {
		data[c/32].Permitted |= 1 << (c % 32)
		data[c/32].Effective |= 1 << (c % 32)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

// SetNoNewPrivs sets no_new_privs for the calling thread: from now on no
// execve(2) grants a privilege (setuid bits and file capabilities are
// ignored), and a seccomp filter may be loaded without CAP_SYS_ADMIN.
func SetNoNewPrivs() error {
	return unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
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
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: arch, SkipTrue: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
		bpf.LoadAbsolute{Off: 0, Size: 4},
	}
	if rejectX32 {
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpLessThan, Val: 0x40000000, SkipTrue: 1},
			bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS})
	}
	for _, nr := range deny {
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: nr, SkipFalse: 1},
			bpf.RetConstant{Val: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)})
	}
	prog = append(prog, bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW})
	raw, err := bpf.Assemble(prog)
	if err != nil {
		panic(err) // only jumps too far could fail, and these skip one
	}
	out := make([]unix.SockFilter, len(raw))
	for i, in := range raw {
		out[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return out
}

// LoadSeccomp loads SeccompProgram for this machine's architecture and
// deny for every thread of the process: seccomp(2) with
// SECCOMP_SET_MODE_FILTER and SECCOMP_FILTER_FLAG_TSYNC. Call
// SetNoNewPrivs first.
func LoadSeccomp(deny []uint32) error {
	filter := SeccompProgram(NativeArch(), runtime.GOARCH == "amd64", deny)
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return fmt.Errorf("seccomp: %w", errno)
	}
	if r != 0 {
		return fmt.Errorf("seccomp: thread %d could not take the filter", r)
	}
	return nil
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
