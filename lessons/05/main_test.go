//go:build linux

package cgroups_test

// The plumbing between your Cgroup and the runtime: the runtime asks its
// cgroups stage for a cgroupslib.Cgroup, and learnerNewCgroup makes one out
// of your Create and Set* functions, in the same place the library's own
// stage would make it: your v2 Cgroup where the host's controllers are
// v2, the bonus's CgroupV1 where they are v1. Everything here is test
// code; your part is lessons/05/cgroups.go (and v1.go, the bonus).

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	cgroupslib "github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	lessontest.Main(m, 5, container.Stages{NewCgroup: learnerNewCgroup}, lessontest.DelegatedCgroup)
}

// parentName is the directory that holds one cgroup per container, as the
// library names it.
const parentName = "unboxed"

// cgroupRoots is where this process's containers' cgroups go, as the
// library's NewCgroup puts them (cgroups.Roots): on v2 the top of the
// hierarchy as root, or the cgroup systemd delegated to this user when
// rootless; on v1 (and hybrid) this process's own cgroup in each of the
// memory, pids and cpu hierarchies, so that containers stay inside the
// limits of whoever runs the tests. It returns the version to pass to
// Create.
func cgroupRoots() (version string, roots map[string]string, err error) {
	return cgroupslib.Roots()
}

// The cgroups the runtime made through learnerNewCgroup, and what your
// Destroy left behind, for the tests to check.
var made struct {
	sync.Mutex
	dirs     []string // every cgroup directory made
	problems []string // what a Destroy did wrong
}

func recordDirs(dirs map[string]string) {
	made.Lock()
	defer made.Unlock()
	for _, d := range dirs {
		made.dirs = append(made.dirs, d)
	}
}

func recordProblem(format string, args ...any) {
	made.Lock()
	defer made.Unlock()
	made.problems = append(made.problems, fmt.Sprintf(format, args...))
}

// madeDirs lists the cgroup directories made so far.
func madeDirs() []string {
	made.Lock()
	defer made.Unlock()
	return append([]string(nil), made.dirs...)
}

// destroyProblems returns, and forgets, what the Destroys so far did wrong.
func destroyProblems() string {
	made.Lock()
	defer made.Unlock()
	s := strings.Join(made.problems, "; ")
	made.problems = nil
	return s
}

// learnerNewCgroup is the cgroups stage built on your code: Create (or,
// where the controllers are v1, the bonus's CreateV1) at
// <root>/unboxed/<id>, then SetMemory, SetPids and SetCPU for the limits
// that are not zero.
func learnerNewCgroup(id string, limits cgroupslib.Limits) (_ cgroupslib.Cgroup, err error) {
	version, roots, err := cgroupRoots()
	if err != nil {
		return nil, err
	}
	cg, want, err := create(version, roots, id)
	if err != nil {
		sweep(want)
		return nil, err
	}
	a := &adapter{cg: cg, version: version, want: want}
	set := func(what string, f func() error) error {
		if _, err := guard(func() (struct{}, error) { return struct{}{}, f() }); err != nil {
			return errors.Join(fmt.Errorf("your %s: %w", what, err), a.Destroy())
		}
		return nil
	}
	if limits.Memory != 0 {
		if err := set("SetMemory", func() error { return cg.SetMemory(limits.Memory) }); err != nil {
			return nil, err
		}
	}
	if limits.Pids != 0 {
		if err := set("SetPids", func() error { return cg.SetPids(limits.Pids) }); err != nil {
			return nil, err
		}
	}
	if limits.CPUs != 0 {
		if err := set("SetCPU", func() error { return cg.SetCPU(limits.CPUs) }); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// guard runs f, your code, and turns a panic (a TODO stub) into an error,
// so that the runtime cleans up as for any other error.
func guard[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("your code panicked: %v", p)
		}
	}()
	return f()
}

// adapter is your cgroup as the runtime's cgroupslib.Cgroup.
type adapter struct {
	cg      learnerCgroup
	version string
	want    map[string]string
	done    bool
}

func (a *adapter) SetMemory(bytes int64) error { return a.cg.SetMemory(bytes) }
func (a *adapter) SetPids(max int64) error     { return a.cg.SetPids(max) }
func (a *adapter) SetCPU(cpus float64) error   { return a.cg.SetCPU(cpus) }

func (a *adapter) Add(pid int) error {
	_, err := guard(func() (struct{}, error) { return struct{}{}, a.cg.Add(pid) })
	if err != nil {
		return fmt.Errorf("your Add: %w", err)
	}
	// A nil error is not enough: the container's init must be in the
	// cgroup before it runs, or no limit applies to it.
	for _, dir := range a.want {
		data, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		if !slices.Contains(strings.Fields(string(data)), strconv.Itoa(pid)) {
			return fmt.Errorf("your Add(%d) returned nil, but %s/cgroup.procs lists %q", pid, dir, strings.Fields(string(data)))
		}
	}
	return nil
}

func (a *adapter) Path() string {
	if d, ok := a.want["memory"]; ok {
		return d
	}
	for _, d := range a.want {
		return d
	}
	return ""
}

// Destroy runs your Destroy, notes what it left behind, and then removes
// whatever is still there, so that the host stays clean either way.
func (a *adapter) Destroy() error {
	if a.done {
		return nil
	}
	a.done = true
	_, err := guard(func() (struct{}, error) { return struct{}{}, a.cg.Destroy() })
	if err != nil {
		recordProblem("your Destroy returned an error: %v", err)
	}
	for _, dir := range a.want {
		if _, statErr := os.Stat(dir); statErr == nil {
			recordProblem("%s is still there after your Destroy", dir)
		}
	}
	sweep(a.want)
	return err
}

// Stats reads the cgroup's counters (the same files the library reads).
func (a *adapter) Stats() (cgroupslib.Stats, error) { return cgroupslib.StatsAt(a.version, a.want) }

// sweep removes the cgroup directories in dirs that are still there
// (killing what is in them), and their unboxed parents once empty. It is
// the tests' safety net, not the lesson's answer: it runs after your
// Destroy, and at the end of every test that makes cgroups.
func sweep(dirs map[string]string) {
	for _, dir := range dirs {
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
			if err == nil || errors.Is(err, unix.ENOENT) || !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
				break
			}
		}
		removeEmptyParent(filepath.Dir(dir))
	}
}

// removeEmptyParent removes the unboxed parent when no container's cgroup
// is left in it; while another one is, the kernel refuses (EBUSY).
func removeEmptyParent(parent string) {
	if filepath.Base(parent) != parentName || hasSubdirs(parent) {
		return
	}
	_ = unix.Rmdir(parent)
}

func hasSubdirs(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			return true
		}
	}
	return false
}

// needCgroups skips the test, with the reason, when this process cannot
// make cgroups of the version named with the controllers named: "v2" for
// your Cgroup, "v1" for the bonus's CgroupV1. It sweeps every cgroup made
// through learnerNewCgroup when the test ends, whatever happened.
func needCgroups(l *lessontest.T, want string, controllers ...string) {
	l.Helper()
	l.NeedPrivileges()
	version, roots, err := cgroupRoots()
	if err != nil {
		l.Skipf("cannot make cgroups here: %v", err)
	}
	switch {
	case version == "v1" && want == "v2":
		l.NotOnThisHost("the memory, pids and cpu controllers are cgroup v1 here (hybrid or v1), where your v2 Cgroup cannot limit anything; TestBonusV1Limits runs this check on the bonus's CgroupV1, and on a v2 machine such as the workshop's VM it runs on your Cgroup")
	case version == "v2" && want == "v1":
		l.NotOnThisHost("the controllers are cgroup v2 here; TestBonusV1Files checks your CgroupV1 on a fake v1 tree, and on a host whose controllers are v1 this runs on the real kernel")
	}
	if lessontest.Privileges() != "root" && version != "v2" {
		l.Skip("cgroup v1 has no safe delegation, so its limits need real root: go test -exec sudo ./lessons/05")
	}
	for _, c := range controllers {
		if version == "v1" && roots[c] == "" {
			l.Skipf("the %s controller is not mounted here: mount it (sudo mkdir -p /sys/fs/cgroup/%s && sudo mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s), see go run ./lessons doctor", c, c, c, c)
		}
		if version == "v2" {
			data, _ := os.ReadFile(filepath.Join(roots[""], "cgroup.controllers"))
			if !slices.Contains(strings.Fields(string(data)), c) {
				l.Skipf("the %s controller is not available in %s/cgroup.controllers (bound to v1, or disabled at boot?), see go run ./lessons doctor", c, roots[""])
			}
		}
	}
	l.Cleanup(func() {
		dirs := map[string]string{}
		for i, d := range madeDirs() {
			dirs[strconv.Itoa(i)] = d
		}
		sweep(dirs)
	})
}

// unboxedCgroups lists the unboxed parent directories this process's
// containers use, and the cgroups in them.
func unboxedCgroups() []string {
	_, roots, err := cgroupRoots()
	if err != nil {
		return nil
	}
	var list []string
	seen := map[string]bool{}
	for _, root := range roots {
		parent := filepath.Join(root, parentName)
		if seen[parent] {
			continue
		}
		seen[parent] = true
		entries, err := os.ReadDir(parent)
		if err != nil {
			continue
		}
		list = append(list, parent)
		for _, e := range entries {
			if e.IsDir() {
				list = append(list, filepath.Join(parent, e.Name()))
			}
		}
	}
	sort.Strings(list)
	return list
}
