package container

import (
	"fmt"
	"runtime"
	"slices"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// A seccomp filter is a classic BPF program the kernel runs on every
// system call of the thread, with the call's struct seccomp_data as its
// input (seccomp(2)):
//
//	offset 0   int   nr     the system call's number
//	offset 4   u32   arch   AUDIT_ARCH_*: which ABI the call came in by
//	offset 8   u64   instruction_pointer
//	offset 16  u64   args[6]
//
// Its return value decides: SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO|errno
// (the call fails with that errno), SECCOMP_RET_KILL_PROCESS, ...
const (
	offNr   = 0
	offArch = 4
	offArg0 = 16 // args[0]'s low 32 bits on a little-endian machine
	// x32SyscallBit marks a call of the x32 ABI on x86-64: same arch
	// value, other numbers, so a deny list of x86-64 numbers would miss
	// it. Filters refuse the whole ABI.
	x32SyscallBit = 0x40000000
)

// seccompRule is one check of a filter: calls numbered nr return ret;
// with argMask set, only those whose argument number arg has one of its
// bits.
type seccompRule struct {
	nr, ret, argMask uint32
	arg              uint32
	conds            []SeccompArg // all must hold (seccomp_args_linux.go)
}

// errnoRet is the return value that fails a call with errno.
func errnoRet(errno unix.Errno) uint32 {
	return unix.SECCOMP_RET_ERRNO | uint32(errno)&unix.SECCOMP_RET_DATA
}

// assembleSeccomp builds the program: refuse foreign architectures (and
// x32), then the rules in order, then def.
func assembleSeccomp(rules []seccompRule, def uint32) ([]unix.SockFilter, error) {
	if auditArch == 0 {
		return nil, fmt.Errorf("no seccomp table for GOARCH=%s (run with --security-opt seccomp=unconfined, or add one: hack/gensyscalls.sh)", runtime.GOARCH)
	}
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: offArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: auditArch, SkipTrue: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
		bpf.LoadAbsolute{Off: offNr, Size: 4},
	}
	if runtime.GOARCH == "amd64" {
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpLessThan, Val: x32SyscallBit, SkipTrue: 1},
			bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS})
	}
	for _, r := range rules {
		if len(r.conds) > 0 {
			prog = append(prog, conditionalRule(r)...)
			continue
		}
		if r.argMask == 0 {
			prog = append(prog,
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: r.nr, SkipFalse: 1},
				bpf.RetConstant{Val: r.ret})
			continue
		}
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: r.nr, SkipFalse: 4},
			bpf.LoadAbsolute{Off: offArg0 + 8*r.arg, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: r.argMask, SkipFalse: 1},
			bpf.RetConstant{Val: r.ret},
			bpf.LoadAbsolute{Off: offNr, Size: 4}) // back to the number
	}
	prog = append(prog, bpf.RetConstant{Val: def})
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assemble seccomp filter: %w", err)
	}
	out := make([]unix.SockFilter, len(raw))
	for i, in := range raw {
		out[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return out, nil
}

// loadSeccompProgram installs the filter for every thread of the process
// (SECCOMP_FILTER_FLAG_TSYNC): the Go runtime's other threads, not only
// the one that calls this, so the init, when it stays as PID 1, is
// filtered too. The kernel wants no_new_privs or CAP_SYS_ADMIN first.
func loadSeccompProgram(filter []unix.SockFilter) error {
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	r, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	switch {
	case errno == unix.EACCES:
		return fmt.Errorf("load seccomp filter: %w (the kernel wants no_new_privs or CAP_SYS_ADMIN first)", errno)
	case errno != 0:
		return fmt.Errorf("load seccomp filter: %w", errno)
	case r != 0:
		return fmt.Errorf("load seccomp filter: thread %d could not take it", r)
	}
	return nil
}

// LoadSeccomp loads a filter that fails the system calls numbered deny
// (this architecture's numbers: unix.SYS_MOUNT, ...) with EPERM and
// allows every other; calls of another architecture's ABI kill the
// process. Lesson 08 asks for it.
func LoadSeccomp(deny []uint32) error {
	rules := make([]seccompRule, len(deny))
	for i, nr := range deny {
		rules[i] = seccompRule{nr: nr, ret: errnoRet(unix.EPERM)}
	}
	filter, err := assembleSeccomp(rules, unix.SECCOMP_RET_ALLOW)
	if err != nil {
		return err
	}
	return loadSeccompProgram(filter)
}

// syscallNr is the number of a system call this architecture is known to
// have (the default filter's names and clone, clone3, mknodat), or 0.
func syscallNr(name string) uint32 {
	nr, _ := syscallNumber(name)
	return nr
}

// knownSyscall says whether this architecture has a call of that name.
func knownSyscall(name string) bool {
	_, ok := syscallNumber(name)
	return ok
}

// defaultSeccompRules is the default filter for a container that keeps
// caps: seccompDeny less what those capabilities lift, clone with
// namespace flags, and clone3 with ENOSYS, as Docker's profile does: its
// flags are in a struct a filter cannot read, and ENOSYS makes the C
// library fall back to clone, whose flags the filter checks.
func defaultSeccompRules(caps []string) []seccompRule {
	var rules []seccompRule
	lifted := func(by []string) bool {
		return slices.ContainsFunc(by, func(c string) bool { return slices.Contains(caps, c) })
	}
	for _, d := range seccompDeny {
		if lifted(d.lift) {
			continue
		}
		for _, name := range d.names {
			if nr, ok := syscallNumber(name); ok {
				rules = append(rules, seccompRule{nr: nr, ret: errnoRet(unix.EPERM)})
			}
		}
	}
	if !slices.Contains(caps, "CAP_SYS_ADMIN") {
		rules = append(rules,
			seccompRule{nr: syscallNr("clone"), ret: errnoRet(unix.EPERM), argMask: cloneNewFlags},
			seccompRule{nr: syscallNr("clone3"), ret: errnoRet(unix.ENOSYS)})
	}
	// Device nodes: Docker lets mknod(2) through and its devices cgroup
	// refuses to open the node; this runtime has no devices cgroup, so
	// a node made for the host's disk would open. Fifos and sockets are
	// still allowed. The bit is set in S_IFCHR and S_IFBLK (and in
	// S_IFLNK, which mknod refuses anyway).
	if nr, ok := syscallNumber("mknod"); ok {
		rules = append(rules, seccompRule{nr: nr, ret: errnoRet(unix.EPERM), arg: 1, argMask: unix.S_IFCHR})
	}
	rules = append(rules, seccompRule{nr: syscallNr("mknodat"), ret: errnoRet(unix.EPERM), arg: 2, argMask: unix.S_IFCHR})
	return rules
}

// profileRules turns a profile into rules and a default return value.
func profileRules(p *SeccompProfile) ([]seccompRule, uint32, error) {
	var rules []seccompRule
	for i, r := range p.Syscalls {
		if err := checkSeccompArgs(r.ArgConditions); err != nil {
			return nil, 0, fmt.Errorf("seccomp profile: syscalls[%d]: %w", i, err)
		}
		ret := actionRet(r.Action, r.ErrnoRet)
		for _, name := range r.Names {
			nr, ok := syscallNumber(name)
			if !ok {
				return nil, 0, fmt.Errorf("seccomp profile: syscalls[%d]: no system call %q on this architecture", i, name)
			}
			rules = append(rules, seccompRule{nr: nr, ret: ret, conds: r.ArgConditions})
		}
	}
	def := actionRet(p.DefaultAction, p.DefaultErrnoRet)
	// A profile that does not name clone3 and does not allow by default
	// would refuse it with its default action. C libraries (glibc 2.34+)
	// start threads with clone3 and fall back to clone only on ENOSYS, so
	// such a refusal kills threads: a dynamically linked program's, and
	// the init's own when the Go runtime starts a thread after the filter
	// is in. runc makes the same stub (libcontainer/seccomp/patchbpf).
	if nr, ok := syscallNumber("clone3"); ok && def != unix.SECCOMP_RET_ALLOW && !namesSyscall(p, "clone3") {
		rules = append(rules, seccompRule{nr: nr, ret: errnoRet(unix.ENOSYS)})
	}
	return rules, def, nil
}

// namesSyscall says whether a rule of p names the system call.
func namesSyscall(p *SeccompProfile, name string) bool {
	for _, r := range p.Syscalls {
		for _, n := range r.Names {
			if n == name {
				return true
			}
		}
	}
	return false
}

// actionRet is the filter's return value for a profile's action.
func actionRet(action string, errno *uint) uint32 {
	switch action {
	case "SCMP_ACT_ALLOW":
		return unix.SECCOMP_RET_ALLOW
	case "SCMP_ACT_ERRNO":
		if errno != nil {
			return errnoRet(unix.Errno(*errno))
		}
		return errnoRet(unix.EPERM)
	case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD":
		return unix.SECCOMP_RET_KILL_THREAD
	case "SCMP_ACT_TRAP":
		return unix.SECCOMP_RET_TRAP
	case "SCMP_ACT_LOG":
		return unix.SECCOMP_RET_LOG
	}
	return unix.SECCOMP_RET_KILL_PROCESS // SCMP_ACT_KILL_PROCESS; ParseSeccompProfile let no other through
}
