package cgroups

// Real-kernel tests of the cgroups stage: limits that the kernel enforces,
// observed from outside. Every cgroup a test makes is destroyed by
// t.Cleanup, also when the test fails.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Children that the limit tests run in a cgroup. Each waits for a line on
// stdin first, so that the test can Add it before it does anything.
const (
	childHog  = "container-test-cgroup-hog"
	childSpin = "container-test-cgroup-spin"
)

// children are the programs this test binary runs as when TestMain finds
// childEnv set: the binary doubles as its own helper, as in os/exec's tests.
var children = map[string]func(){
	childHog: func() {
		waitForGo()
		// Allocate and touch 200 MiB, keeping every page.
		var keep [][]byte
		for i := 0; i < 200; i++ {
			b := make([]byte, 1<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			keep = append(keep, b)
		}
		fmt.Printf("allocated %d MiB and survived\n", len(keep))
	},
	childSpin: func() {
		waitForGo()
		for start := time.Now(); time.Since(start) < time.Second; {
		}
	},
}

func waitForGo() { _, _ = bufio.NewReader(os.Stdin).ReadString('\n') }

// testIDPrefix starts the id of every cgroup this test process makes.
func testIDPrefix() string { return fmt.Sprintf("test-%d-", os.Getpid()) }

// realLayout is this host's layout and own cgroups; it skips the test when
// this process cannot make cgroups.
func realLayout(t *testing.T) (Layout, map[string]string) {
	t.Helper()
	l, err := DetectLayout()
	require.NoError(t, err)
	own, err := ownCgroups()
	require.NoError(t, err)
	return l, own
}

// realCgroup makes a cgroup on this host, destroyed when the test ends; it
// checks that Destroy removes every directory. It skips the test when
// this process may not make cgroups or the host lacks a controller.
func realCgroup(t *testing.T, limits Limits, name string) Cgroup {
	t.Helper()
	cg, err := New(testIDPrefix()+name, limits)
	switch {
	case errors.Is(err, ErrNoCgroupAccess), errors.Is(err, ErrControllerMissing):
		t.Skipf("cannot set limits here: %v", err)
	}
	require.NoError(t, err)
	dirs := cgroupDirsOf(cg).list()
	t.Cleanup(func() {
		assert.NoError(t, cg.Destroy(), "Destroy")
		for _, dir := range dirs {
			assert.NoDirExists(t, dir, "Destroy removes every cgroup directory")
		}
	})
	return cg
}

// cgroupDirsOf reaches the directories behind a Cgroup.
func cgroupDirsOf(cg Cgroup) *cgroupDirs {
	switch cg := cg.(type) {
	case *cgroupV1:
		return &cg.cgroupDirs
	case *cgroupV2:
		return &cg.cgroupDirs
	}
	panic(fmt.Sprintf("not a cgroup of this package: %T", cg))
}

// controllerDir is where the files of controller c are for cg.
func controllerDir(cg Cgroup, c string) string {
	if v1, ok := cg.(*cgroupV1); ok {
		return v1.dir[c]
	}
	return cg.Path()
}

func readFile(t *testing.T, dir, file string) string {
	t.Helper()
	s, err := readCgroupFile(dir, file)
	require.NoError(t, err)
	return s
}

// startInCgroup starts a command that is in cg before it runs: a shell
// that waits for a line on stdin, is added, and then execs the command.
func startInCgroup(t *testing.T, cg Cgroup, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("/bin/sh", append([]string{"-c", `read x; exec "$@"`, "sh"}, args...)...)
	startJoined(t, cg, cmd)
	return cmd
}

// startJoined starts cmd, which waits for a line on stdin before it does
// anything, moves it into cg, then lets it go: so it is inside the limits
// before its first fork or allocation. The process is killed at cleanup.
func startJoined(t *testing.T, cg Cgroup, cmd *exec.Cmd) {
	t.Helper()
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.NoError(t, cg.Add(cmd.Process.Pid), "the process joins before it runs")
	_, err = io.WriteString(stdin, "go\n")
	require.NoError(t, err)
}

func TestCgroupRealFiles(t *testing.T) {
	l, own := realLayout(t)
	cg := realCgroup(t, testLimits, "files")
	id := testIDPrefix() + "files"
	if l.Version == "v2" {
		dir := cg.Path()
		require.Equal(t, filepath.Join(l.V2, "unboxed", id), dir)
		assert.Equal(t, "33554432", readFile(t, dir, "memory.max"))
		if hasCgroupFile(dir, "memory.swap.max") {
			assert.Equal(t, "0", readFile(t, dir, "memory.swap.max"))
		}
		assert.Equal(t, "16", readFile(t, dir, "pids.max"))
		assert.Equal(t, "50000 100000", readFile(t, dir, "cpu.max"))
	} else {
		for _, c := range limitControllers {
			want := filepath.Join(hierarchyDir(l.V1[c], l.v1Roots[c], own[c]), "unboxed", id)
			require.Equal(t, want, controllerDir(cg, c), "v1 %s: nested under this process's own cgroup %s", c, own[c])
		}
		mem := controllerDir(cg, "memory")
		require.Equal(t, mem, cg.Path())
		assert.Equal(t, "33554432", readFile(t, mem, "memory.limit_in_bytes"))
		if hasCgroupFile(mem, "memory.memsw.limit_in_bytes") {
			assert.Equal(t, "33554432", readFile(t, mem, "memory.memsw.limit_in_bytes"))
		}
		assert.Equal(t, "16", readFile(t, controllerDir(cg, "pids"), "pids.max"))
		assert.Equal(t, "100000", readFile(t, controllerDir(cg, "cpu"), "cpu.cfs_period_us"))
		assert.Equal(t, "50000", readFile(t, controllerDir(cg, "cpu"), "cpu.cfs_quota_us"))
	}

	// Raise the memory limit and lower it again: on v1 memsw must stay >=
	// the limit at every step.
	require.NoError(t, cg.SetMemory(64<<20), "raise the memory limit")
	require.NoError(t, cg.SetMemory(32<<20), "lower it again")
	s, err := cg.Stats()
	require.NoError(t, err)
	assert.Equal(t, int64(32<<20), s.MemoryLimit)
	assert.Equal(t, int64(16), s.PidsMax)

	// A process added is in cgroup.procs of every hierarchy; Destroy
	// kills it and removes the directories.
	sleep := startInCgroup(t, cg, "sleep", "30")
	pid := strconv.Itoa(sleep.Process.Pid)
	for _, dir := range cgroupDirsOf(cg).list() {
		assert.Contains(t, strings.Fields(readFile(t, dir, "cgroup.procs")), pid, "pid %s in %s", pid, dir)
	}
	dirs := cgroupDirsOf(cg).list()
	require.NoError(t, cg.Destroy())
	for _, dir := range dirs {
		assert.NoDirExists(t, dir)
	}
	err = sleep.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the sleep was killed")
	assert.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal())
	require.NoError(t, cg.Destroy(), "Destroy twice is fine")
}

func TestCgroupRealNeverPopulated(t *testing.T) {
	cg := realCgroup(t, Limits{}, "empty")
	dirs := cgroupDirsOf(cg).list()
	require.NotEmpty(t, dirs)
	require.NoError(t, cg.Destroy())
	for _, dir := range dirs {
		assert.NoDirExists(t, dir)
	}
}

// TestCgroupForkBomb starts a shell in a cgroup with pids.max 10 and lets
// it start 100 sleeps: the kernel refuses the forks past the limit.
func TestCgroupForkBomb(t *testing.T) {
	cg := realCgroup(t, Limits{Pids: 10}, "forkbomb")
	cmd := exec.Command("/bin/sh", "-c", `read x; for i in $(seq 100); do sleep 30 & done; wait`)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	startJoined(t, cg, cmd)

	pidsDir := controllerDir(cg, "pids")
	var most int64
	for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		n, err := readCgroupInt(pidsDir, "pids.current")
		require.NoError(t, err)
		most = max(most, n)
	}
	s, err := cg.Stats()
	require.NoError(t, err)
	require.NoError(t, cg.Destroy())
	_ = cmd.Wait()
	t.Logf("pids.current at most %d, pids.peak %d, forks refused %d, shell said %q", most, s.PidsPeak, s.ForkFailures, firstLine(stderr.String()))
	assert.LessOrEqual(t, most, int64(10), "pids.current never exceeds pids.max")
	assert.Equal(t, int64(10), most, "the shell forks up to the limit")
	if s.PidsPeak != 0 { // pids.peak: Linux 6.1
		assert.Equal(t, int64(10), s.PidsPeak)
	}
	assert.Positive(t, s.ForkFailures, "pids.events counts the refused forks")
	assert.Contains(t, strings.ToLower(stderr.String()), "fork", "the shell reports that it cannot fork")
}

// TestCgroupMemoryHog runs a child that touches 200 MiB in a 32M cgroup:
// the kernel's OOM killer kills it (SIGKILL, exit status 137) and counts it.
func TestCgroupMemoryHog(t *testing.T) {
	cg := realCgroup(t, Limits{Memory: 32 << 20}, "hog")
	cmd := child(childHog)
	var stdout strings.Builder
	cmd.Stdout = &stdout
	startJoined(t, cg, cmd)
	_ = cmd.Wait()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	code := ws.ExitStatus()
	if ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	s, err := cg.Stats()
	require.NoError(t, err)
	t.Logf("exit status %d, OOM kills %d, memory peak %d of %d, child said %q", code, s.OOMKills, s.MemoryPeak, s.MemoryLimit, stdout.String())
	require.Equal(t, 137, code, "want the hog OOM-killed (128+SIGKILL)")
	assert.GreaterOrEqual(t, s.OOMKills, int64(1), "the kernel's OOM counter shows the kill")
	// The charge that trips the OOM killer is counted before the kill: on
	// v2 memory.peak can read one page over memory.max (seen on Linux 6.1:
	// 33558528 of 33554432). More than a few pages over is a limit that
	// did not hold.
	slack := int64(4 * os.Getpagesize())
	assert.LessOrEqual(t, s.MemoryPeak, int64(32<<20)+slack, "memory never went more than a few pages past the limit")
}

// TestCgroupCPUThrottle spins for a second under a 0.2 CPU quota: the
// kernel throttles it in most 100ms periods.
func TestCgroupCPUThrottle(t *testing.T) {
	cg := realCgroup(t, Limits{CPUs: 0.2}, "spin")
	cmd := child(childSpin)
	startJoined(t, cg, cmd)
	require.NoError(t, cmd.Wait())
	s, err := cg.Stats()
	require.NoError(t, err)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	t.Logf("throttled in %d periods for %v; the child used %v of CPU in about 1s", s.ThrottledPeriods, s.ThrottledTime, cpu)
	assert.Positive(t, s.ThrottledPeriods, "cpu.stat nr_throttled")
	assert.Positive(t, s.ThrottledTime)
	assert.Less(t, cpu, 600*time.Millisecond, "0.2 CPUs for 1s is about 200ms of CPU time")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
