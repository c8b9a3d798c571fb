package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

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
	clean, err := relative(path)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return nil, errors.New("create cgroup: v1 needs at least one hierarchy in roots")
	}
	cg := &CgroupV1{Dirs: map[string]string{}}
	for c, root := range roots {
		dir := filepath.Join(root, clean)
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, errors.Join(fmt.Errorf("create cgroup: %w", err), cg.Destroy())
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, errors.Join(fmt.Errorf("create cgroup: %w", err), cg.Destroy())
		}
		cg.Dirs[c] = dir
	}
	return cg, nil
}

// SetMemory limits the memory of the cgroup's processes to bytes (more
// than 0) in memory.limit_in_bytes, with no swap on top: the same value
// in memory.memsw.limit_in_bytes (memory plus swap), where the kernel
// made that file. memsw may never be below the memory limit.
func (c *CgroupV1) SetMemory(bytes int64) error {
	if bytes <= 0 {
		return fmt.Errorf("memory limit %d: want more than 0 bytes", bytes)
	}
	dir, err := c.dir("memory")
	if err != nil {
		return err
	}
	// Memory first: lowering memsw below the memory limit is refused.
	value := strconv.FormatInt(bytes, 10)
	if err := writeFile(dir, "memory.limit_in_bytes", value); err != nil {
		return err
	}
	if !exists(filepath.Join(dir, "memory.memsw.limit_in_bytes")) {
		return nil // no swap accounting in this kernel: no swap to limit
	}
	return writeFile(dir, "memory.memsw.limit_in_bytes", value)
}

// SetPids limits the number of processes and threads in the cgroup to
// max (more than 0), in pids.max of the pids hierarchy.
func (c *CgroupV1) SetPids(max int64) error {
	if max <= 0 {
		return fmt.Errorf("pids limit %d: want more than 0", max)
	}
	dir, err := c.dir("pids")
	if err != nil {
		return err
	}
	return writeFile(dir, "pids.max", strconv.FormatInt(max, 10))
}

// SetCPU limits the cgroup's CPU time to cpus CPUs (0.5 is half of one)
// in the cpu hierarchy: cpu.cfs_period_us gets "100000" and
// cpu.cfs_quota_us the quota in microseconds, at least 1ms.
func (c *CgroupV1) SetCPU(cpus float64) error {
	q, err := quota(cpus)
	if err != nil {
		return err
	}
	dir, err := c.dir("cpu")
	if err != nil {
		return err
	}
	if err := writeFile(dir, "cpu.cfs_period_us", strconv.Itoa(period)); err != nil {
		return err
	}
	return writeFile(dir, "cpu.cfs_quota_us", strconv.FormatInt(q, 10))
}

// Add moves the process pid into the cgroup in every hierarchy.
func (c *CgroupV1) Add(pid int) error {
	for _, dir := range c.dirs() {
		if err := writeFile(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("add process %d to cgroup: %w", pid, err)
		}
	}
	return nil
}

// Destroy kills every process left in the cgroup and removes its
// directories (not their parents). v1 has no cgroup.kill: SIGKILL what
// cgroup.procs lists until it is empty. rmdir(2) fails with EBUSY for a
// moment after the last process died, so Destroy retries for about a
// second. Directories that are gone already are fine.
func (c *CgroupV1) Destroy() error {
	var errs []error
	for _, dir := range c.dirs() {
		if err := kill(dir); err != nil {
			errs = append(errs, err)
		}
		if err := rmdir(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// dir is the directory of the hierarchy of controller name.
func (c *CgroupV1) dir(name string) (string, error) {
	dir, ok := c.Dirs[name]
	if !ok {
		return "", fmt.Errorf("cgroup has no %s controller (is its hierarchy mounted? see go run ./lessons doctor)", name)
	}
	return dir, nil
}

// dirs lists the cgroup's directories once each: two controllers mounted
// together share one.
func (c *CgroupV1) dirs() []string {
	var list []string
	seen := map[string]bool{}
	for _, dir := range c.Dirs {
		if !seen[dir] {
			seen[dir] = true
			list = append(list, dir)
		}
	}
	return list
}
