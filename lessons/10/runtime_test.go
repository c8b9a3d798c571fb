//go:build linux

package capstone_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container/cgroups"
	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// The command's exit status comes back as Run's; a command that cannot
// run is Run's error, with Docker's 126 when it is not executable.
func TestExitStatus(t *testing.T) {
	l := lessontest.New(t, "the-runtime-side")
	defer l.Recover()
	l.NeedPrivileges()
	_, code := run(l, capstone.Config{}, "exit 3")
	l.Equal("the exit status of a command that exits 3", 3, code)
	out, _ := run(l, capstone.Config{Stdin: strings.NewReader("through stdin\n")}, "cat")
	l.Equal("what cat read from the config's Stdin", "through stdin\n", out)
	out, code, err := start(l, capstone.Config{Args: []string{"/etc/passwd"}}, "").wait()
	l.Error(err, fmt.Sprintf("your Run of /etc/passwd, which is not executable (output %q)", out))
	l.Equal(fmt.Sprintf("the status of a command that is not executable (error %v)", err), 126, code)
}

// The container writes into the overlay's upper directory, in the state
// directory, never into the rootfs; once it ends the upper is gone.
func TestWritesLandInTheUpper(t *testing.T) {
	l := lessontest.New(t, "the-runtime-side")
	defer l.Recover()
	l.NeedPrivileges()
	state := l.TempDir()
	c := start(l, capstone.Config{StateDir: state}, "echo written > /written-here && sleep 2")
	var upper []string
	for len(upper) == 0 && !c.ended() {
		upper, _ = filepath.Glob(filepath.Join(state, "*", "upper", "written-here"))
		time.Sleep(20 * time.Millisecond)
	}
	out, code, err := c.wait()
	l.NoError(err, fmt.Sprintf("your Run (output %q)", out))
	l.Equal(fmt.Sprintf("the exit code of the write (output %q)", out), 0, code)
	l.True(len(upper) == 1, "the container's /written-here in "+state+"/<id>/upper while it ran", fmt.Sprintf("%q", upper))
	_, err = os.Stat(filepath.Join(l.Rootfs(), "written-here"))
	l.True(errors.Is(err, os.ErrNotExist), "the rootfs (the lower layer) untouched", fmt.Sprintf("%v", err))
	l.Equal("what is left in the state directory after the container", []string(nil), left(state))
}

// A pids limit is in force inside (forks past it fail), and the cgroup
// is gone afterwards.
func TestLimitsInForce(t *testing.T) {
	l := lessontest.New(t, "the-runtime-side")
	defer l.Recover()
	l.NeedPrivileges()
	id := newID()
	sweepCgroups(l, id)
	c := start(l, capstone.Config{ID: id, Limits: cgroups.Limits{Pids: 6}},
		"i=0; while [ $i -lt 12 ]; do sleep 1 & i=$((i+1)); done 2>&1; wait; echo done")
	out, _, err := c.wait()
	if errors.Is(err, cgroups.ErrNoCgroupAccess) || errors.Is(err, cgroups.ErrControllerMissing) {
		cgroupsHere(l)
		l.Skipf("no cgroup with a pids limit here: %v (see go run ./lessons doctor)", err)
	}
	cgroupsHere(l)
	l.NoError(err, fmt.Sprintf("your Run with a pids limit of 6 (output %q)", out))
	l.True(strings.Contains(out, "can't fork") || strings.Contains(out, "Resource temporarily unavailable"),
		"a fork past the limit of 6 to fail (can't fork)", fmt.Sprintf("%q", out))
	left := cgroupsOf(id)
	l.True(len(left) == 0, "no cgroup of the container left after it ended", fmt.Sprintf("%q", left))
}
