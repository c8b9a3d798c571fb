//go:build linux

// Command floor is the least a Go runtime with this design can do: it
// re-executes itself (/proc/self/exe) into new UTS, PID, mount, IPC and
// network namespaces, and the child, with one P as the runtime's init
// has, execs /bin/true. hack/startup times it beside cmd/unboxed; built
// with -tags heavy it links the packages cmd/unboxed links, so that the
// difference is what their size and initialisation cost two starts.
package main

import (
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		err := syscall.Exec("/bin/true", []string{"true"}, nil)
		os.Stderr.WriteString("floor: exec /bin/true: " + err.Error() + "\n")
		os.Exit(127)
	}
	cmd := exec.Command("/proc/self/exe", "child")
	cmd.Env = []string{"GOMAXPROCS=1"}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUTS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWNET,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Run(); err != nil {
		os.Stderr.WriteString("floor: " + err.Error() + "\n")
		os.Exit(1)
	}
}
