package container

// The container's view of its own cgroup (cgroup_namespaces(7)): the init
// moves into a new cgroup namespace whose root is the cgroup it was born
// in, so /proc/self/cgroup reads "0::/" inside, and mounts that cgroup,
// read-only, at /sys/fs/cgroup. Programs size themselves from it: Go 1.25+
// sets GOMAXPROCS from cpu.max, the JVM its heap from memory.max.

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/unboxed-go/unboxed/container/cgroups"
	"golang.org/x/sys/unix"
)

// enterCgroupNamespace unshares the cgroup namespace of the calling thread,
// which it locks for good: namespaces belong to threads, and this one goes
// on to mount the view and to execve the command (or fork it, with an
// init), so both happen in the new namespace. The init does it itself,
// rather than asking clone for CLONE_NEWCGROUP, because a clone3 with
// CLONE_INTO_CGROUP makes the namespace from the parent's cgroup, before
// the child is placed in its own (kernel/fork.c copies the namespaces
// first), and the container would see the runtime's cgroup as its root.
func enterCgroupNamespace() error {
	runtime.LockOSThread()
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "unshare", Path: "cgroup namespace", Err: err}
	}
	return nil
}

// mountCgroupView mounts, under the new root, the container's cgroups
// read-only at /sys/fs/cgroup, as Docker does: on cgroup v2 the cgroup2
// filesystem itself; on v1 and hybrid a read-only tmpfs holding one mount
// per hierarchy that the runtime nests containers in (memory, pids, cpu),
// and the v2 hierarchy as "unified". Each shows the namespace's root, the
// container's own cgroup, and never the host's tree above it.
func mountCgroupView() error {
	const dir = "/sys/fs/cgroup"
	lines, err := cgroupLines("/proc/self/cgroup")
	if err != nil {
		return err
	}
	const ro = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	if len(lines) == 1 && lines[0] == "" {
		return mount("cgroup2", dir, "cgroup2", ro, "")
	}
	if err := mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755,size=64k"); err != nil {
		return err
	}
	for _, controllers := range lines {
		name, fstype, data := controllers, "cgroup", controllers
		switch {
		case controllers == "":
			name, fstype, data = "unified", "cgroup2", ""
		case !nestsContainers(controllers):
			continue
		}
		target := filepath.Join(dir, name)
		if err := os.Mkdir(target, 0o755); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "mkdir", Path: target, Err: err}
		}
		if err := mount("cgroup", target, fstype, ro, data); err != nil {
			return err
		}
	}
	return mount("", dir, "", unix.MS_REMOUNT|ro, "mode=755,size=64k")
}

// nestsContainers says whether a v1 hierarchy's controllers ("cpu,cpuacct")
// include one that the runtime limits, and so holds a cgroup of the
// container's own.
func nestsContainers(controllers string) bool {
	for _, c := range strings.Split(controllers, ",") {
		if slices.Contains(cgroups.Controllers(), c) {
			return true
		}
	}
	return false
}

// cgroupLines returns the controllers field of each line of a
// /proc/PID/cgroup file ("" for the v2 line), leaving out named v1
// hierarchies (name=systemd) that hold no controller.
func cgroupLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "read", Path: path, Err: err}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), ":", 3)
		if len(fields) != 3 || strings.HasPrefix(fields[1], "name=") {
			continue
		}
		out = append(out, fields[1])
	}
	if err := sc.Err(); err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "read", Path: path, Err: err}
	}
	if len(out) == 0 {
		return nil, &Error{Code: ExitRuntimeError, Op: "read", Path: path, Err: errors.New("no cgroup listed")}
	}
	return out, nil
}
