//go:build linux

package capstone_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// A container whose command does not exist fails to start with 127, and
// leaves nothing behind: no cgroup, no mount, no directory in the state
// directory, no network device.
func TestFailedStartLeavesNothing(t *testing.T) {
	l := lessontest.New(t, "when-a-start-fails")
	defer l.Recover()
	l.NeedPrivileges()
	if !l.OwnNetwork() {
		return
	}
	makeBridge(l)
	links0, mounts0, id := links(l), lessontest.HostMounts(t), newID()
	sweepCgroups(l, id)
	state := l.TempDir()
	cfg := capstone.Config{
		ID: id, Args: []string{"/no/such/program"}, StateDir: state,
		Bridge: testBridge, Address: "10.99.10.3/24", Gateway: testGateway,
	}
	if lessontest.Privileges() == "root" { // rootless, a cgroup may not be had
		cfg.Limits = cgroups.Limits{Pids: 16}
	}
	out, code, err := start(l, cfg, "").wait()
	l.Error(err, fmt.Sprintf("your Run of /no/such/program (output %q)", out))
	l.Equal(fmt.Sprintf("the status of a start that failed at execCommand, not found (error %v)", err), container.ExitNotFound, code)
	l.Equal("what is left in the state directory", []string(nil), left(state))
	l.Equal("the network devices after the failed start", strings.Join(links0, " "), strings.Join(links(l), " "))
	l.Equal("the host's mount table after the failed start", mounts0, lessontest.HostMounts(t))
	left := cgroupsOf(id)
	l.True(len(left) == 0, "no cgroup of the container left after the failed start", fmt.Sprintf("%q", left))
}
