package container

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Capabilities, no_new_privs and the user belong to a thread, not to a
// process: capset(2) and prctl(2) change only the thread that calls them,
// and the Go runtime runs goroutines on threads of its choosing
// (golang/go#13838, and runc#690 for what goes wrong). So the init does
// all of this on the OS thread its main goroutine is locked to
// (containerInit), and then execs, or forks the command, from that same
// thread: the kernel takes the credentials of the thread that calls
// execve(2) or clone(2). The seccomp filter is loaded with TSYNC, for
// every thread (seccomp_linux.go).

// secure runs the security stage, the last step before the command: in
// runc's order (libcontainer/standard_init_linux.go), no_new_privs, the
// bounding set, the user, the other capability sets, and the seccomp
// filter last, so the runtime's own calls before it are not filtered.
// Without no_new_privs the filter must be loaded while CAP_SYS_ADMIN is
// still there, so then it comes first. beforeFilter runs just before the
// last filter: the start gate (Extras.Gate) waits there, as runc's exec
// fifo does, so that no thread the Go runtime starts while the init waits
// meets a filter (an OCI profile that allows no rseq(2) would abort the
// C library's thread set-up in a cgo-linked runtime).
func secure(s spec, beforeFilter func() error) error {
	st := steps()
	if !s.Security.NewPrivileges {
		if err := st.SetNoNewPrivs(); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "set no_new_privs", Err: err}
		}
	}
	if s.Security.NewPrivileges {
		if err := loadFilter(s); err != nil {
			return err
		}
	}
	drop := dropCapabilities
	if s.Extras.Capabilities != nil {
		drop = dropCapabilitiesAsUser // an OCI bundle's five sets
	}
	if err := drop(s); err != nil {
		return err
	}
	if err := beforeFilter(); err != nil {
		return err
	}
	if !s.Security.NewPrivileges {
		return loadFilter(s)
	}
	return nil
}

// dropCapabilities keeps s.Caps, as the user of s.User.
func dropCapabilities(s spec) error {
	var keep []int
	have := permittedNow()
	for _, c := range s.Caps {
		// Only what the runtime has (and so this kernel knows): capset(2)
		// refuses to raise the rest. A privileged container gets no more
		// than its runtime had.
		if n := capabilityNumber(c); have&(1<<n) != 0 {
			keep = append(keep, n)
		}
	}
	if have&(1<<unix.CAP_SETPCAP) == 0 {
		// An unprivileged runtime without a user namespace has nothing to
		// drop, and the kernel would refuse: its permitted set is empty.
		return switchUser(s.User, nil)
	}
	if err := steps().DropCapabilities(keep); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "drop capabilities", Err: err}
	}
	var added []int // what a user other than root keeps across execve
	for _, c := range s.Security.CapAdd {
		if name, err := ParseCapability(c); err == nil && slices.Contains(s.Caps, name) {
			added = append(added, capabilityNumber(name))
		}
	}
	return switchUser(s.User, added)
}

// DropCapabilities removes every capability but keep (numbers such as
// unix.CAP_CHOWN) from the calling thread's bounding set, so no execve(2)
// can bring them back, and then sets its permitted and effective sets to
// keep and its inheritable set to nothing (capabilities(7)). Lesson 08
// asks for it.
func DropCapabilities(keep []int) error {
	for c := 0; c <= lastCapability(); c++ {
		if slices.Contains(keep, c) {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return fmt.Errorf("drop capability %d from the bounding set: %w", c, err)
		}
	}
	return setCapabilities(keep, nil)
}

// setCapabilities sets the thread's permitted and effective sets to keep
// and its inheritable set to inherit.
func setCapabilities(keep, inherit []int) error {
	var data [2]unix.CapUserData // 64 bits, in two halves
	for _, c := range keep {
		data[c/32].Permitted |= 1 << (c % 32)
		data[c/32].Effective |= 1 << (c % 32)
	}
	for _, c := range inherit {
		data[c/32].Inheritable |= 1 << (c % 32)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

// permittedNow is the calling thread's permitted set, bit n for
// capability n.
func permittedNow() uint64 {
	var data [2]unix.CapUserData
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if unix.Capget(&hdr, &data[0]) != nil {
		return 0
	}
	return uint64(data[1].Permitted)<<32 | uint64(data[0].Permitted)
}

// lastCapability is the highest capability this kernel knows, read once
// from /proc: the loops over every capability ask for it at each step, and
// a file read each time cost the init about a millisecond.
var lastCapability = sync.OnceValue(func() int {
	data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if n, perr := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && perr == nil {
		return n
	}
	return len(capabilityNames) - 1
})

// SetNoNewPrivs sets no_new_privs on the calling thread (and the threads
// and programs it starts afterwards): from then on execve(2) grants no
// privilege, neither a setuid bit nor file capabilities, and a seccomp
// filter may be loaded without CAP_SYS_ADMIN (prctl(2),
// PR_SET_NO_NEW_PRIVS). It cannot be unset. Lesson 08 asks for it.
func SetNoNewPrivs() error {
	return unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
}

// loadFilter loads the container's seccomp filter, if it has one.
func loadFilter(s spec) error {
	sec := s.Security
	if sec.Privileged || sec.SeccompUnconfined {
		return nil
	}
	fail := func(err error) error { return &Error{Code: ExitRuntimeError, Op: "seccomp", Err: err} }
	if load := overrideLoadSeccomp(); load != nil && sec.Seccomp == nil {
		if err := load(denyList(s.Caps)); err != nil {
			return fail(err)
		}
		return nil
	}
	rules, def := defaultSeccompRules(s.Caps), uint32(unix.SECCOMP_RET_ALLOW)
	if sec.Seccomp != nil {
		var err error
		if rules, def, err = profileRules(sec.Seccomp); err != nil {
			return fail(err)
		}
	}
	filter, err := assembleSeccomp(rules, def)
	if err == nil {
		err = loadSeccompProgram(filter)
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// denyList is the default filter for a container that keeps caps as a
// plain list of numbers, for a lesson's LoadSeccomp. A deny list cannot
// look at arguments: mknod and mknodat are refused outright (fifos too),
// clone is left alone (every fork is a clone), clone3 is left out.
func denyList(caps []string) []uint32 {
	var deny []uint32
	for _, r := range defaultSeccompRules(caps) {
		if r.ret == errnoRet(unix.EPERM) && r.nr != syscallNr("clone") {
			deny = append(deny, r.nr)
		}
	}
	return deny
}
