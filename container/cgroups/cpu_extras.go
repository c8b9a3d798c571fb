package cgroups

// The CPU limits beyond a number of CPUs, which an OCI bundle can ask for
// (linux.resources.cpu): the CFS period, the shares and the cpuset. See
// Documentation/admin-guide/cgroup-v1/cpusets.rst, scheduler/sched-bwc.rst
// and cgroup-v2.rst ("cpu.weight", "cpuset.cpus").

import (
	"fmt"
	"math"
	"strings"
)

// The CFS period's bounds (sched-bwc.rst: "1ms <= period <= 1s").
const (
	minCPUPeriod = 1000
	maxCPUPeriod = 1000000
)

// The bounds of v1 cpu.shares (MIN_SHARES and MAX_SHARES in
// kernel/sched/sched.h).
const (
	minCPUShares = 2
	maxCPUShares = 262144
)

// ValidCPUList says whether s is in the list format of cpuset(7), "0-3,6":
// numbers or ranges of them, comma-separated. (By hand, not with package
// regexp, which would add its tables to the initialisation of the binary
// that every container's init re-executes.)
func ValidCPUList(s string) bool {
	for _, item := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		if !allDigits(lo) || isRange && !allDigits(hi) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// period is the CFS period the limits ask for, in microseconds.
func (l Limits) period() int64 {
	if l.CPUPeriod == 0 {
		return cpuPeriod
	}
	return l.CPUPeriod
}

// quota is the CFS quota of l.CPUs per l.period(); 0 for no limit.
func (l Limits) quota() (int64, error) {
	if l.CPUPeriod == 0 {
		return cpuQuota(l.CPUs)
	}
	if math.IsNaN(l.CPUs) || math.IsInf(l.CPUs, 0) || l.CPUs < 0 {
		return 0, fmt.Errorf("cpu limit %v: want a positive number of CPUs, e.g. 0.5 (0 for no limit)", l.CPUs)
	}
	if l.CPUs == 0 {
		return 0, nil
	}
	quota := int64(math.Round(l.CPUs * float64(l.CPUPeriod)))
	if quota < minCPUQuota {
		return 0, fmt.Errorf("cpu limit %v per %dµs: below the kernel's smallest quota, 1ms (want a quota of at least 1000µs)", l.CPUs, l.CPUPeriod)
	}
	return quota, nil
}

// validateCPUExtras checks CPUPeriod, CPUShares, CPUSet and MemSet.
func (l Limits) validateCPUExtras() error {
	if l.CPUPeriod != 0 && (l.CPUPeriod < minCPUPeriod || l.CPUPeriod > maxCPUPeriod) {
		return fmt.Errorf("cpu period %dµs: want 1000 (1ms) to 1000000 (1s), e.g. 100000", l.CPUPeriod)
	}
	if _, err := l.quota(); err != nil {
		return err
	}
	if l.CPUShares != 0 && (l.CPUShares < minCPUShares || l.CPUShares > maxCPUShares) {
		return fmt.Errorf("cpu shares %d: want 2 to 262144, e.g. 1024", l.CPUShares)
	}
	for _, set := range []struct{ name, value string }{{"cpuset cpus", l.CPUSet}, {"cpuset mems", l.MemSet}} {
		if set.value != "" && !ValidCPUList(set.value) {
			return fmt.Errorf("%s %q: want a list, e.g. 0-3,6 (cpuset(7))", set.name, set.value)
		}
	}
	return nil
}

// hasCPUExtras says whether l asks for more than CPUs per 100ms.
func (l Limits) hasCPUExtras() bool {
	return l.CPUPeriod != 0 || l.CPUShares != 0 || l.CPUSet != "" || l.MemSet != ""
}

// sharesToWeight converts v1 cpu.shares (2 to 262144) to v2 cpu.weight (1
// to 10000), linearly, as runc and crun do: 1024 becomes 39, not the
// default 100, which is their answer too.
func sharesToWeight(shares uint64) uint64 {
	return 1 + ((shares-minCPUShares)*9999)/(maxCPUShares-minCPUShares)
}
