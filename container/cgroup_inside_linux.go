package container

// Starting the init inside its cgroup, rather than moving it in after.
//
// Moving a process into a cgroup (its PID written to cgroup.procs) takes
// cgroup_threadgroup_rwsem, one kernel-wide per-CPU rwsem, for writing.
// That kind of lock is cheap for its readers (every fork and exit) and
// dear for its writers: the first writer after a quiet spell waits for an
// RCU grace period. On this 2-CPU VM that wait is 7-14 ms, against 0.03 ms
// for the mkdir of the cgroup, and it was most of a container's start
// whenever the machine had been idle for a moment; runc pays it too. (Since
// Linux 6.0; older kernels keep the lock in a mode that is slower for every
// fork and cheap to write. The cgroup2 mount option favordynmods, or the
// boot option cgroup_favordynmods=1, brings that mode back for the whole
// host: not a runtime's call.) Each cgroup version has a way around it:
//
//   - v2: clone3(2) with CLONE_INTO_CGROUP (Linux 5.7) creates the child in
//     the cgroup, so nothing moves. os/exec does it with
//     SysProcAttr.UseCgroupFD.
//   - v1 has no such flag, but a thread that moves only itself (writes "0"
//     to a hierarchy's tasks file) does not take the lock for writing, as
//     no other thread can come or go under it (cgroup_procs_write_start in
//     kernel/cgroup/cgroup.c): 0.1-0.3 ms here. A child starts in the
//     cgroups of the thread that forked it. So a locked thread of the
//     runtime joins the container's cgroups, starts the init, and goes
//     back where it came from.
//
// The thread goes back rather than ending for two reasons: the init's
// parent-death signal (SysProcAttr.Pdeathsig) fires when the thread that
// forked it ends, not the process (PR_SET_PDEATHSIG in prctl(2)); and a
// cgroup that held a thread of the runtime would list the runtime in its
// cgroup.procs, where Destroy kills whatever it finds.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// startsInside is a Cgroup that can start a process inside itself, which
// costs less than Add after the start. The library's own cgroups can; a
// lesson's need not, and Start then starts the init and calls Add.
type startsInside interface {
	// startInside starts cmd with its process born in the cgroup. On an
	// error cmd may have been used: Start builds a fresh one and starts it
	// the usual way.
	startInside(cmd *exec.Cmd) error
}

// startInside starts cmd with clone3(2) and CLONE_INTO_CGROUP.
func (cg *cgroupV2) startInside(cmd *exec.Cmd) error {
	fd, err := unix.Open(cg.dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: cg.dir, Err: err}
	}
	defer unix.Close(fd)
	attr := syscall.SysProcAttr{}
	if cmd.SysProcAttr != nil {
		attr = *cmd.SysProcAttr
	}
	attr.UseCgroupFD, attr.CgroupFD = true, fd
	cmd.SysProcAttr = &attr
	return cmd.Start()
}

// startInside starts cmd from a thread that has joined the container's
// cgroup in each hierarchy, and then moves that thread back.
func (cg *cgroupV1) startInside(cmd *exec.Cmd) error {
	return onSpareThread(func() (stuck bool, err error) {
		home, err := threadCgroups()
		if err != nil {
			return false, err
		}
		var joined, homes []string
		for c, dir := range cg.dir {
			if contains(joined, dir) {
				continue // co-mounted controllers share a directory
			}
			ownPath, ok := home[c]
			if !ok {
				ownPath = "/"
			}
			if err = writeCgroupFile(dir, "tasks", "0"); err != nil {
				break
			}
			joined = append(joined, dir)
			homes = append(homes, hierarchyDir(cg.layout.V1[c], cg.layout.v1Roots[c], ownPath))
		}
		if err == nil {
			err = cmd.Start()
		}
		for _, dir := range homes {
			if back := writeCgroupFile(dir, "tasks", "0"); back != nil {
				if cmd.Process != nil {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
				}
				return true, fmt.Errorf("start in cgroup: could not move the starting thread back: %w", back)
			}
		}
		return false, err
	})
}

// onSpareThread runs f on a thread of its own, never the main one. When f
// says its thread is stuck in some odd state, the thread ends with f (the
// goroutine exits still locked); otherwise it goes back to the Go runtime.
// The main thread never ends (the runtime parks it instead), so f must not
// run there.
func onSpareThread(f func() (stuck bool, err error)) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// This goroutine holds the main thread, so the one below
			// runs on another.
			errc <- onSpareThread(f)
			runtime.UnlockOSThread()
			return
		}
		stuck, err := f()
		if !stuck {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// threadCgroups reads the calling thread's own cgroups, which on v1 may
// differ from its process's.
func threadCgroups() (map[string]string, error) { return readProcCgroup("/proc/thread-self/cgroup") }

// containerCgroup makes a container's cgroup through the NewCgroup stage.
// The library's own stage leaves the pids limit out and returns pids.max
// open for writing: the init writes the limit itself, just before it runs
// the command (see pidsLimitFd).
func containerCgroup(id string, limits Limits) (Cgroup, *os.File, error) {
	if !libraryCgroups() || limits.Pids == 0 {
		cg, err := steps().NewCgroup(id, limits)
		return cg, nil, err
	}
	cg, err := newHostCgroup(id, limits, true)
	if err != nil {
		return nil, nil, err
	}
	var dir string
	switch cg := cg.(type) {
	case *cgroupV1:
		dir = cg.dir["pids"]
	case *cgroupV2:
		dir = cg.dir
	}
	f, err := os.OpenFile(filepath.Join(dir, "pids.max"), os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, errors.Join(err, cg.Destroy())
	}
	return cg, f, nil
}
