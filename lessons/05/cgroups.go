// Package cgroups is lesson 05: cgroups, limits. A namespace changes what a
// container sees; a control group changes what it may use. You write the
// files that put a ceiling on a container's memory, processes and CPU time,
// for both versions of the cgroup filesystem, and the clean-up that
// removes the cgroup when the container is gone.
//
// Read the notes first: go run ./lessons notes 5
package cgroups

// Cgroup is one container's control group: a directory in the single v2
// hierarchy, or one directory in each v1 hierarchy it uses.
type Cgroup struct {
	// Version is "v1" or "v2": which files the methods write.
	Version string
	// Dirs are the cgroup's directories. On v1, one per hierarchy, by
	// controller name: "memory", "pids", "cpu". On v2, the one directory,
	// under the key "".
	Dirs map[string]string
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
	// TODO(lesson 5): look for root/cgroup.controllers (v2); else look at
	// root's subdirectories: cgroup.procs without cgroup.controllers is a v1
	// hierarchy, cgroup.controllers a v2 mount next to them (hybrid).
	panic("TODO(lesson 5): write Version in lessons/05/cgroups.go")
}

// Create makes the cgroup at path (relative, e.g. "unboxed/box-1") and
// returns it. roots says where path starts:
//   - version "v2": roots[""] is the top of the v2 hierarchy. Every
//     directory from the top down to path's parent gets "+memory +pids
//     +cpu" written to its cgroup.subtree_control, in one write, so that
//     the new cgroup has those controllers. Intermediate directories may
//     exist already; they must never hold processes.
//   - version "v1": roots maps each controller ("memory", "pids", "cpu")
//     to a directory in that controller's hierarchy, and path is made
//     below each one.
//
// The last directory of path must not exist yet. On an error, the
// directories Create made for the cgroup itself are removed again.
func Create(version string, roots map[string]string, path string) (*Cgroup, error) {
	// TODO(lesson 5): v2: from roots[""] down, write "+memory +pids +cpu" to
	// each parent's cgroup.subtree_control and mkdir the next directory;
	// v1: mkdir path below each root. Fill in Version and Dirs.
	panic("TODO(lesson 5): write Create in lessons/05/cgroups.go")
}

// SetMemory limits the memory of the cgroup's processes to bytes (more
// than 0), swap included:
//   - v2: memory.max, and "0" to memory.swap.max where that file exists;
//   - v1: memory.limit_in_bytes, and the same value to
//     memory.memsw.limit_in_bytes (memory plus swap) where that file
//     exists.
func (c *Cgroup) SetMemory(bytes int64) error {
	// TODO(lesson 5): v2: memory.max (+ memory.swap.max "0"); v1:
	// memory.limit_in_bytes (+ memory.memsw.limit_in_bytes). Write the swap
	// file only where it exists.
	panic("TODO(lesson 5): write SetMemory in lessons/05/cgroups.go")
}

// SetPids limits the number of processes and threads in the cgroup to
// max (more than 0): pids.max, on both versions.
func (c *Cgroup) SetPids(max int64) error {
	// TODO(lesson 5): write max to pids.max.
	panic("TODO(lesson 5): write SetPids in lessons/05/cgroups.go")
}

// SetCPU limits the cgroup's CPU time to cpus CPUs (0.5 is half of one),
// as a quota of microseconds per 100ms period, at least 1ms:
//   - v2: cpu.max gets "QUOTA 100000";
//   - v1: cpu.cfs_period_us gets "100000", then cpu.cfs_quota_us "QUOTA".
func (c *Cgroup) SetCPU(cpus float64) error {
	// TODO(lesson 5): quota = cpus * 100000 microseconds; v2: cpu.max
	// "QUOTA 100000"; v1: cpu.cfs_period_us, then cpu.cfs_quota_us.
	panic("TODO(lesson 5): write SetCPU in lessons/05/cgroups.go")
}

// Add moves the process pid into the cgroup: it writes pid to
// cgroup.procs in each of the cgroup's directories.
func (c *Cgroup) Add(pid int) error {
	// TODO(lesson 5): write pid to cgroup.procs in every directory of Dirs.
	panic("TODO(lesson 5): write Add in lessons/05/cgroups.go")
}

// Destroy kills every process left in the cgroup and removes its
// directories (not their parents). To kill, it writes "1" to cgroup.kill
// where that file exists (v2, Linux 5.14), and otherwise sends SIGKILL to
// each process in cgroup.procs, again until the list is empty. rmdir(2)
// fails with EBUSY for a moment after the last process died, so Destroy
// retries for about a second. A directory that is gone already is fine,
// so Destroy may be called twice.
func (c *Cgroup) Destroy() error {
	// TODO(lesson 5): for each directory: kill what is in cgroup.procs
	// (cgroup.kill where it exists, else SIGKILL until empty), then rmdir,
	// retrying while EBUSY; a directory already gone is no error.
	panic("TODO(lesson 5): write Destroy in lessons/05/cgroups.go")
}
