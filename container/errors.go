package container

import (
	"errors"
	"fmt"
)

// Error is a failure to set up or start a container. Code is the exit code
// the runtime reports for it (ExitRuntimeError, ExitNotExecutable or
// ExitNotFound); Op and Path say what was being done to what.
type Error struct {
	Code int
	Op   string
	Path string
	Err  error
}

func (e *Error) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s %s: %v", e.Op, e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ExitStatusOf is the exit status for an error from Start or Run: the
// *Error's Code, else ExitRuntimeError.
func ExitStatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitRuntimeError
}
