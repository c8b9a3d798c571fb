package cgroups

// Real-kernel tests of Placement: a cgroup at a path the caller picks,
// made by one process and removed by another.

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childPlace makes the placed cgroup it reads from stdin, joins it,
// prints "made" and sleeps: a runtime that a test then kills.
const childPlace = "container-test-cgroup-place"

func init() {
	children[childPlace] = func() {
		var p Placement
		if err := json.NewDecoder(os.Stdin).Decode(&p); err != nil {
			panic(err)
		}
		cg, err := p.Create(Limits{Pids: 64})
		if err != nil {
			panic(err)
		}
		if err := cg.Add(os.Getpid()); err != nil {
			panic(err)
		}
		os.Stdout.WriteString("made\n")
		time.Sleep(time.Minute)
	}
}

// place places a cgroup for a test, skipping where it cannot be made,
// and removes it at cleanup, checking that every directory it made went.
func place(t *testing.T, path string, limits Limits) Placement {
	t.Helper()
	needRoot(t)
	p, err := Place(path, limits)
	if errors.Is(err, ErrControllerMissing) || errors.Is(err, ErrNoCgroupAccess) {
		t.Skipf("cannot place cgroups here: %v", err)
	}
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, p.Remove(), "Remove")
		for _, d := range p.Made {
			assert.NoDirExists(t, d, "Remove removes every directory that was made")
		}
	})
	return p
}

func TestPlacementRelativeSetsEveryCPULimit(t *testing.T) {
	limits := Limits{Pids: 50, CPUs: 0.5, CPUPeriod: 200000, CPUShares: 512, CPUSet: "0", MemSet: "0"}
	rel := testIDPrefix() + "placed/a/b"
	p := place(t, rel, limits)
	for c, d := range p.Dirs {
		assert.True(t, strings.HasSuffix(d, "/"+rel), "%s: a relative path is under this process's own cgroup, got %s", c, d)
	}
	assert.GreaterOrEqual(t, len(p.Made), 3, "the parents placed/ and a/ are made too: %v", p.Made)
	cg, err := p.Create(limits)
	require.NoError(t, err)
	if p.Version == "v1" {
		cpu, cpuset := p.Dirs["cpu"], p.Dirs["cpuset"]
		assert.Equal(t, "200000", readFile(t, cpu, "cpu.cfs_period_us"), "cpu.cfs_period_us")
		assert.Equal(t, "100000", readFile(t, cpu, "cpu.cfs_quota_us"), "0.5 CPUs per 200ms")
		assert.Equal(t, "512", readFile(t, cpu, "cpu.shares"), "cpu.shares")
		assert.Equal(t, "0", readFile(t, cpuset, "cpuset.cpus"), "cpuset.cpus")
		assert.Equal(t, "0", readFile(t, cpuset, "cpuset.mems"), "cpuset.mems")
		assert.Equal(t, "50", readFile(t, p.Dirs["pids"], "pids.max"), "pids.max")
	} else {
		assert.Equal(t, "100000 200000", readFile(t, cg.Path(), "cpu.max"), "cpu.max")
		assert.Equal(t, "50", readFile(t, cg.Path(), "pids.max"), "pids.max")
	}
	// A process in it may run on CPU 0 only: the kernel enforces the cpuset.
	var out strings.Builder
	cmd := exec.Command("/bin/sh", "-c", "read x; grep Cpus_allowed_list /proc/self/status")
	cmd.Stdout = &out
	startJoined(t, cg, cmd)
	require.NoError(t, cmd.Wait())
	assert.Regexp(t, `Cpus_allowed_list:\s+0\n`, out.String(), "the process runs where cpuset.cpus says")
}

// A placed cgroup outlives the process that made it, killed with SIGKILL
// while it was inside, and any other process removes it, and exactly what
// was made, from the record alone: the OCI runtime's delete after a
// create that was killed.
func TestPlacementOutlivesItsMakerAndIsRemovedFromTheRecord(t *testing.T) {
	path := "/" + testIDPrefix() + "outlives/box"
	p := place(t, path, Limits{Pids: 64})
	record, err := json.Marshal(p)
	require.NoError(t, err)
	maker := child(childPlace)
	maker.Stdin = strings.NewReader(string(record))
	stdout, err := maker.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, maker.Start())
	line := make([]byte, 5)
	_, err = stdout.Read(line)
	require.NoError(t, err)
	require.Equal(t, "made\n", string(line))
	require.NoError(t, maker.Process.Signal(syscall.SIGKILL))
	_ = maker.Wait()
	for _, d := range p.leaves() {
		assert.DirExists(t, d, "the cgroup outlives the process that made it")
	}
	var again Placement
	require.NoError(t, json.Unmarshal(record, &again))
	require.NoError(t, again.Remove(), "another process removes it from the record")
	for _, d := range p.Made {
		assert.NoDirExists(t, d, "Remove takes every directory that was made")
	}
	for _, d := range p.leaves() {
		assert.DirExists(t, filepath.Dir(filepath.Dir(d)), "and nothing above them")
	}
	require.NoError(t, again.Remove(), "Remove is safe to call again")
}

// Place refuses what it never takes, before it makes anything.
func TestPlacementRefuses(t *testing.T) {
	for _, bad := range []string{"", "/", "../escape", "/a/../../b", "a\nb"} {
		_, err := Place(bad, Limits{})
		assert.Error(t, err, "cgroup path %q", bad)
	}
	path := "/" + testIDPrefix() + "taken"
	p := place(t, path, Limits{})
	_, err := p.Create(Limits{})
	require.NoError(t, err)
	_, err = Place(path, Limits{})
	require.Error(t, err, "a cgroup that exists is refused: it is not ours to change")
	assert.Contains(t, err.Error(), "exists already")
	_, err = Place(path+"/child", Limits{CPUs: -1})
	require.Error(t, err, "bad limits are refused before anything is made")
	assert.NoDirExists(t, filepath.Join(p.leaves()[0], "child"))
}
