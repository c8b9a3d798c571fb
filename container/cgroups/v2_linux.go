package cgroups

// cgroup v2 (Linux 4.5): one hierarchy. A controller works in a cgroup only
// when every ancestor enables it for its children in cgroup.subtree_control,
// and a cgroup that does so may hold no processes itself (the "no internal
// processes" rule), so processes live in leaves only. See
// Documentation/admin-guide/cgroup-v2.rst and cgroups(7).

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// delegatedLeaf is the child cgroup that the processes of a delegated
// cgroup move to, so that the delegated cgroup may enable controllers for
// the containers' cgroups next to it. It stays: it holds the caller.
const delegatedLeaf = "leaf"

// cgroupV2 is a container's cgroup on a v2 host.
type cgroupV2 struct {
	cgroupDirs
	dir string
}

func newCgroupV2(l Layout, own map[string]string, id string, limits Limits) (*cgroupV2, error) {
	top, enable, err := v2Top(l, own, limits)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(top, cgroupParent)
	cg := &cgroupV2{}
	// The parent holds no processes, so it may hand controllers down.
	dir, err := makeCgroupDir(base, id, func(base string) error {
		return enableControllers(base, enable, false)
	})
	if err != nil {
		removeEmptyParent(base)
		return nil, err
	}
	cg.dir = dir
	cg.made(dir, base)
	return cg, nil
}

// v2Top finds the cgroup under which the unboxed parent goes (v2Parent),
// asking the user's systemd manager for a delegated one when this process
// has none (rootless on a systemd host), and enables there those of the
// memory, pids and cpu controllers that it offers. It returns the
// controllers enabled; a controller that limits need and the host does not
// offer is an error that wraps ErrControllerMissing.
func v2Top(l Layout, own map[string]string, limits Limits) (top string, enable []string, err error) {
	top, delegated, err := v2Parent(l, own)
	if errors.Is(err, ErrNoCgroupAccess) && unix.Geteuid() != 0 && l.Version == "v2" {
		scope, serr := moveToDelegatedScope()
		if serr != nil {
			return "", nil, fmt.Errorf("%w; %v", err, serr)
		}
		own[""] = scope
		top, delegated, err = v2Parent(l, own)
	}
	if err != nil {
		return "", nil, err
	}
	s, err := readCgroupFile(top, "cgroup.controllers")
	if err != nil {
		return "", nil, fmt.Errorf("create cgroup: %w", err)
	}
	available := strings.Fields(s)
	for _, c := range limitControllers {
		switch {
		case contains(available, c):
			enable = append(enable, c)
		case limits.needs(c) && delegated:
			return "", nil, missingController(c, filepath.Join(top, "cgroup.controllers"),
				"systemd did not delegate it: sudo systemctl edit user@.service, add [Service] Delegate=cpu cpuset io memory pids")
		case limits.needs(c):
			return "", nil, missingController(c, filepath.Join(top, "cgroup.controllers"),
				fmt.Sprintf("is it bound to a v1 hierarchy, or disabled at boot? see grep %s /proc/cgroups /proc/cmdline, and boot without cgroup_disable=%s", c, c))
		}
	}
	if err := enableControllers(top, enable, delegated); err != nil {
		return "", nil, err
	}
	return top, enable, nil
}

// v2Parent picks the cgroup under which the unboxed parent goes: the top
// of the hierarchy when this process may write there (root), else its own
// cgroup when that was delegated to it, else none.
func v2Parent(l Layout, own map[string]string) (top string, delegated bool, err error) {
	if unix.Access(l.V2, unix.W_OK) == nil {
		return l.V2, false, nil
	}
	if path, ok := own[""]; ok {
		dir := delegatedTop(hierarchyDir(l.V2, l.v2Root, path), mayDelegate)
		if mayDelegate(dir) {
			return dir, true, nil
		}
		return "", false, fmt.Errorf("%w: neither %s nor this process's own cgroup %s is writable: limits need root (sudo), or a delegated cgroup: systemd-run --user --scope -p Delegate=yes -- <command>",
			ErrNoCgroupAccess, l.V2, dir)
	}
	return "", false, fmt.Errorf("%w: %s is not writable: limits need root (sudo), or a delegated cgroup: systemd-run --user --scope -p Delegate=yes -- <command>",
		ErrNoCgroupAccess, l.V2)
}

// mayDelegate says whether this process may make child cgroups in dir and
// hand controllers down to them.
func mayDelegate(dir string) bool {
	return unix.Access(dir, unix.W_OK) == nil && unix.Access(filepath.Join(dir, "cgroup.subtree_control"), unix.W_OK) == nil
}

// delegatedTop is the delegated cgroup that own (this process's cgroup)
// belongs to: own itself, or its parent when own is the leaf that an
// earlier run moved the delegated cgroup's processes into (moveToLeaf),
// so that every container of a session lands beside the others under
// the same unboxed/ parent instead of one leaf deeper each time.
func delegatedTop(own string, may func(dir string) bool) string {
	if filepath.Base(own) == delegatedLeaf && may(filepath.Dir(own)) {
		return filepath.Dir(own)
	}
	return own
}

// enableControllers writes "+memory +pids +cpu" (those of them that are
// not on yet) to dir/cgroup.subtree_control. The kernel refuses with EBUSY
// while dir holds processes; in a delegated cgroup they move to a leaf
// first.
func enableControllers(dir string, controllers []string, delegated bool) error {
	s, err := readCgroupFile(dir, "cgroup.subtree_control")
	if err != nil {
		return fmt.Errorf("enable cgroup controllers: %w", err)
	}
	on := strings.Fields(s)
	var add []string
	for _, c := range controllers {
		if !contains(on, c) {
			add = append(add, "+"+c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	value := strings.Join(add, " ")
	err = writeCgroupFile(dir, "cgroup.subtree_control", value)
	if errors.Is(err, unix.EBUSY) && delegated {
		if err := moveToLeaf(dir); err != nil {
			return err
		}
		err = writeCgroupFile(dir, "cgroup.subtree_control", value)
	}
	if errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("%w (cgroup %s holds processes, and a cgroup with processes cannot enable controllers for its children: cgroup-v2.rst, \"No Internal Process Constraint\")", err, dir)
	}
	return err
}

// moveToLeaf moves every process of the cgroup dir into its child leaf.
func moveToLeaf(dir string) error {
	leaf := filepath.Join(dir, delegatedLeaf)
	if err := cgroupMkdir(leaf); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("make room for controllers in %s: %w", dir, err)
	}
	pids, err := cgroupProcs(dir)
	if err != nil {
		return err
	}
	for _, pid := range pids {
		err := writeCgroupFile(leaf, "cgroup.procs", strconv.Itoa(pid))
		if err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("make room for controllers in %s: %w", dir, err)
		}
	}
	return nil
}

// controllerFile checks that the controller behind file is on in this
// cgroup: its files exist only then.
func (cg *cgroupV2) controllerFile(file string) error {
	if hasCgroupFile(cg.dir, file) {
		return nil
	}
	c, _, _ := strings.Cut(file, ".")
	return missingController(c, cg.dir, "the host offered no such controller when the cgroup was made")
}

// SetMemory writes memory.max, and memory.swap.max 0 (Linux 4.5, with
// swap accounting) so that no swap comes on top; 0 writes "max" to both.
func (cg *cgroupV2) SetMemory(bytes int64) error {
	if err := checkMemory(bytes); err != nil {
		return err
	}
	if err := cg.controllerFile("memory.max"); err != nil {
		return err
	}
	value, swap := strconv.FormatInt(bytes, 10), "0"
	if bytes == 0 {
		value, swap = "max", "max"
	}
	if err := writeCgroupFile(cg.dir, "memory.max", value); err != nil {
		return err
	}
	if !hasCgroupFile(cg.dir, "memory.swap.max") {
		return nil // no swap accounting: no swap to limit
	}
	return writeCgroupFile(cg.dir, "memory.swap.max", swap)
}

// SetPids writes pids.max (Linux 4.5); 0 writes "max".
func (cg *cgroupV2) SetPids(max int64) error {
	if err := checkPids(max); err != nil {
		return err
	}
	if err := cg.controllerFile("pids.max"); err != nil {
		return err
	}
	return writeCgroupFile(cg.dir, "pids.max", pidsValue(max))
}

// SetCPU writes cpu.max, "quota period" in microseconds (Linux 4.15);
// 0 writes "max 100000".
func (cg *cgroupV2) SetCPU(cpus float64) error {
	quota, err := cpuQuota(cpus)
	if err != nil {
		return err
	}
	if err := cg.controllerFile("cpu.max"); err != nil {
		return err
	}
	value := fmt.Sprintf("%d %d", quota, cpuPeriod)
	if quota == 0 {
		value = fmt.Sprintf("max %d", cpuPeriod)
	}
	return writeCgroupFile(cg.dir, "cpu.max", value)
}

// Add writes pid to cgroup.procs.
func (cg *cgroupV2) Add(pid int) error {
	if cg.destroyed() {
		return fmt.Errorf("add process %d to cgroup %s: it was destroyed", pid, cg.dir)
	}
	if err := writeCgroupFile(cg.dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("add process %d to cgroup: %w", pid, err)
	}
	return nil
}

// Stats reads memory.peak (Linux 5.19), memory.max, memory.events
// (oom_kill: Linux 4.13), pids.peak (Linux 6.1), pids.max, pids.events
// and cpu.stat.
func (cg *cgroupV2) Stats() (Stats, error) {
	s := Stats{Version: "v2"}
	if cg.destroyed() {
		return s, fmt.Errorf("cgroup stats %s: the cgroup was destroyed", cg.dir)
	}
	return StatsAt("v2", map[string]string{"": cg.dir})
}

// Destroy kills what is left (cgroup.kill, Linux 5.14, else SIGKILL to
// each process) and removes the directory.
func (cg *cgroupV2) Destroy() error { return cg.destroy() }

// Path is the cgroup's directory.
func (cg *cgroupV2) Path() string { return cg.dir }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
