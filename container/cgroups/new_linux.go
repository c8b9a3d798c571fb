package cgroups

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// cgroupParent is the directory, under the runtime's own cgroup on v1 and
// at the top of the hierarchy on v2, that holds one cgroup per container.
const cgroupParent = "unboxed"

// New creates the cgroup of the container id, with limits set, in
// the layout this host mounts (DetectLayout):
//
//   - v1 and hybrid: <hierarchy>/<own>/unboxed/<id> in each of the memory,
//     pids and cpu hierarchies, where <own> is this process's cgroup in
//     that hierarchy (/proc/self/cgroup), so a container stays inside the
//     limits of the runtime that started it. Only root may do this.
//   - v2: /sys/fs/cgroup/unboxed/<id>, with memory, pids and cpu enabled
//     in cgroup.subtree_control from the top down. Without root, the
//     cgroup goes under this process's own cgroup instead, when that is
//     delegated to it (systemd-run --user --scope -p Delegate=yes).
//
// On v1 the cgroup is made only in the hierarchies of the limits given
// (each costs a mkdir, a join and an rmdir), so Stats counts only what
// those offer; a controller that a limit needs and the host lacks is an
// error that wraps ErrControllerMissing. Not being allowed to create cgroups is an error
// that wraps ErrNoCgroupAccess. On any error, nothing New made is
// left behind.
func New(id string, limits Limits) (Cgroup, error) {
	if err := validCgroupID(id); err != nil {
		return nil, err
	}
	if err := limits.validate(); err != nil {
		return nil, err
	}
	l, err := DetectLayout()
	if err != nil {
		return nil, err
	}
	own, err := ownCgroups()
	if err != nil {
		return nil, fmt.Errorf("create cgroup %s: %w", id, err)
	}
	return newCgroupAt(l, own, id, limits)
}

// newCgroupAt is New for the given layout and own cgroups (as
// parseProcCgroup reads them), so tests can point it at a fake cgroupfs.
func newCgroupAt(l Layout, own map[string]string, id string, limits Limits) (Cgroup, error) {
	if err := validCgroupID(id); err != nil {
		return nil, err
	}
	if err := limits.validate(); err != nil {
		return nil, err
	}
	var (
		cg  Cgroup
		err error
	)
	if l.Version == "v2" {
		cg, err = newCgroupV2(l, own, id, limits)
	} else {
		cg, err = newCgroupV1(l, own, id, limits)
	}
	if err != nil {
		return nil, err
	}
	if err := applyLimits(cg, limits); err != nil {
		return nil, errors.Join(err, cg.Destroy())
	}
	return cg, nil
}

// applyLimits sets the limits that are not zero: memory, pids, cpu,
// then the CPU period, shares and cpuset.
func applyLimits(cg Cgroup, limits Limits) error {
	if limits.Memory != 0 {
		if err := cg.SetMemory(limits.Memory); err != nil {
			return err
		}
	}
	if limits.Pids != 0 {
		if err := cg.SetPids(limits.Pids); err != nil {
			return err
		}
	}
	if limits.CPUs != 0 && limits.CPUPeriod == 0 {
		if err := cg.SetCPU(limits.CPUs); err != nil {
			return err
		}
	}
	return applyCPUExtras(cg, limits)
}

// needs says whether limits set something with the controller c.
func (l Limits) needs(c string) bool {
	switch c {
	case "memory":
		return l.Memory != 0
	case "pids":
		return l.Pids != 0
	case "cpu":
		return l.CPUs != 0 || l.CPUShares != 0
	case "cpuset":
		return l.CPUSet != "" || l.MemSet != ""
	}
	return false
}

// cgroupDirs are the directories one container's cgroup is made of, and
// what Destroy does with them.
type cgroupDirs struct {
	mu      sync.Mutex
	dirs    []string // the cgroups made, one per hierarchy
	parents []string // their unboxed parents
	locks   []int    // the flock(2) that marks them in use
}

// made records a cgroup directory that was created, and locks it.
func (c *cgroupDirs) made(dir, parent string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirs = append(c.dirs, dir)
	if fd := lockCgroupDir(dir); fd >= 0 {
		c.locks = append(c.locks, fd)
	}
	for _, p := range c.parents {
		if p == parent {
			return
		}
	}
	c.parents = append(c.parents, parent)
}

// list returns the directories that are still there.
func (c *cgroupDirs) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.dirs...)
}

// destroyed says whether destroy removed every directory.
func (c *cgroupDirs) destroyed() bool { return len(c.list()) == 0 }

// destroy kills what is left in each cgroup, removes the directories and
// then their parents if they are empty. What could not be removed stays
// on the list for the next call.
func (c *cgroupDirs) destroy() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, dir := range c.dirs {
		if err := killCgroup(dir); err != nil {
			errs = append(errs, err)
		}
	}
	for _, fd := range c.locks {
		unix.Close(fd)
	}
	c.locks = nil
	var left []string
	for _, dir := range c.dirs {
		if err := removeCgroupDir(dir); err != nil {
			errs = append(errs, err)
			left = append(left, dir)
		}
	}
	c.dirs = left
	for _, p := range c.parents {
		removeEmptyParent(p)
	}
	if len(left) == 0 {
		c.parents = nil
	}
	return errors.Join(errs...)
}

// missingController is the error for a controller a limit needs that the
// host does not offer, with how to enable it.
func missingController(c, where, fix string) error {
	return fmt.Errorf("%w: %s is not available in %s (%s)", ErrControllerMissing, c, where, fix)
}

// validate checks the limits before any cgroup is made.
func (l Limits) validate() error {
	if err := checkMemory(l.Memory); err != nil {
		return err
	}
	if err := checkPids(l.Pids); err != nil {
		return err
	}
	return l.validateCPUExtras()
}

func checkMemory(bytes int64) error {
	switch {
	case bytes < 0:
		return fmt.Errorf("memory limit %d: negative (want e.g. 64M, 1G, 512K or bytes; 0 for no limit)", bytes)
	case bytes > 0 && bytes < MinMemory:
		return fmt.Errorf("memory limit %d bytes: below the minimum of 6M, no process could start (want e.g. 64M)", bytes)
	}
	return nil
}

func checkPids(max int64) error {
	if max < 0 {
		return fmt.Errorf("pids limit %d: negative (want e.g. 64; 0 for no limit)", max)
	}
	return nil
}
