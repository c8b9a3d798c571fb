package oci

// A create killed between fork(2) and execve(2) of its init leaves a
// child that still holds a copy of the container directory's descriptor,
// and with it the flock(2) that says "a create is at work here": flock
// locks belong to the open file description, which fork shares (flock(2):
// "locks created by flock() are associated with an open file description
// ... and are preserved across fork"), and close-on-exec only closes it
// at the exec. For a moment, or for good if that child never gets to
// exec, the sweep would take the half-made container for one in the
// making. /proc/locks names the process that took the lock: when it has
// ended, whoever holds the lock now inherited it, and no runtime is at
// work.

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// takeInheritedLock takes the lock on the container directory fd (dir)
// when the process that took it has ended: the processes that still hold
// the directory or the gate (paths) are killed first, then the lock is
// waited for, briefly. It says whether the lock is now this process's.
func takeInheritedLock(fd int, dir string, paths ...string) bool {
	if !lockOwnerGone(dir) {
		return false
	}
	killGateHolders(dir, paths...)
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) == nil {
			return true
		}
	}
	return false
}

// lockOwnerGone says whether the flock(2) lock on dir was taken by a
// process that no longer exists, reading /proc/locks (proc(5)): "1: FLOCK
// ADVISORY WRITE PID MAJOR:MINOR:INODE 0 EOF", the device in hex.
func lockOwnerGone(dir string) bool {
	var st unix.Stat_t
	if unix.Stat(dir, &st) != nil {
		return false
	}
	data, err := os.ReadFile("/proc/locks")
	if err != nil {
		return false
	}
	return flockOwnerGone(string(data), fmt.Sprintf("%02x:%02x:%d", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino), func(pid int) bool {
		return unix.Kill(pid, 0) != unix.ESRCH
	})
}

// flockOwnerGone reads a /proc/locks listing for the flock lock on the
// file id ("MAJOR:MINOR:INODE"): true when there is one and alive says
// its owner has ended. Waiters ("->" lines) are not owners.
func flockOwnerGone(locks, id string, alive func(pid int) bool) bool {
	for _, line := range strings.Split(locks, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[1] != "FLOCK" || f[5] != id {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		return err == nil && pid > 0 && !alive(pid)
	}
	return false
}
