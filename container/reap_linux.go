package container

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// reapOrphans collects every exited child of the init except the command,
// whose status belongs to the process stage's own wait. waitid(2) with
// WNOWAIT looks at the next zombie without collecting it, so the command's
// status is never stolen.
func reapOrphans() {
	for {
		var info unix.Siginfo
		if err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil); err != nil {
			return
		}
		pid := siginfoPid(&info)
		if pid == 0 || pid == commandPID() {
			return
		}
		var ws unix.WaitStatus
		_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
}

// commandPID finds the command among the init's children: the init starts
// it first, and every orphan it inherits later descends from the command,
// so the command has the lowest PID in the namespace of them all. (The
// command is not PID 2: the Go runtime's threads take PIDs too.) Children
// are listed per thread in /proc/self/task/*/children (proc(5), needs
// CONFIG_PROC_CHILDREN) in the numbering of whichever PID namespace /proc
// belongs to; the last NSpid field of /proc/PID/status converts that to the
// init's own namespace. It returns -1 when it cannot tell, so nothing is
// reaped rather than the wrong thing.
func commandPID() int {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	lowest := -1
	for _, task := range tasks {
		data, err := os.ReadFile(task)
		if err != nil {
			return -1
		}
		for _, child := range strings.Fields(string(data)) {
			pid := innermostPID(child)
			if pid < 0 {
				return -1
			}
			if lowest < 0 || pid < lowest {
				lowest = pid
			}
		}
	}
	return lowest
}

// innermostPID reads a process's PID in its own innermost namespace.
func innermostPID(procPID string) int {
	data, err := os.ReadFile("/proc/" + procPID + "/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return -1
			}
			pid, err := strconv.Atoi(fields[len(fields)-1])
			if err != nil {
				return -1
			}
			return pid
		}
	}
	return -1
}
