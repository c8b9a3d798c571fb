package mine

// The cgroup stage on lesson 05's code: the runtime asks for a
// cgroups.Cgroup, and newCgroup makes one out of the learner's Create
// and Set* (or, where the controllers are v1, the bonus's CreateV1), in
// the place the library's own stage puts it. This is a copy, outside any
// test, of the plumbing in lessons/05/main_test.go, without the records
// that lesson's tests keep.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unboxed-go/unboxed/container/cgroups"
	lesson05 "github.com/unboxed-go/unboxed/lessons/05"
	"github.com/unboxed-go/unboxed/lessons/internal/yourstep"
	"golang.org/x/sys/unix"
)

// learnerCgroup is lesson 05's *Cgroup or the bonus's *CgroupV1.
type learnerCgroup interface {
	SetMemory(bytes int64) error
	SetPids(max int64) error
	SetCPU(cpus float64) error
	Add(pid int) error
	Destroy() error
}

// newCgroup makes the cgroup of id at <root>/unboxed/<id> with the
// learner's code, then sets the limits that are not zero.
func newCgroup(id string, limits cgroups.Limits) (_ cgroups.Cgroup, err error) {
	version, roots, err := cgroups.Roots()
	if err != nil {
		return nil, err
	}
	a := &cgroupAdapter{version: version, dirs: map[string]string{}}
	path := "unboxed/" + id
	if version == "v2" {
		a.dirs[""] = filepath.Join(roots[""], path)
		var cg *lesson05.Cgroup
		err = yourstep.Step("Create", func() (err error) { cg, err = lesson05.Create(roots[""], path); return err })
		if err == nil && (cg == nil || cg.Dir != a.dirs[""]) {
			err = fmt.Errorf("your Create(%q, %q) returned %+v, want Dir %q", roots[""], path, cg, a.dirs[""])
		}
		a.cg = cg
	} else {
		for c, root := range roots {
			a.dirs[c] = filepath.Join(root, path)
		}
		var cg *lesson05.CgroupV1
		err = yourstep.Step("CreateV1", func() (err error) { cg, err = lesson05.CreateV1(roots, path); return err })
		a.cg = cg
	}
	if err != nil {
		a.cg = nil
		return nil, errors.Join(err, a.Destroy())
	}
	for _, set := range []struct {
		name string
		zero bool
		f    func() error
	}{
		{"SetMemory", limits.Memory == 0, func() error { return a.cg.SetMemory(limits.Memory) }},
		{"SetPids", limits.Pids == 0, func() error { return a.cg.SetPids(limits.Pids) }},
		{"SetCPU", limits.CPUs == 0, func() error { return a.cg.SetCPU(limits.CPUs) }},
	} {
		if set.zero {
			continue
		}
		if err := yourstep.Step(set.name, set.f); err != nil {
			return nil, errors.Join(err, a.Destroy())
		}
	}
	return a, nil
}

// cgroupAdapter is the learner's cgroup as a cgroups.Cgroup.
type cgroupAdapter struct {
	cg      learnerCgroup // nil when Create failed
	version string
	dirs    map[string]string // by controller; "" on v2
	done    bool
}

func (a *cgroupAdapter) SetMemory(bytes int64) error { return a.cg.SetMemory(bytes) }
func (a *cgroupAdapter) SetPids(max int64) error     { return a.cg.SetPids(max) }
func (a *cgroupAdapter) SetCPU(cpus float64) error   { return a.cg.SetCPU(cpus) }

// Add runs the learner's Add and checks that the process is there: a nil
// error is not enough, the init must be in the cgroup before it runs.
func (a *cgroupAdapter) Add(pid int) error {
	if err := yourstep.Step("Add", func() error { return a.cg.Add(pid) }); err != nil {
		return err
	}
	for _, dir := range a.dirs {
		data, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		if !slices.Contains(strings.Fields(string(data)), strconv.Itoa(pid)) {
			return fmt.Errorf("your Add(%d) returned nil, but %s/cgroup.procs lists %q", pid, dir, strings.Fields(string(data)))
		}
	}
	return nil
}

// Path is the memory controller's directory (the only one, on v2).
func (a *cgroupAdapter) Path() string {
	if d, ok := a.dirs["memory"]; ok {
		return d
	}
	return a.dirs[""]
}

// Destroy runs the learner's Destroy and then removes whatever it left,
// so that the host stays clean either way; what was left is the error.
func (a *cgroupAdapter) Destroy() error {
	if a.done {
		return nil
	}
	a.done = true
	var err error
	if a.cg != nil {
		err = yourstep.Step("Destroy", a.cg.Destroy)
	}
	for _, dir := range a.dirs {
		if _, statErr := os.Stat(dir); statErr == nil && a.cg != nil && err == nil {
			err = fmt.Errorf("your Destroy returned nil, but %s is still there (removed it)", dir)
		}
		sweep(dir)
	}
	return err
}

// Stats reads the cgroup's counters from the files the library reads.
func (a *cgroupAdapter) Stats() (cgroups.Stats, error) { return cgroups.StatsAt(a.version, a.dirs) }

// sweep kills what is left in the cgroup dir, removes it, and removes its
// unboxed parent once no other container's cgroup is in it.
func sweep(dir string) {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		if err != nil || len(strings.Fields(string(data))) == 0 {
			break
		}
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil {
				_ = unix.Kill(pid, unix.SIGKILL)
			}
		}
	}
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		err := unix.Rmdir(dir)
		if err == nil || !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
			break
		}
	}
	_ = unix.Rmdir(filepath.Dir(dir)) // EBUSY (ENOTEMPTY) while another is there
}
