package oci

import (
	"fmt"
	"strings"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// cgroupsPathExample is what a refusal of linux.cgroupsPath shows.
const cgroupsPathExample = `want e.g. "/mybox" (from the root of each cgroup hierarchy) or "mybox" (under the runtime's own cgroup)`

// mapCgroupsPath: linux.cgroupsPath, as cgroups.Place takes it. An
// absolute path is taken from the root of each hierarchy (the
// runtime-spec's meaning; on v1 that is not under the runtime's own
// cgroup, where unboxed's other containers go), a relative one from the
// runtime's own cgroup. A systemd "slice:prefix:name" path is refused:
// unboxed has no systemd cgroup driver.
func mapCgroupsPath(p string, b *Bundle) error {
	if p == "" {
		return nil
	}
	if strings.Count(p, ":") == 2 {
		return unsupported(fmt.Sprintf("linux.cgroupsPath %q (a systemd slice:prefix:name)", p), cgroupsPathExample)
	}
	if err := cgroups.CheckPath(p); err != nil {
		return fmt.Errorf("linux.cgroupsPath: %w (%s)", err, cgroupsPathExample)
	}
	b.cgroup, b.cgroupsPath = true, p
	return nil
}
