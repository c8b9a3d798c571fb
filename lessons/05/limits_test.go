//go:build linux

package cgroups_test

// Real limits on the real kernel: the runtime runs containers with
// Config.Limits, its cgroups stage is your code (main_test.go), and the
// tests read what the kernel counted. Every cgroup is removed when a test
// ends, also when it fails. Each check runs on your v2 Cgroup where the
// host's controllers are v2 (the tests named after them), and on the
// bonus's CgroupV1 where they are v1 (TestBonusV1Limits, bonus_test.go).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	cgroupslib "github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// hog holds 64 MiB in a shell variable: more than the limits below allow.
const hog = `x=$(head -c 67108864 /dev/zero | tr '\0' a); echo survived`

// limited is a container on the default rootfs, on an overlay so that the
// shared rootfs never changes, with limits.
func limited(l *lessontest.T, limits cgroupslib.Limits, args ...string) container.Config {
	var out strings.Builder
	return container.Config{
		Args: args, Rootfs: l.Rootfs(), Namespaces: container.AllNamespaces,
		Overlay: true, StateDir: l.TempDir(), Limits: limits, Stdout: &out, Stderr: &out,
	}
}

// output is what the container of cfg wrote.
func output(cfg container.Config) string { return cfg.Stdout.(*strings.Builder).String() }

// runLimited runs script with /bin/sh in a container with limits, and
// returns its output, its exit status and what its cgroup counted.
func runLimited(l *lessontest.T, limits cgroupslib.Limits, script string) (string, int, cgroupslib.Stats) {
	l.Helper()
	cfg := limited(l, limits, "/bin/sh", "-c", script)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := container.Start(ctx, cfg)
	l.NoError(err, fmt.Sprintf("starting a container with limits %+v (output %q)", limits, output(cfg)))
	code, err := c.Wait()
	l.NoError(err, "waiting for the container")
	st, ok := c.Stats()
	l.True(ok, "the cgroup's counters after the container ended", "none")
	destroyedCleanly(l)
	return output(cfg), code, st
}

// destroyedCleanly fails the test when a Destroy so far left something
// behind or returned an error.
func destroyedCleanly(l *lessontest.T) {
	l.Helper()
	c := lessontest.New(l.T, "cleaning-up")
	c.Equal("what your Destroy left behind, or the error it returned", "", destroyProblems())
}

func TestForkBombStopsAtPidsMax(t *testing.T) { forkBomb(lessontest.New(t, "the-fork-bomb"), "v2") }

func forkBomb(l *lessontest.T, version string) {
	defer l.Recover()
	needCgroups(l, version, "pids")
	// Not quite :(){ :|:& };: but the same in effect: busybox sh starts
	// sleeps in the background and gives up (exit 2) at the first fork the
	// kernel refuses. Without a limit it says "all 50 started" and exits,
	// and the sleeps die with it: it is PID 1 of its PID namespace.
	out, code, st := runLimited(l, cgroupslib.Limits{Pids: 10}, `for i in $(seq 50); do sleep 30 & done; echo all 50 started`)
	l.Equal(fmt.Sprintf("the shell's exit code (2: it could not fork; output %q)", out), 2, code)
	l.Contains("the shell's output", out, "can't fork")
	l.True(!strings.Contains(out, "all 50 started"), "the loop to stop at the limit", "all 50 sleeps started: is pids.max set?")
	l.Equal("pids.max of the container's cgroup", int64(10), st.PidsMax)
	l.True(st.ForkFailures > 0, "pids.events \"max\" to count the refused forks", fmt.Sprint(st.ForkFailures))
	if st.PidsPeak > 0 { // pids.peak: Linux 6.1
		l.True(st.PidsPeak <= 10, "pids.peak at most 10", fmt.Sprint(st.PidsPeak))
	}
}

func TestMemoryHogIsOOMKilled(t *testing.T) { memoryHog(lessontest.New(t, "the-oom-killer"), "v2") }

func memoryHog(l *lessontest.T, version string) {
	defer l.Recover()
	needCgroups(l, version, "memory")
	out, code, st := runLimited(l, cgroupslib.Limits{Memory: 16 << 20}, hog)
	l.Equal(fmt.Sprintf("the exit code of a 64 MiB shell under a 16 MiB limit (137: SIGKILL from the OOM killer; output %q)", out), 137, code)
	l.True(!strings.Contains(out, "survived"), "the shell killed before its echo", "it said "+out)
	l.Equal("the memory limit the kernel reports", int64(16<<20), st.MemoryLimit)
	l.True(st.OOMKills >= 1, "the kernel's OOM counter (oom_kill) at 1 or more", fmt.Sprint(st.OOMKills))
}

func TestBusyLoopIsThrottled(t *testing.T) { busyLoop(lessontest.New(t, "cpu-quota"), "v2") }

func busyLoop(l *lessontest.T, version string) {
	defer l.Recover()
	needCgroups(l, version, "cpu")
	// At least one full second of spinning: "+ 1" could end at once when
	// the clock is about to tick.
	out, code, st := runLimited(l, cgroupslib.Limits{CPUs: 0.2},
		`end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done; echo done`)
	l.Equal(fmt.Sprintf("the busy loop's exit code (output %q)", out), 0, code)
	l.True(st.ThrottledPeriods > 0, "cpu.stat nr_throttled above 0: periods in which the 20ms quota ran out",
		fmt.Sprintf("%d (throttled for %v)", st.ThrottledPeriods, st.ThrottledTime))
}

func TestCgroupIsGoneAfterwards(t *testing.T) { cgroupIsGone(lessontest.New(t, "cleaning-up"), "v2") }

func cgroupIsGone(l *lessontest.T, version string) {
	defer l.Recover()
	needCgroups(l, version, "memory", "pids", "cpu")
	before := unboxedCgroups()
	madeBefore := len(madeDirs())
	limits := cgroupslib.Limits{Memory: 64 << 20, Pids: 32, CPUs: 1}

	cfg := limited(l, limits, "/bin/true")
	code, err := container.Run(context.Background(), cfg)
	l.NoError(err, "running /bin/true with limits (output "+output(cfg)+")")
	l.Equal("the exit code of /bin/true", 0, code)

	code, err = container.Run(context.Background(), limited(l, limits, "/no/such/command"))
	l.Error(err, "running a command that does not exist")
	l.Equal("the exit code of a command that does not exist", 127, code)

	cfg = limited(l, cgroupslib.Limits{Memory: 16 << 20}, "/bin/sh", "-c", hog)
	code, err = container.Run(context.Background(), cfg)
	l.NoError(err, "running the memory hog (output "+output(cfg)+")")
	l.Equal("the exit code of the memory hog", 137, code)

	// One more, killed by its context while it runs. Look at it from
	// outside first: its process is in the cgroup, and the cgroup exists.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := container.Start(ctx, limited(l, limits, "/bin/sleep", "30"))
	l.NoError(err, "starting /bin/sleep 30 with limits")
	own, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", c.Pid()))
	running := madeDirs()[len(madeDirs())-1]
	_, statErr := os.Stat(running)
	cancel()
	code, err = c.Wait()
	l.Error(err, "Wait for a container whose context was cancelled")
	l.Equal("the exit code of a container killed by its context", 137, code)
	l.NoError(statErr, "finding the cgroup of the running container")
	l.Contains(fmt.Sprintf("/proc/%d/cgroup of the running container", c.Pid()), string(own), "/unboxed/"+filepath.Base(running))

	ours := madeDirs()[madeBefore:]
	var left []string
	for _, dir := range ours {
		if _, err := os.Stat(dir); err == nil {
			left = append(left, dir)
		}
	}
	l.Equal("the container cgroups still there after four containers ended", "", strings.Join(left, " "))
	after := unboxedCgroups()
	for _, dir := range after {
		switch {
		case slices.Contains(before, dir):
		case slices.Contains(ours, dir):
			left = append(left, dir)
		case filepath.Base(dir) == parentName && !hasSubdirs(dir):
			left = append(left, dir+" (the empty parent)")
		default:
			l.Logf("%s appeared meanwhile, made by someone else", dir)
		}
	}
	l.Equal(fmt.Sprintf("what is new in unboxed/ (before: %q)", before), "", strings.Join(left, " "))
	l.Equal("what your Destroy left behind, or the error it returned", "", destroyProblems())
}
