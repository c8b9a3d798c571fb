package lessontest

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/unboxed-go/unboxed/container"
)

// Report is what a child observed inside its namespaces, by name.
type Report map[string]string

// Child registers fn to run in a child process started by InChild. fn
// fills the report with what it observes; an error or a panic is reported
// too. Call it from init or before Main.
func Child(name string, fn func(args []string, r Report) error) {
	container.Register(name, func() {
		r := Report{}
		func() {
			defer func() {
				if p := recover(); p != nil {
					r["error"] = fmt.Sprintf("your code panicked: %v", p)
				}
			}()
			if err := fn(os.Args[1:], r); err != nil {
				r["error"] = err.Error()
			}
		}()
		out := os.NewFile(3, "report")
		_ = json.NewEncoder(out).Encode(r)
	})
}

// InChild runs the child registered under name in new namespaces made by
// cloneFlags (0 for none) and returns its report. A child that fails to
// report, or reports an error, fails the test with its output.
func (l *T) InChild(name string, cloneFlags uintptr, args ...string) Report {
	l.Helper()
	r, err := runChild(name, cloneFlags, args...)
	if err != nil {
		l.fatalStep(err.Error(), err.Error())
	}
	return r
}
