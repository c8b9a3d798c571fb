package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
)

// RunProcess starts args[0] with args[1:] as its arguments, connects the
// three standard streams (nil means the null device), waits for it and
// returns its exit status as ExitStatus reports it, with a nil error when the
// program ran, whatever its status. When it cannot start, the code is
// ExitNotFound or ExitNotExecutable (ExitRuntimeError for anything else) and
// the error says why. This is the process stage; lesson 01 asks for it.
func RunProcess(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] == "" {
		return ExitNotFound, errors.New(`run: no command given (want e.g. ["/bin/sh", "-c", "echo hi"])`)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		return StartFailureCode(err), fmt.Errorf("run %s: %w", args[0], err)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		// The program ran, but copying its output failed.
		return ExitStatus(cmd.ProcessState), fmt.Errorf("run %s: %w", args[0], err)
	}
	return ExitStatus(cmd.ProcessState), nil
}

// StartFailureCode maps an error from starting a program to ExitNotFound
// (no such file, or not in PATH), ExitNotExecutable (no permission, not an
// executable format, a directory) or ExitRuntimeError.
func StartFailureCode(err error) int {
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return ExitNotFound
	case errors.Is(err, fs.ErrPermission), errors.Is(err, errNoExec), errors.Is(err, errIsDir):
		return ExitNotExecutable
	}
	return ExitRuntimeError
}
