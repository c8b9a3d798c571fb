// Package process is lesson 01: a container is a process. You write the two
// steps every container starts with: running a program and reporting how it
// ended, and starting this same binary again as a named child.
//
// Read the notes first: go run ./lessons notes 1
package process

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"syscall"
)

// Run starts args[0] with args[1:] as its arguments, connects stdin, stdout
// and stderr, waits for it, and returns its exit code:
//   - the program's own code, with a nil error, when it ran (0 included);
//   - 128+N, with a nil error, when signal N killed it (SIGKILL: 137);
//   - 127 and an error naming the program when it does not exist;
//   - 126 and an error when it exists but cannot be executed.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) (exitCode int, err error) {
	if len(args) == 0 {
		return 127, errors.New("run: no program given")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return 127, fmt.Errorf("run %s: %w", args[0], err)
		}
		return 126, fmt.Errorf("run %s: %w", args[0], err)
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return 125, fmt.Errorf("wait for %s: %w", args[0], err)
	}
	// A process killed by a signal has no exit code: ExitCode() is -1.
	if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return 128 + int(status.Signal()), nil
	}
	return cmd.ProcessState.ExitCode(), nil
}

// ChildCommand returns a command, not yet started, that runs this same
// binary (/proc/self/exe) with os.Args[0] set to name and args after it, so
// that container.Init in the child runs the function registered as name.
func ChildCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Args[0] = name
	return cmd
}
