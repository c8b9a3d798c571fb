// Package lessontest is the harness the lesson tests share: it dispatches
// child processes, decides how tests may run on this machine (as root, as
// root of a user namespace, or skipping with the fix), runs functions in
// children with chosen namespaces, and words every failure so that it says
// what was wanted, what happened, and which notes to read.
//
// Every lesson's TestMain is one line:
//
//	func TestMain(m *testing.M) { lessontest.Main(m, 3, container.Stages{...}) }
//
// and every test starts with
//
//	l := lessontest.New(t, "section-slug")
//	defer l.Recover()
package lessontest

import (
	"fmt"
	"os"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// rootlessEnv marks the copy of a test binary that runs inside the user
// namespace Main made for it.
const rootlessEnv = "UNBOXED_LESSON_ROOTLESS"

var (
	lesson int
	// privileged is how this process may use namespaces: "root",
	// "rootless" (root of a user namespace), or "" when it may not.
	privileged string
	// whyNot is the one-line fix shown when privileged is "".
	whyNot string
)

// Main is the TestMain of a lesson: it puts the learner's steps s into the
// runtime, runs a registered child when this process is one, and otherwise
// runs the tests as root, or rootless inside a new user namespace when the
// kernel allows it, or unprivileged, where tests that need privileges skip.
func Main(m *testing.M, number int, s container.Stages, opts ...Option) {
	lesson = number
	container.Use(wrapStages(s))
	container.Init()
	for _, o := range opts {
		o()
	}
	switch {
	case os.Geteuid() == 0 && os.Getenv(rootlessEnv) != "":
		privileged = "rootless"
	case os.Geteuid() == 0:
		privileged = "root"
	default:
		if err := container.UserNamespacesBlocked(); err != nil {
			whyNot = fmt.Sprintf("%v; or run as root: go test -exec sudo ./lessons/%02d", err, lesson)
		} else if code, err := rerunRootless(); err == nil {
			os.Exit(code)
		} else {
			whyNot = fmt.Sprintf("cannot create a user namespace here (%v): run as root: go test -exec sudo ./lessons/%02d, and see go run ./lessons doctor", err, lesson)
		}
	}
	os.Exit(m.Run())
}

// Option changes how Main runs a lesson's tests. Options run before the
// tests, in the test process itself (never in a child it re-runs).
type Option func()

// DelegatedCgroup has a test process that is not root ask the user's
// systemd manager for a cgroup of its own (cgroups.Delegate) before it
// re-runs itself rootless, where the manager would no longer recognise it,
// so that lesson 05's tests can set limits rootless on a systemd host.
// Where none can be had, the tests that need one skip with the fix.
func DelegatedCgroup() {
	if os.Geteuid() != 0 {
		_ = cgroups.Delegate()
	}
}

// Privileges reports how this test process may use namespaces: "root",
// "rootless" (as root of a user namespace), or "" (it may not).
func Privileges() string { return privileged }
