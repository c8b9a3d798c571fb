// Package cgroups is lesson 05: cgroups, limits. A namespace changes what a
// container sees; a control group changes what it may use. You write the
// files that put a ceiling on a container's memory, processes and CPU time,
// for both versions of the cgroup filesystem, and the clean-up that
// removes the cgroup when the container is gone.
//
// Read the notes first: go run ./lessons notes 5
package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

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
	if exists(filepath.Join(root, "cgroup.controllers")) {
		return "v2"
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	v1, v2 := false, false
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		switch {
		case exists(filepath.Join(dir, "cgroup.controllers")):
			v2 = true
		case exists(filepath.Join(dir, "cgroup.procs")):
			v1 = true
		}
	}
	switch {
	case v1 && v2:
		return "hybrid"
	case v1:
		return "v1"
	}
	return ""
}

// controllers are what a container's cgroup uses, as v2 enables them.
const controllers = "+memory +pids +cpu"

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
	clean := filepath.Clean(path)
	if path == "" || filepath.IsAbs(path) || clean == "." || strings.HasPrefix(clean, "..") {
		return nil, fmt.Errorf("create cgroup %q: want a relative path such as unboxed/box-1", path)
	}
	cg := &Cgroup{Version: version, Dirs: map[string]string{}}
	switch version {
	case "v2":
		root, ok := roots[""]
		if !ok {
			return nil, errors.New(`create cgroup: v2 needs roots[""], the top of the hierarchy`)
		}
		parts := strings.Split(clean, string(filepath.Separator))
		dir := root
		for i, part := range parts {
			// A controller reaches a cgroup only when its parent hands it
			// down, so enable them in each parent before going deeper.
			if err := writeFile(dir, "cgroup.subtree_control", controllers); err != nil {
				return nil, fmt.Errorf("create cgroup: %w", err)
			}
			dir = filepath.Join(dir, part)
			last := i == len(parts)-1
			if err := os.Mkdir(dir, 0o755); err != nil && (last || !errors.Is(err, fs.ErrExist)) {
				return nil, fmt.Errorf("create cgroup: %w", err)
			}
		}
		cg.Dirs[""] = dir
	case "v1":
		if len(roots) == 0 {
			return nil, errors.New("create cgroup: v1 needs at least one hierarchy in roots")
		}
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
	default:
		return nil, fmt.Errorf("create cgroup: version %q: want v1 or v2", version)
	}
	return cg, nil
}

// SetMemory limits the memory of the cgroup's processes to bytes (more
// than 0), swap included:
//   - v2: memory.max, and "0" to memory.swap.max where that file exists;
//   - v1: memory.limit_in_bytes, and the same value to
//     memory.memsw.limit_in_bytes (memory plus swap) where that file
//     exists.
func (c *Cgroup) SetMemory(bytes int64) error {
	if bytes <= 0 {
		return fmt.Errorf("memory limit %d: want more than 0 bytes", bytes)
	}
	dir, err := c.dir("memory")
	if err != nil {
		return err
	}
	value := strconv.FormatInt(bytes, 10)
	limit, swap, swapValue := "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", value
	if c.Version == "v2" {
		limit, swap, swapValue = "memory.max", "memory.swap.max", "0"
	}
	if err := writeFile(dir, limit, value); err != nil {
		return err
	}
	if !exists(filepath.Join(dir, swap)) {
		return nil // no swap accounting in this kernel: no swap to limit
	}
	return writeFile(dir, swap, swapValue)
}

// SetPids limits the number of processes and threads in the cgroup to
// max (more than 0): pids.max, on both versions.
func (c *Cgroup) SetPids(max int64) error {
	if max <= 0 {
		return fmt.Errorf("pids limit %d: want more than 0", max)
	}
	dir, err := c.dir("pids")
	if err != nil {
		return err
	}
	return writeFile(dir, "pids.max", strconv.FormatInt(max, 10))
}

// period is the CFS bandwidth period, in microseconds: 100ms.
const period = 100000

// SetCPU limits the cgroup's CPU time to cpus CPUs (0.5 is half of one),
// as a quota of microseconds per 100ms period, at least 1ms:
//   - v2: cpu.max gets "QUOTA 100000";
//   - v1: cpu.cfs_period_us gets "100000", then cpu.cfs_quota_us "QUOTA".
func (c *Cgroup) SetCPU(cpus float64) error {
	quota := int64(math.Round(cpus * period))
	if math.IsNaN(cpus) || quota < 1000 {
		return fmt.Errorf("cpu limit %v: want at least 0.01 CPUs", cpus)
	}
	dir, err := c.dir("cpu")
	if err != nil {
		return err
	}
	if c.Version == "v2" {
		return writeFile(dir, "cpu.max", fmt.Sprintf("%d %d", quota, period))
	}
	if err := writeFile(dir, "cpu.cfs_period_us", strconv.Itoa(period)); err != nil {
		return err
	}
	return writeFile(dir, "cpu.cfs_quota_us", strconv.FormatInt(quota, 10))
}

// Add moves the process pid into the cgroup: it writes pid to
// cgroup.procs in each of the cgroup's directories.
func (c *Cgroup) Add(pid int) error {
	for _, dir := range c.dirs() {
		if err := writeFile(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("add process %d to cgroup: %w", pid, err)
		}
	}
	return nil
}

// Destroy kills every process left in the cgroup and removes its
// directories (not their parents). To kill, it writes "1" to cgroup.kill
// where that file exists (v2, Linux 5.14), and otherwise sends SIGKILL to
// each process in cgroup.procs, again until the list is empty. rmdir(2)
// fails with EBUSY for a moment after the last process died, so Destroy
// retries for about a second. A directory that is gone already is fine,
// so Destroy may be called twice.
func (c *Cgroup) Destroy() error {
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

// dir is the directory that holds the files of controller name.
func (c *Cgroup) dir(name string) (string, error) {
	key := name
	if c.Version == "v2" {
		key = ""
	}
	dir, ok := c.Dirs[key]
	if !ok {
		return "", fmt.Errorf("cgroup has no %s controller (is its hierarchy mounted? see go run ./lessons doctor)", name)
	}
	return dir, nil
}

// dirs lists the cgroup's directories once each: two controllers mounted
// together share one.
func (c *Cgroup) dirs() []string {
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

// kill kills what is in the cgroup at dir and waits until it is empty.
func kill(dir string) error {
	pids, err := procs(dir)
	if err != nil || len(pids) == 0 {
		return err
	}
	if exists(filepath.Join(dir, "cgroup.kill")) {
		if err := writeFile(dir, "cgroup.kill", "1"); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(pids) > 0 {
		for _, pid := range pids {
			_ = unix.Kill(pid, unix.SIGKILL) // ESRCH: dead already
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kill the processes of cgroup %s: %v are still there", dir, pids)
		}
		time.Sleep(5 * time.Millisecond)
		if pids, err = procs(dir); err != nil {
			return err
		}
	}
	return nil
}

// rmdir removes the cgroup at dir, retrying while the kernel says EBUSY.
func rmdir(dir string) error {
	deadline := time.Now().Add(time.Second)
	for {
		err := unix.Rmdir(dir)
		switch {
		case err == nil || errors.Is(err, unix.ENOENT):
			return nil
		case !errors.Is(err, unix.EBUSY) || time.Now().After(deadline):
			return fmt.Errorf("remove cgroup: %w", &os.PathError{Op: "rmdir", Path: dir, Err: err})
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// procs lists the processes in cgroup.procs of dir; none when dir is gone.
func procs(dir string) ([]int, error) {
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// writeFile writes value to the cgroup file dir/file in a single write(2).
// It never creates the file: the kernel made it with the cgroup. The error
// names the file and the value.
func writeFile(dir, file, value string) error {
	path := filepath.Join(dir, file)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err == nil {
		_, err = f.WriteString(value)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("write %q to %s: %w", value, path, err)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
