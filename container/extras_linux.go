package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The init's side of Extras: what an OCI bundle asks for beyond Docker's
// flags. The runtime's side (rlimits, oom_score_adj, hooks) is done from
// outside, on the init waiting at its gate (internal/oci).

// openGate opens the gate FIFO by path while the host's files are still
// in reach (before the root moves): O_PATH does not block, and the
// descriptor is reopened for writing at the gate (passGate), as runc
// does with its exec.fifo.
func openGate(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &Error{Code: ExitRuntimeError, Op: "open gate", Path: path, Err: err}
	}
	return fd, nil
}

// passGate tells the runtime that the container is set up (a report with
// Code 0) and then blocks until someone opens the gate for reading. What
// fails after it (the security stage, execve) is the command's exit
// status: the runtime stopped listening when Start returned.
// Reopening through /proc/self/fd checks only the FIFO's own mode (0622),
// so a command that runs as another user gets through too.
func passGate(report *os.File, fd int) error {
	if err := json.NewEncoder(report).Encode(failure{}); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "report created", Err: err}
	}
	w, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", fd), unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "wait at gate", Err: err}
	}
	unix.Close(w)
	unix.Close(fd)
	return nil
}

// readGateReport reads the init's first report: Code 0 means the
// container is set up and waits at its gate; anything else is a failure.
func readGateReport(r io.Reader) *Error {
	var f failure
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the init ended before it reached the gate")
		}
		return &Error{Code: ExitRuntimeError, Op: "read init report", Err: err}
	}
	if f.Code == 0 {
		return nil
	}
	return f.error()
}

// joinNamespaces moves the init's thread into the namespaces at
// Extras.NamespacePaths, first thing, so that what follows (sysctls,
// the hostname, sysfs, the command) happens in them. setns(2) moves the
// calling thread only: the init's main goroutine is locked to it, and it
// is the thread that becomes the command.
//
// A PID namespace is left out: the init was born in it (startInPIDNamespace).
// A Mount namespace needs a thread whose filesystem attributes (root,
// working directory, umask) are its own: setns(2) refuses CLONE_NEWNS with
// EINVAL while they are shared, and the Go runtime makes every thread with
// CLONE_FS. unshare(2) of CLONE_FS gives this thread its own copy first;
// the other threads stay in the old namespace, and end at execve(2).
func joinNamespaces(paths map[Namespace]string) error {
	for ns, path := range paths {
		if ns == PID {
			continue
		}
		if ns == Mount {
			if err := unix.Unshare(unix.CLONE_FS); err != nil {
				return &Error{Code: ExitRuntimeError, Op: "unshare CLONE_FS", Path: path, Err: err}
			}
		}
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "join namespace", Path: path, Err: err}
		}
		err = unix.Setns(fd, int(CloneFlags(ns)))
		unix.Close(fd)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "join " + string(ns) + " namespace", Path: path, Err: fmt.Errorf("%w (want the path of a %s namespace, e.g. /proc/PID/ns/%s)", err, ns, ns)}
		}
	}
	return nil
}

// applyExtras takes over what the spec's Extras change in the library's
// defaults (the masked and read-only paths, the user's groups) and sets
// the sysctls, first thing in the new namespaces, while /proc/sys is
// still writable.
func applyExtras(x Extras) error {
	if x.MaskedPaths != nil {
		maskedPaths = x.MaskedPaths
	}
	if x.ReadonlyPaths != nil {
		readOnlyPaths = x.ReadonlyPaths
	}
	extraGroups = x.AdditionalGids
	for _, r := range x.Rlimits {
		// syscall's Setrlimit, not unix's: it tells the Go runtime, which
		// would otherwise put back its own RLIMIT_NOFILE at execve.
		if err := syscall.Setrlimit(r.Resource, &syscall.Rlimit{Cur: r.Soft, Max: r.Hard}); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "setrlimit", Path: strconv.Itoa(r.Resource), Err: err}
		}
	}
	if x.OOMScoreAdj != nil {
		if err := os.WriteFile("/proc/self/oom_score_adj", []byte(strconv.Itoa(*x.OOMScoreAdj)), 0); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "oom_score_adj", Err: err}
		}
	}
	for name, value := range x.Sysctl {
		path := "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
		if err := os.WriteFile(path, []byte(value), 0); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "sysctl", Path: name, Err: err}
		}
	}
	return nil
}

// extraGroups are Extras.AdditionalGids, for switchUser.
var extraGroups []int

// dropCapabilitiesAsUser is dropCapabilities for Extras.Capabilities, in
// runc's order: the user first, while every thread of the init still has
// CAP_SETUID and CAP_SETGID (a bundle's sets may leave them out, and a
// setgroups(2) that fails on one thread only aborts the C library's
// broadcast); then the bounding set, then the other four sets.
func dropCapabilitiesAsUser(s spec) error {
	if err := switchUser(s.User, nil); err != nil {
		return err
	}
	var keep []int
	have := permittedNow()
	for _, c := range s.Caps {
		if n := capabilityNumber(c); have&(1<<n) != 0 {
			keep = append(keep, n)
		}
	}
	if have&(1<<unix.CAP_SETPCAP) != 0 {
		if err := steps().DropCapabilities(keep); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "drop capabilities", Err: err}
		}
	}
	return applyCapabilitySets(s.Extras.Capabilities)
}

// applyCapabilitySets gives the five sets their own lists, after the
// bounding set was cut down and the user changed (dropCapabilities).
// The ambient set needs each of its capabilities in the permitted and
// inheritable sets (capabilities(7), "Ambient capability set").
func applyCapabilitySets(sets *CapabilitySets) error {
	if sets == nil {
		return nil
	}
	have := permittedNow()
	bits := func(names []string, within uint64) (uint64, error) {
		var b uint64
		for _, n := range names {
			c := capabilityNumber(n)
			if c < 0 {
				return 0, fmt.Errorf("unknown capability %q", n)
			}
			if within&(1<<c) != 0 {
				b |= 1 << c
			}
		}
		return b, nil
	}
	perm, err := bits(sets.Permitted, have)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "capabilities", Err: err}
	}
	eff, _ := bits(sets.Effective, perm)
	// capset(2) refuses an inheritable capability outside the bounding
	// set, and this kernel may know fewer capabilities than the list.
	var bounding uint64
	for c := 0; c <= lastCapability(); c++ {
		if in, _ := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0); in == 1 {
			bounding |= 1 << c
		}
	}
	inh, _ := bits(sets.Inheritable, bounding|perm)
	var data [2]unix.CapUserData
	for i := range data {
		data[i].Permitted = uint32(perm >> (32 * i))
		data[i].Effective = uint32(eff >> (32 * i))
		data[i].Inheritable = uint32(inh >> (32 * i))
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "capset", Err: err}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "clear ambient capabilities", Err: err}
	}
	for _, n := range sets.Ambient {
		if capabilityNumber(n) > lastCapability() {
			continue // a capability newer than this kernel: it has none to raise
		}
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(capabilityNumber(n)), 0, 0); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "raise ambient capability", Path: n, Err: fmt.Errorf("%w (it must be permitted and inheritable too)", err)}
		}
	}
	return nil
}

// bindDevice stands in for mknod(2) of a device node in a user namespace,
// where the kernel refuses it (user_namespaces(7), mknod(2): "EPERM ...
// the caller is not privileged ... in the initial user namespace"): an
// empty file named name in dir, with the host's node at hostPath bound on
// it, as runc does. The node keeps the host's owner and mode.
func bindDevice(dir *os.File, name, hostPath string, perm uint32) error {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return mount(hostPath, fmt.Sprintf("/proc/self/fd/%d", fd), "", unix.MS_BIND, "")
}

// makeDevices makes the standard device nodes and links in the rootfs's
// /dev where they are missing, then the spec's own devices; in a user
// namespace a device is the host's node bound in (bindDevice).
func makeDevices(rootfs string, devices []Device) error {
	var all []Device
	for _, d := range safeDevices {
		all = append(all, Device{Path: "/dev/" + d.name, Type: "c", Major: int64(d.major), Minor: int64(d.minor), Mode: 0o666})
	}
	old := unix.Umask(0)
	defer unix.Umask(old)
	userNS := inUserNamespace()
	for i, d := range append(all, devices...) {
		dir, err := openInRoot(rootfs, filepath.Dir(d.Path))
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "device", Path: d.Path, Err: err}
		}
		name := filepath.Base(d.Path)
		mode := map[string]uint32{"c": unix.S_IFCHR, "u": unix.S_IFCHR, "b": unix.S_IFBLK, "p": unix.S_IFIFO}[d.Type]
		perm := d.Mode
		if perm == 0 {
			perm = 0o666
		}
		if userNS && mode != unix.S_IFIFO {
			err = bindDevice(dir, name, d.Path, perm)
		} else {
			err = unix.Mknodat(int(dir.Fd()), name, mode|perm, int(unix.Mkdev(uint32(d.Major), uint32(d.Minor))))
		}
		if errors.Is(err, unix.EEXIST) && i < len(all) {
			err = nil // the rootfs or a mount brought it
		} else if err == nil && !(userNS && mode != unix.S_IFIFO) {
			err = unix.Fchownat(int(dir.Fd()), name, int(d.UID), int(d.GID), unix.AT_SYMLINK_NOFOLLOW)
		}
		dir.Close()
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "mknod", Path: d.Path, Err: explainMknod(err)}
		}
	}
	dev, err := openInRoot(rootfs, "/dev")
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "device", Path: "/dev", Err: err}
	}
	defer dev.Close()
	for _, l := range devLinks {
		if err := unix.Symlinkat(l[0], int(dev.Fd()), filepath.Base(l[1])); err != nil && !errors.Is(err, unix.EEXIST) {
			return &Error{Code: ExitRuntimeError, Op: "symlink", Path: l[1], Err: err}
		}
	}
	return nil
}
