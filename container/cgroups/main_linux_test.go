package cgroups

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// childEnv names the child a re-run of this test binary is to be.
const childEnv = "UNBOXED_CGROUPS_TEST_CHILD"

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		children[name]()
		os.Exit(0)
	}
	before := listUnboxedCgroups()
	code := m.Run()
	if left := leftBehind(before); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the tests left cgroups behind: %v\n", left)
		code = 1
	}
	os.Exit(code)
}

// child is a command that runs this test binary as the child name.
func child(name string) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	return cmd
}

// needRoot skips a test that makes cgroups on the host when it cannot.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to make cgroups: go test -exec sudo ./container/cgroups")
	}
}
