// Package cgroups is lesson 05: cgroups, limits. A namespace changes what a
// container sees; a control group changes what it may use. You write the
// cgroup v2 code that puts a ceiling on a container's memory, processes
// and CPU time, and the clean-up that removes the cgroup when the
// container is gone. cgroup v1 is an optional bonus, in v1.go.
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

// Create makes the cgroup at path (relative, e.g. "unboxed/box-1") below
// root, the top of a v2 hierarchy, and returns it. The new cgroup must
// have the memory, pids and cpu controllers, and a controller reaches a
// cgroup only if every ancestor from root down hands it on ("+memory
// +pids +cpu" in its cgroup.subtree_control, written in one go).
// Intermediate directories may exist already; they must never hold
// processes. The last directory of path must not exist yet. The error
// names what failed.
func Create(root, path string) (*Cgroup, error) {
	clean, err := relative(path)
	if err != nil {
		return nil, err
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
	return &Cgroup{Dir: dir}, nil
}

// relative cleans path, which must be relative and stay below its root.
func relative(path string) (string, error) {
	clean := filepath.Clean(path)
	if path == "" || filepath.IsAbs(path) || clean == "." || strings.HasPrefix(clean, "..") {
		return "", fmt.Errorf("create cgroup %q: want a relative path such as unboxed/box-1", path)
	}
	return clean, nil
}

// SetMemory limits the memory of the cgroup's processes to bytes (more
// than 0) in memory.max, with no swap on top: "0" in memory.swap.max
// where the kernel made that file (it does only when it accounts swap).
func (c *Cgroup) SetMemory(bytes int64) error {
	if bytes <= 0 {
		return fmt.Errorf("memory limit %d: want more than 0 bytes", bytes)
	}
	if err := writeFile(c.Dir, "memory.max", strconv.FormatInt(bytes, 10)); err != nil {
		return err
	}
	if !exists(filepath.Join(c.Dir, "memory.swap.max")) {
		return nil // no swap accounting in this kernel: no swap to limit
	}
	return writeFile(c.Dir, "memory.swap.max", "0")
}

// SetPids limits the number of processes and threads in the cgroup to
// max (more than 0), in pids.max.
func (c *Cgroup) SetPids(max int64) error {
	if max <= 0 {
		return fmt.Errorf("pids limit %d: want more than 0", max)
	}
	return writeFile(c.Dir, "pids.max", strconv.FormatInt(max, 10))
}

// period is the CFS bandwidth period, in microseconds: 100ms.
const period = 100000

// SetCPU limits the cgroup's CPU time to cpus CPUs (0.5 is half of one),
// as a quota of microseconds per 100ms period, at least 1ms: cpu.max
// gets "QUOTA 100000".
func (c *Cgroup) SetCPU(cpus float64) error {
	q, err := quota(cpus)
	if err != nil {
		return err
	}
	return writeFile(c.Dir, "cpu.max", fmt.Sprintf("%d %d", q, period))
}

// quota is cpus CPUs as microseconds per period.
func quota(cpus float64) (int64, error) {
	q := int64(math.Round(cpus * period))
	if math.IsNaN(cpus) || q < 1000 {
		return 0, fmt.Errorf("cpu limit %v: want at least 0.01 CPUs", cpus)
	}
	return q, nil
}

// Add moves the process pid into the cgroup (its cgroup.procs).
func (c *Cgroup) Add(pid int) error {
	if err := writeFile(c.Dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("add process %d to cgroup: %w", pid, err)
	}
	return nil
}

// Destroy kills every process left in the cgroup and removes its
// directory (not its parents). Processes may fork while they are being
// killed; cgroup.kill (Linux 5.14) kills them all at once where it
// exists. rmdir(2) fails with EBUSY for a moment after the last process
// died, so Destroy retries for about a second. A directory that is gone
// already is fine, so Destroy may be called twice.
func (c *Cgroup) Destroy() error {
	if err := kill(c.Dir); err != nil {
		return errors.Join(err, rmdir(c.Dir))
	}
	return rmdir(c.Dir)
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
