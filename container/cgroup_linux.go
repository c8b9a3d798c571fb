package container

// The runtime's side of the cgroups stage (lesson 05; the stage itself is
// the package cgroups): the container's cgroup is made before its init
// starts, so that the init can be born inside it (cgroups.StartsInside),
// and a pids limit is left for the init to write at the last moment
// (cgroups.PidsLimitDeferrer, pids_linux.go).

import (
	"errors"
	"fmt"
	"os"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// containerCgroup makes a container's cgroup through the NewCgroup stage,
// or at the caller's placement when there is one (not a stage: a lesson's
// cgroups make only unboxed/<id>). When the cgroup lets the init write the
// pids limit itself, pids.max comes back open for writing (see
// pidsLimitFd), the limit lifted until the init writes it.
func containerCgroup(id string, at *cgroups.Placement, limits cgroups.Limits) (cgroups.Cgroup, *os.File, error) {
	var cg cgroups.Cgroup
	var err error
	if at != nil {
		cg, err = at.Create(limits)
	} else {
		cg, err = steps().NewCgroup(id, limits)
	}
	if err != nil || limits.Pids == 0 {
		return cg, nil, err
	}
	late, ok := cg.(cgroups.PidsLimitDeferrer)
	if !ok {
		return cg, nil, nil
	}
	f, err := late.DeferPidsLimit()
	if err != nil {
		return nil, nil, errors.Join(err, cg.Destroy())
	}
	return cg, f, nil
}

// pidsHeadroom is how many threads more than the init has that a pids
// limit must allow for pidsAtGate to set it while the init waits.
const pidsHeadroom = 8

// pidsAtGate sets the pids limit of a container whose init waits at its
// gate, so that the created container shows it (an OCI runtime's state is
// read between create and start). The init writes it again before
// execve(2) (pids_linux.go). A limit that leaves the init's Go runtime
// fewer than pidsHeadroom threads to spare is left to that last write
// alone: a thread the Go runtime cannot start is fatal to it, and fork(2)
// fails with EAGAIN past pids.max (pids.rst).
func (c *Container) pidsAtGate(limit int64) error {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", c.cmd.Process.Pid))
	if err != nil || limit < int64(len(tasks)+pidsHeadroom) {
		return nil
	}
	return c.cgroup.SetPids(limit)
}
