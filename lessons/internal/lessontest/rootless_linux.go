package lessontest

import (
	"os"
	"os/exec"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
)

// rerunRootless runs this test binary again inside a new user namespace
// where the caller's user and group are root, and returns its exit code.
func rerunRootless() (int, error) {
	cmd := exec.Command(container.Self(), os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), rootlessEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		Pdeathsig:   syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	_ = cmd.Wait()
	return container.ExitStatus(cmd.ProcessState), nil
}
