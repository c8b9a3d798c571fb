// Package yourstep wraps a learner's step so that its error, or its
// panic (a TODO stub is one), names the step: "your PivotRoot: EBUSY".
// The lessons' test harness and the learner's runtime (go run ./lessons
// run --mine) both run the learner's steps through it; it links nothing
// of package testing.
package yourstep

import (
	"fmt"
	"os"
	"strings"

	"github.com/unboxed-go/unboxed/container"
)

// Step runs f, the learner's step called name, and names the step in
// its error or panic. An error that names the step already is returned
// as it is.
func Step(name string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("your %s panicked: %v", name, p)
		}
	}()
	if err := f(); err != nil {
		if strings.HasPrefix(err.Error(), "your "+name) {
			return err
		}
		return fmt.Errorf("your %s: %w", name, err)
	}
	return nil
}

// Repanic, deferred in a step that returns no error, names the step in
// its panic.
func Repanic(name string) {
	if p := recover(); p != nil {
		panic(fmt.Sprintf("your %s panicked: %v", name, p))
	}
}

// Supervisor wraps the learner's Supervise, which runs in the init once
// the command runs, where no error can reach the runtime any more: a
// panic (a TODO stub) is said on the container's stderr, and the init
// exits with 125, the runtime's own failure.
func Supervisor(f func(int, <-chan os.Signal, bool) int) func(int, <-chan os.Signal, bool) int {
	return func(command int, sigs <-chan os.Signal, terminalKeys bool) (code int) {
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(os.Stderr, "your Supervise panicked: %v\n", p)
				code = container.ExitRuntimeError
			}
		}()
		return f(command, sigs, terminalKeys)
	}
}
