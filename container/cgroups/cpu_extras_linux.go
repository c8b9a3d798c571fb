package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// applyCPUExtras sets the CPU limits beyond SetCPU's: the quota per
// CPUPeriod, CPUShares and the cpuset. They need one of the library's own
// cgroups (New, Placement.Create): a lesson's Cgroup has no such methods.
func applyCPUExtras(cg Cgroup, l Limits) error {
	if !l.hasCPUExtras() {
		return nil
	}
	switch cg := cg.(type) {
	case *cgroupV1:
		return cg.setCPUExtras(l)
	case *cgroupV2:
		return cg.setCPUExtras(l)
	}
	return fmt.Errorf("cpu period, shares and cpuset need the library's cgroup, not a %T", cg)
}

// setCPUExtras writes cpu.cfs_period_us before cpu.cfs_quota_us, then
// cpu.shares, cpuset.cpus and cpuset.mems.
func (cg *cgroupV1) setCPUExtras(l Limits) error {
	if l.CPUPeriod != 0 || l.CPUShares != 0 {
		dir, err := cg.controllerDir("cpu")
		if err != nil {
			return err
		}
		if l.CPUPeriod != 0 {
			quota, err := l.quota()
			if err != nil {
				return err
			}
			if err := writeCgroupFile(dir, "cpu.cfs_period_us", strconv.FormatInt(l.period(), 10)); err != nil {
				return err
			}
			value := strconv.FormatInt(quota, 10)
			if quota == 0 {
				value = "-1"
			}
			if err := writeCgroupFile(dir, "cpu.cfs_quota_us", value); err != nil {
				return err
			}
		}
		if l.CPUShares != 0 {
			if err := writeCgroupFile(dir, "cpu.shares", strconv.FormatUint(l.CPUShares, 10)); err != nil {
				return err
			}
		}
	}
	return setCpuset(cg.dir["cpuset"], l)
}

// setCPUExtras writes cpu.max "quota period", cpu.weight, cpuset.cpus and
// cpuset.mems (the cpuset controller: Linux 5.0).
func (cg *cgroupV2) setCPUExtras(l Limits) error {
	if l.CPUPeriod != 0 {
		quota, err := l.quota()
		if err != nil {
			return err
		}
		if err := cg.controllerFile("cpu.max"); err != nil {
			return err
		}
		value := fmt.Sprintf("%d %d", quota, l.period())
		if quota == 0 {
			value = fmt.Sprintf("max %d", l.period())
		}
		if err := writeCgroupFile(cg.dir, "cpu.max", value); err != nil {
			return err
		}
	}
	if l.CPUShares != 0 {
		if err := cg.controllerFile("cpu.weight"); err != nil {
			return err
		}
		if err := writeCgroupFile(cg.dir, "cpu.weight", strconv.FormatUint(sharesToWeight(l.CPUShares), 10)); err != nil {
			return err
		}
	}
	if l.CPUSet == "" && l.MemSet == "" {
		return nil
	}
	if err := cg.controllerFile("cpuset.cpus"); err != nil {
		return err
	}
	return setCpuset(cg.dir, l)
}

// setCpuset writes cpuset.cpus and cpuset.mems in dir, those that l sets.
func setCpuset(dir string, l Limits) error {
	if l.CPUSet == "" && l.MemSet == "" {
		return nil
	}
	if dir == "" {
		return missingController("cpuset", "the cgroup v1 hierarchies", "mount it: sudo mount -t cgroup -o cpuset cgroup /sys/fs/cgroup/cpuset")
	}
	if l.CPUSet != "" {
		if err := writeCgroupFile(dir, "cpuset.cpus", l.CPUSet); err != nil {
			return err
		}
	}
	if l.MemSet != "" {
		return writeCgroupFile(dir, "cpuset.mems", l.MemSet)
	}
	return nil
}

// inheritCpuset fills a new v1 cpuset cgroup's cpuset.cpus and
// cpuset.mems from its parent's: the kernel makes them empty (unless the
// parent's cgroup.clone_children is 1), and a cgroup with an empty
// cpuset takes no process (ENOSPC, cpusets.rst 1.4 and 2.1). Elsewhere,
// or when they are set already, it does nothing.
func inheritCpuset(dir string) error {
	if hasCgroupFile(dir, "cgroup.controllers") {
		return nil // v2: an empty cpuset.cpus is the parent's
	}
	for _, file := range []string{"cpuset.cpus", "cpuset.mems"} {
		own, err := readCgroupFile(dir, file)
		if errors.Is(err, os.ErrNotExist) {
			return nil // not a v1 cpuset cgroup
		}
		if err != nil || own != "" {
			return err
		}
		parent, err := readCgroupFile(filepath.Dir(dir), file)
		if err != nil {
			return err
		}
		if err := writeCgroupFile(dir, file, parent); err != nil {
			return err
		}
	}
	return nil
}
