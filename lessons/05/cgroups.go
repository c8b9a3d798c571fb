// Package cgroups is lesson 05: cgroups, limits. A namespace changes what a
// container sees; a control group changes what it may use. You write the
// cgroup v2 code that puts a ceiling on a container's memory, processes
// and CPU time, and the clean-up that removes the cgroup when the
// container is gone. cgroup v1 is an optional bonus, in v1.go.
//
// Read the notes first: go run ./lessons notes 5
package cgroups

// Cgroup is one container's control group in the single cgroup v2
// hierarchy.
type Cgroup struct {
	// Dir is the cgroup's directory, e.g. /sys/fs/cgroup/unboxed/box-1.
	Dir string
}

// Version says which cgroup filesystem is mounted at root (normally
// /sys/fs/cgroup), from the files the kernel puts there:
//   - "v2" when root itself holds cgroup.controllers (the unified tree);
//   - "hybrid" when subdirectories of root are v1 hierarchies (they hold
//     cgroup.procs but no cgroup.controllers) and another subdirectory is
//     a v2 mount (it holds cgroup.controllers), like /sys/fs/cgroup/unified;
//   - "v1" when there are v1 hierarchies and no v2 mount;
//   - "" when root holds no cgroup filesystem at all.
func Version(root string) string {
	// TODO(lesson 5): tell the four cases apart by the files named above.
	panic("TODO(lesson 5): write Version in lessons/05/cgroups.go")
}

// Create makes the cgroup at path (relative, e.g. "unboxed/box-1") below
// root, the top of a v2 hierarchy, and returns it. The new cgroup must
// have the memory, pids and cpu controllers, and a controller reaches a
// cgroup only if every ancestor from root down hands it on ("+memory
// +pids +cpu" in its cgroup.subtree_control, written in one go).
// Intermediate directories may exist already; they must never hold
// processes. The last directory of path must not exist yet. The error
// names what failed.
func Create(root, path string) (*Cgroup, error) {
	// TODO(lesson 5): make the cgroup, with its controllers handed down.
	panic("TODO(lesson 5): write Create in lessons/05/cgroups.go")
}

// SetMemory limits the memory of the cgroup's processes to bytes (more
// than 0) in memory.max, with no swap on top: "0" in memory.swap.max
// where the kernel made that file (it does only when it accounts swap).
func (c *Cgroup) SetMemory(bytes int64) error {
	// TODO(lesson 5): write the limit; the swap file only where it exists.
	panic("TODO(lesson 5): write SetMemory in lessons/05/cgroups.go")
}

// SetPids limits the number of processes and threads in the cgroup to
// max (more than 0), in pids.max.
func (c *Cgroup) SetPids(max int64) error {
	// TODO(lesson 5): write the limit.
	panic("TODO(lesson 5): write SetPids in lessons/05/cgroups.go")
}

// SetCPU limits the cgroup's CPU time to cpus CPUs (0.5 is half of one),
// as a quota of microseconds per 100ms period, at least 1ms: cpu.max
// gets "QUOTA 100000".
func (c *Cgroup) SetCPU(cpus float64) error {
	// TODO(lesson 5): turn cpus into a quota and write it.
	panic("TODO(lesson 5): write SetCPU in lessons/05/cgroups.go")
}

// Add moves the process pid into the cgroup (its cgroup.procs).
func (c *Cgroup) Add(pid int) error {
	// TODO(lesson 5): move pid in.
	panic("TODO(lesson 5): write Add in lessons/05/cgroups.go")
}

// Destroy kills every process left in the cgroup and removes its
// directory (not its parents). Processes may fork while they are being
// killed; cgroup.kill (Linux 5.14) kills them all at once where it
// exists. rmdir(2) fails with EBUSY for a moment after the last process
// died, so Destroy retries for about a second. A directory that is gone
// already is fine, so Destroy may be called twice.
func (c *Cgroup) Destroy() error {
	// TODO(lesson 5): empty the cgroup, then remove it.
	panic("TODO(lesson 5): write Destroy in lessons/05/cgroups.go")
}
