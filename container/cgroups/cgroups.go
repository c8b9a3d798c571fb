package cgroups

// The cgroups stage: resource limits (lesson 05). A namespace changes what a
// process sees; a control group changes what it may use. The kernel files
// are described in cgroups(7), in Documentation/admin-guide/cgroup-v1/
// (memory.rst, pids.rst, and scheduler/sched-bwc.rst for the CPU quota)
// and in Documentation/admin-guide/cgroup-v2.rst.

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"time"
)

// Limits are the resources a container may use. The zero value sets no
// limit at all; each field's zero means "no limit" for that resource.
type Limits struct {
	// Memory is the most memory, in bytes, the container's processes may
	// use together; past it the kernel reclaims, then OOM-kills one of
	// them (exit status 137). Swap is not allowed on top. 0 means no
	// limit; anything else must be at least MinMemory.
	Memory int64
	// Pids is the most processes and threads the container may have at
	// once; fork(2) and clone(2) fail with EAGAIN past it. 0 means no
	// limit.
	Pids int64
	// CPUs is the share of CPU time the container may use, in CPUs: 0.5
	// is half of one CPU, 2 is two CPUs' worth (enforced per 100ms period,
	// CFS bandwidth control). At least 0.01. 0 means no limit.
	CPUs float64
	// CPUPeriod is the CFS bandwidth period that CPUs is enforced per, in
	// microseconds, 1000 (1ms) to 1000000 (1s) (sched-bwc.rst). 0 means
	// 100000, the kernel's default.
	CPUPeriod int64
	// CPUShares is the container's weight against its siblings when the
	// CPUs are busy: v1 cpu.shares (2 to 262144, the kernel's default
	// 1024), on v2 converted to cpu.weight (1 to 10000) as runc and crun
	// do. 0 leaves the kernel's default.
	CPUShares uint64
	// CPUSet lists the CPUs the container may run on, in the list format
	// of cpuset(7) ("0-3,6"); MemSet the memory nodes it may allocate on
	// ("0"). Either needs the cpuset controller. Empty: those of the
	// parent cgroup.
	CPUSet, MemSet string
}

// MinMemory is the smallest memory limit accepted: 6 MiB, as Docker's.
// Below it even a shell is OOM-killed before it runs a command.
const MinMemory = 6 << 20

// Stats is what a cgroup has measured, read by Cgroup.Stats after the
// container's processes have ended and before Destroy. A counter that this
// kernel does not offer is 0.
type Stats struct {
	// Version is the cgroup version the counters come from: "v1" or "v2".
	Version string
	// MemoryPeak is the most memory used at once, in bytes (v1
	// memory.max_usage_in_bytes; v2 memory.peak, Linux 5.19).
	MemoryPeak int64
	// MemoryCurrent is the memory in use now, page cache and kernel memory
	// charged to the cgroup included (v1 memory.usage_in_bytes, v2
	// memory.current); 0 after the processes ended.
	MemoryCurrent int64
	// MemoryLimit is the memory limit in bytes; 0 means none.
	MemoryLimit int64
	// OOMKills counts the processes the OOM killer killed in the cgroup
	// (v1 memory.oom_control "oom_kill", v2 memory.events "oom_kill";
	// both Linux 4.13).
	OOMKills int64
	// PidsPeak is the most processes there were at once (pids.peak,
	// Linux 6.1).
	PidsPeak int64
	// PidsMax is the process limit; 0 means none.
	PidsMax int64
	// ForkFailures counts the forks refused because of PidsMax
	// (pids.events "max").
	ForkFailures int64
	// ThrottledPeriods counts the 100ms periods in which the CPU quota ran
	// out and the processes had to wait (cpu.stat nr_throttled).
	ThrottledPeriods int64
	// ThrottledTime is how long they waited in total (v1 cpu.stat
	// throttled_time, v2 throttled_usec).
	ThrottledTime time.Duration
}

// Cgroup is one container's control group: a directory in the v2 hierarchy,
// or one in each v1 hierarchy it uses. Make one with New; Destroy it
// when the container has ended, also on every error path.
type Cgroup interface {
	// SetMemory limits memory to bytes (v2 memory.max and memory.swap.max
	// 0; v1 memory.limit_in_bytes and, where swap is accounted,
	// memory.memsw.limit_in_bytes). 0 removes the limit.
	SetMemory(bytes int64) error
	// SetPids limits the number of processes (pids.max). 0 removes the
	// limit.
	SetPids(max int64) error
	// SetCPU limits CPU time to cpus CPUs per 100ms period (v2 cpu.max
	// "quota 100000"; v1 cpu.cfs_quota_us and cpu.cfs_period_us). 0
	// removes the limit.
	SetCPU(cpus float64) error
	// Add moves the process pid, with all its threads, into the cgroup
	// (cgroup.procs, in every hierarchy on v1). Its children from then on
	// are born inside. Add a container's process before it execs the
	// command, so nothing escapes the limits.
	Add(pid int) error
	// Stats reads the cgroup's counters.
	Stats() (Stats, error)
	// Destroy kills every process left in the cgroup and removes its
	// directories, and the unboxed parent directory once that is empty.
	// It is safe to call more than once.
	Destroy() error
	// Path is the cgroup's directory, for messages: the v2 directory, or
	// the one in the v1 memory hierarchy.
	Path() string
}

// StartsInside is a Cgroup that can start a process inside itself, which
// costs less than Add after the start. The cgroups New makes can; one of a
// lesson's need not, and the runtime then starts the process and calls Add.
type StartsInside interface {
	// StartInside starts cmd with its process born in the cgroup. On an
	// error cmd may have been used: start a fresh copy the usual way.
	StartInside(cmd *exec.Cmd) error
}

// PidsLimitDeferrer is a Cgroup whose pids limit the container's init may
// write itself, just before it runs the command: the init's Go runtime
// starts threads of its own, and a limit of 1 or 2 in force while it runs
// would kill it. A Cgroup without this method keeps the limit that New
// set from the start.
type PidsLimitDeferrer interface {
	// DeferPidsLimit lifts the pids limit ("max") for now and returns
	// pids.max open for writing, for the init to write the limit into.
	DeferPidsLimit() (*os.File, error)
}

var (
	// ErrControllerMissing means a limit needs a controller that this host
	// does not offer where the cgroup is made. The error that wraps it
	// names the controller and says how to enable it.
	ErrControllerMissing = errors.New("cgroup controller missing")
	// ErrNoCgroupAccess means this process may not create cgroups: it is
	// not root and has no delegated cgroup of its own. The error that
	// wraps it says how to get one.
	ErrNoCgroupAccess = errors.New("no permission to create cgroups")
)

// limitControllers are the controllers the runtime sets limits with, in
// the order it sets them.
var limitControllers = []string{"memory", "pids", "cpu"}

// Controllers lists the controllers a container's cgroup uses: memory,
// pids and cpu, in the order New sets their limits.
func Controllers() []string { return append([]string(nil), limitControllers...) }

// StaleAge is how old a cgroup that no runtime holds must be before
// CleanStale takes it for stale: a runtime holds its containers' cgroups
// from a moment after it makes them, and a lesson's cgroups stage may not
// hold them at all.
const StaleAge = 5 * time.Second

// cpuPeriod is the CFS bandwidth period the runtime uses, in microseconds:
// 100ms, the kernel's default (sched-bwc.rst).
const cpuPeriod = 100000

// minCPUQuota is the smallest quota the kernel accepts: 1ms.
const minCPUQuota = 1000

// cpuQuota turns a number of CPUs into a CFS quota in microseconds per
// cpuPeriod; 0 CPUs is quota 0, which the callers write as "no limit".
func cpuQuota(cpus float64) (int64, error) {
	switch {
	case math.IsNaN(cpus) || math.IsInf(cpus, 0) || cpus < 0:
		return 0, fmt.Errorf("cpu limit %v: want a positive number of CPUs, e.g. 0.5 (0 for no limit)", cpus)
	case cpus == 0:
		return 0, nil
	}
	quota := int64(math.Round(cpus * cpuPeriod))
	if quota < minCPUQuota {
		return 0, fmt.Errorf("cpu limit %v: below the kernel's smallest quota, 1ms per 100ms (want at least 0.01)", cpus)
	}
	return quota, nil
}
