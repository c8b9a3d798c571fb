package cgroups

// The bonus: cgroup v1, for hosts whose controllers are still v1 (hybrid
// or v1 only). Nothing in the lesson requires it; the TestBonusV1 tests
// check it. Read "Aside (optional): cgroup v1, the bonus" in the notes.

// CgroupV1 is one container's control group on cgroup v1: one directory
// in each hierarchy it uses.
type CgroupV1 struct {
	// Dirs are the cgroup's directories, one per hierarchy, by controller
	// name: "memory", "pids", "cpu". Two controllers mounted together
	// share a directory.
	Dirs map[string]string
}

// CreateV1 makes the cgroup at path (relative, e.g. "unboxed/box-1")
// below each directory of roots, which maps each controller ("memory",
// "pids", "cpu") to a directory in that controller's hierarchy. Missing
// parents are made. The last directory of path must not exist yet; on an
// error, the directories made for the cgroup itself are removed again.
func CreateV1(roots map[string]string, path string) (*CgroupV1, error) {
	// TODO(lesson 5): bonus: make the cgroup in every hierarchy.
	panic("TODO(lesson 5): bonus: write CreateV1 in lessons/05/v1.go")
}

// SetMemory limits the memory of the cgroup's processes to bytes (more
// than 0) in memory.limit_in_bytes, with no swap on top: the same value
// in memory.memsw.limit_in_bytes (memory plus swap), where the kernel
// made that file. memsw may never be below the memory limit.
func (c *CgroupV1) SetMemory(bytes int64) error {
	// TODO(lesson 5): bonus: write the limits, in an order the kernel takes.
	panic("TODO(lesson 5): bonus: write SetMemory in lessons/05/v1.go")
}

// SetPids limits the number of processes and threads in the cgroup to
// max (more than 0), in pids.max of the pids hierarchy.
func (c *CgroupV1) SetPids(max int64) error {
	// TODO(lesson 5): bonus: write the limit.
	panic("TODO(lesson 5): bonus: write SetPids in lessons/05/v1.go")
}

// SetCPU limits the cgroup's CPU time to cpus CPUs (0.5 is half of one)
// in the cpu hierarchy: cpu.cfs_period_us gets "100000" and
// cpu.cfs_quota_us the quota in microseconds, at least 1ms.
func (c *CgroupV1) SetCPU(cpus float64) error {
	// TODO(lesson 5): bonus: write the period and the quota.
	panic("TODO(lesson 5): bonus: write SetCPU in lessons/05/v1.go")
}

// Add moves the process pid into the cgroup in every hierarchy.
func (c *CgroupV1) Add(pid int) error {
	// TODO(lesson 5): bonus: move pid in, everywhere.
	panic("TODO(lesson 5): bonus: write Add in lessons/05/v1.go")
}

// Destroy kills every process left in the cgroup and removes its
// directories (not their parents). v1 has no cgroup.kill: SIGKILL what
// cgroup.procs lists until it is empty. rmdir(2) fails with EBUSY for a
// moment after the last process died, so Destroy retries for about a
// second. Directories that are gone already are fine.
func (c *CgroupV1) Destroy() error {
	// TODO(lesson 5): bonus: empty each directory, then remove it.
	panic("TODO(lesson 5): bonus: write Destroy in lessons/05/v1.go")
}
