package container

// The pids limit is the one limit the init writes itself, at the last
// moment. The init is a Go program until it execs the command, and the Go
// runtime starts OS threads of its own whenever it likes; each counts
// against pids.max, and one it cannot start is fatal ("runtime: failed to
// create new OS thread"). So a pids limit set when the cgroup is made, as
// small as 1 or 2, would kill the init before the command ran. Written just
// before execve(2), the limit may be below the threads the init has (the
// kernel accepts that and only refuses new forks, pids.rst), and execve
// ends all of them but one.

import (
	"fmt"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// limitPids writes the limit to pids.max right before the execve. A raw
// write(2): the Go scheduler takes no note of it, so no new thread starts
// between the write and the execve.
func limitPids(limit string) error {
	b := []byte(limit)
	_, _, errno := unix.RawSyscall(unix.SYS_WRITE, pidsLimitFd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if errno != 0 {
		return fmt.Errorf("write %q: %w", limit, errno)
	}
	return nil
}

// limitPidsBeforeSupervising writes the limit for Config.Init, where the
// init goes on as PID 1 next to the command: its own threads count against
// the limit as long as it runs, so a limit at or below them leaves no room
// for the command. That is refused with the number to use instead.
func limitPidsBeforeSupervising(limit string) error {
	n, err := strconv.Atoi(limit)
	if err != nil {
		return fmt.Errorf("pids limit %q: %w", limit, err)
	}
	if threads := countThreads(); n < threads+2 {
		return fmt.Errorf("pids limit %d is too low with an init: the init itself runs %d threads, which count too; want at least %d (e.g. 16)", n, threads, threads+2)
	}
	return limitPids(limit)
}

// countThreads is how many threads this process has now.
func countThreads() int {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 1
	}
	return len(entries)
}
