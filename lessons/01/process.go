// Package process is lesson 01: a container is a process. You write the two
// steps every container starts with: running a program and reporting how it
// ended, and starting this same binary again as a named child.
//
// Read the notes first: go run ./lessons notes 1
package process

import (
	"io"
	"os/exec"
)

// Run starts args[0] with args[1:] as its arguments, connects stdin, stdout
// and stderr, waits for it, and returns its exit code:
//   - the program's own code, with a nil error, when it ran (0 included);
//   - 128+N, with a nil error, when signal N killed it (SIGKILL: 137);
//   - 127 and an error naming the program when it does not exist;
//   - 126 and an error when it exists but cannot be executed.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) (exitCode int, err error) {
	// TODO(lesson 1): build the command with exec.Command, wire the three
	// streams, run it, and turn what Run/Wait return into an exit code.
	panic("TODO(lesson 1): write Run in lessons/01/process.go")
}

// ChildCommand returns a command, not yet started, that runs this same
// binary (/proc/self/exe) with os.Args[0] set to name and args after it, so
// that container.Init in the child runs the function registered as name.
func ChildCommand(name string, args ...string) *exec.Cmd {
	// TODO(lesson 1): exec.Command on /proc/self/exe, then set Args[0].
	panic("TODO(lesson 1): write ChildCommand in lessons/01/process.go")
}
