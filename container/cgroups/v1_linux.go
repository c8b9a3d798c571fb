package cgroups

// cgroup v1 (Linux 2.6.24): one hierarchy per controller, each with its
// own tree of directories. A container's cgroup is a directory in each of
// the memory, pids and cpu hierarchies, under the runtime's own cgroup
// there. See Documentation/admin-guide/cgroup-v1/cgroups.rst, memory.rst,
// pids.rst and scheduler/sched-bwc.rst.

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// cgroupV1 is a container's cgroup on a v1 or hybrid host.
type cgroupV1 struct {
	cgroupDirs
	dir    map[string]string // controller -> its directory for this container
	layout Layout            // where the hierarchies are mounted
}

// v1LimitControllers are the v1 hierarchies a cgroup may be made in: the
// limit controllers, and cpuset for Limits.CPUSet and MemSet.
var v1LimitControllers = append(Controllers(), "cpuset")

// v1Unlimited is what v1 memory files show for "no limit" (PAGE_COUNTER_MAX
// pages, rounded); anything this large reads as 0.
const v1Unlimited = 1 << 62

func newCgroupV1(l Layout, own map[string]string, id string, limits Limits) (*cgroupV1, error) {
	cg := &cgroupV1{dir: map[string]string{}, layout: l}
	for _, c := range v1LimitControllers {
		// Each hierarchy costs a mkdir, a join and an rmdir per container:
		// use only those a limit needs.
		if !limits.needs(c) {
			continue
		}
		mount, ok := l.V1[c]
		if !ok {
			dir := filepath.Join(cgroupRoot, c)
			return nil, errors.Join(missingController(c, "the cgroup v1 hierarchies",
				fmt.Sprintf("mount it: sudo mkdir -p %s && sudo mount -t cgroup -o %s cgroup %s", dir, c, dir)), cg.destroy())
		}
		ownPath, ok := own[c]
		if !ok {
			ownPath = "/"
		}
		base := filepath.Join(hierarchyDir(mount, l.v1Roots[c], ownPath), cgroupParent)
		dir := filepath.Join(base, id)
		if done := cg.sameHierarchy(dir); done {
			cg.dir[c] = dir
			continue
		}
		if err := unix.Access(filepath.Dir(base), unix.W_OK); err != nil {
			return nil, errors.Join(fmt.Errorf("%w: %s is not writable (%v): cgroup v1 has no safe delegation, so limits need root (sudo)",
				ErrNoCgroupAccess, filepath.Dir(base), err), cg.destroy())
		}
		if _, err := makeCgroupDir(base, id, inheritCpuset); err != nil {
			return nil, errors.Join(err, cg.destroy())
		}
		cg.made(dir, base)
		if err := inheritCpuset(dir); err != nil {
			return nil, errors.Join(err, cg.destroy())
		}
		cg.dir[c] = dir
	}
	if len(cg.dir) == 0 {
		return nil, missingController("memory, pids and cpu", "the cgroup v1 hierarchies", "mount at least one: sudo mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory")
	}
	return cg, nil
}

// sameHierarchy says whether dir was made already for a controller that
// shares its hierarchy (controllers mounted together).
func (cg *cgroupV1) sameHierarchy(dir string) bool {
	for _, d := range cg.dir {
		if d == dir {
			return true
		}
	}
	return false
}

// controllerDir is the container's directory for controller c.
func (cg *cgroupV1) controllerDir(c string) (string, error) {
	if dir, ok := cg.dir[c]; ok {
		return dir, nil
	}
	return "", missingController(c, "the cgroup v1 hierarchies", fmt.Sprintf("mount it at %s/%s", cgroupRoot, c))
}

// SetMemory writes memory.limit_in_bytes and, when the kernel accounts
// swap (CONFIG_MEMCG_SWAP, swapaccount=1), memory.memsw.limit_in_bytes
// (memory plus swap) to the same value: no swap on top. The kernel wants
// memsw >= the memory limit at every moment, so raising a limit writes
// memsw first. 0 writes -1, no limit.
func (cg *cgroupV1) SetMemory(bytes int64) error {
	if err := checkMemory(bytes); err != nil {
		return err
	}
	dir, err := cg.controllerDir("memory")
	if err != nil {
		return err
	}
	value := strconv.FormatInt(bytes, 10)
	if bytes == 0 {
		value = "-1"
	}
	if !hasCgroupFile(dir, "memory.memsw.limit_in_bytes") {
		return writeCgroupFile(dir, "memory.limit_in_bytes", value)
	}
	err = writeCgroupFile(dir, "memory.limit_in_bytes", value)
	if errors.Is(err, unix.EINVAL) { // above memsw: raise that first
		if err := writeCgroupFile(dir, "memory.memsw.limit_in_bytes", value); err != nil {
			return err
		}
		err = writeCgroupFile(dir, "memory.limit_in_bytes", value)
	}
	if err != nil {
		return err
	}
	return writeCgroupFile(dir, "memory.memsw.limit_in_bytes", value)
}

// SetPids writes pids.max (Linux 4.3); 0 writes "max".
func (cg *cgroupV1) SetPids(max int64) error {
	if err := checkPids(max); err != nil {
		return err
	}
	dir, err := cg.controllerDir("pids")
	if err != nil {
		return err
	}
	return writeCgroupFile(dir, "pids.max", pidsValue(max))
}

// SetCPU writes cpu.cfs_period_us = 100000 and cpu.cfs_quota_us (Linux
// 3.2, CFS bandwidth control); 0 writes quota -1, no limit.
func (cg *cgroupV1) SetCPU(cpus float64) error {
	quota, err := cpuQuota(cpus)
	if err != nil {
		return err
	}
	dir, err := cg.controllerDir("cpu")
	if err != nil {
		return err
	}
	if err := writeCgroupFile(dir, "cpu.cfs_period_us", strconv.Itoa(cpuPeriod)); err != nil {
		return err
	}
	value := strconv.FormatInt(quota, 10)
	if quota == 0 {
		value = "-1"
	}
	return writeCgroupFile(dir, "cpu.cfs_quota_us", value)
}

// Add writes pid to cgroup.procs in each hierarchy.
func (cg *cgroupV1) Add(pid int) error {
	dirs := cg.list()
	if len(dirs) == 0 {
		return fmt.Errorf("add process %d to cgroup: it was destroyed", pid)
	}
	for _, dir := range dirs {
		if err := writeCgroupFile(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("add process %d to cgroup: %w", pid, err)
		}
	}
	return nil
}

// Stats reads memory.max_usage_in_bytes, memory.limit_in_bytes,
// memory.oom_control (oom_kill: Linux 4.13), pids.peak (Linux 6.1),
// pids.max, pids.events and cpu.stat.
func (cg *cgroupV1) Stats() (Stats, error) {
	s := Stats{Version: "v1"}
	if cg.destroyed() {
		return s, errors.New("cgroup stats: the cgroup was destroyed")
	}
	return StatsAt("v1", cg.dir)
}

// Destroy kills what is left and removes the directory in each hierarchy.
func (cg *cgroupV1) Destroy() error { return cg.destroy() }

// Path is the directory in the memory hierarchy, or else the first one.
func (cg *cgroupV1) Path() string {
	for _, c := range limitControllers {
		if dir, ok := cg.dir[c]; ok {
			return dir
		}
	}
	return ""
}

// pidsValue is what pids.max takes: the number, or "max" for 0.
func pidsValue(max int64) string {
	if max == 0 {
		return "max"
	}
	return strconv.FormatInt(max, 10)
}
