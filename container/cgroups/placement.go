package cgroups

import (
	"fmt"
	"path"
	"strings"
)

// Placement is where a cgroup goes when its caller picks the path, as an
// OCI bundle does with linux.cgroupsPath, and the cgroup outlives the
// process that made it: Place works it out before anything is made, the
// caller records it (a runtime killed halfway leaves the record behind),
// Create makes the directories and sets the limits, and Remove, called
// from any later process with the record, kills what is left and removes
// exactly the directories Create made. Nothing else in the hierarchy is
// touched: a path that exists already is refused.
type Placement struct {
	// Version is "v1" or "v2", the cgroup files that Create writes.
	Version string `json:"version"`
	// Dirs maps each controller to the cgroup's directory in its
	// hierarchy ("memory" -> /sys/fs/cgroup/memory/box); on v2 there is
	// one, under "".
	Dirs map[string]string `json:"dirs"`
	// Made lists the directories that did not exist when Place looked,
	// parents before children, the cgroups in Dirs among them: those
	// that Create makes and Remove removes.
	Made []string `json:"made"`
	// Enable lists the v2 controllers that Create turns on for the
	// children of each cgroup above the new one (cgroup.subtree_control).
	Enable []string `json:"enable,omitempty"`
}

// CheckPath refuses the cgroup paths that Place never takes: empty, the
// root, a ".." element (it would leave the hierarchy, or the caller's own
// cgroup) and names with a newline or NUL. It reads nothing.
func CheckPath(p string) error {
	if p == "" || path.Clean("/"+p) == "/" {
		return fmt.Errorf("cgroup path %q: names no cgroup below the root (want e.g. /box or box)", p)
	}
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return fmt.Errorf("cgroup path %q: \"..\" would leave the hierarchy or this process's cgroup (want e.g. /box or box)", p)
		}
	}
	if strings.ContainsAny(p, "\n\x00") {
		return fmt.Errorf("cgroup path %q: a newline or NUL in a directory name (want e.g. /box or box)", p)
	}
	return nil
}
