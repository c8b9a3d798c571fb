package container

import (
	"os"
	"syscall"
)

// Exit codes of a container run, the same as Docker's: the command's own code
// from 0 to 124, and these for what went wrong around it.
const (
	// ExitRuntimeError means the runtime itself failed (bad config, a mount
	// or namespace that could not be made).
	ExitRuntimeError = 125
	// ExitNotExecutable means the command was found but could not be run.
	ExitNotExecutable = 126
	// ExitNotFound means the command does not exist.
	ExitNotFound = 127
	// ExitSignalBase is added to a signal's number when the command was
	// killed by it: SIGKILL (9) gives 137, SIGTERM (15) gives 143.
	ExitSignalBase = 128
)

// ExitStatus reports a finished process the way a shell does: its exit code,
// or 128+N when signal N killed it. A nil state (never started) gives
// ExitRuntimeError.
func ExitStatus(state *os.ProcessState) int {
	if state == nil {
		return ExitRuntimeError
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ExitSignalBase + int(ws.Signal())
	}
	return state.ExitCode()
}
