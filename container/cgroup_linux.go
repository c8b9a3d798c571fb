package container

// The runtime's side of the cgroups stage (lesson 05; the stage itself is
// the package cgroups): the container's cgroup is made before its init
// starts, so that the init can be born inside it (cgroups.StartsInside),
// and a pids limit is left for the init to write at the last moment
// (cgroups.PidsLimitDeferrer, pids_linux.go).

import (
	"errors"
	"os"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// containerCgroup makes a container's cgroup through the NewCgroup stage.
// When the cgroup lets the init write the pids limit itself, pids.max
// comes back open for writing (see pidsLimitFd), the limit lifted until
// the init writes it.
func containerCgroup(id string, limits cgroups.Limits) (cgroups.Cgroup, *os.File, error) {
	cg, err := steps().NewCgroup(id, limits)
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
