//go:build linux

package cgroups_test

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// A container's cgroup is usually empty when the runtime destroys it:
// PID 1 took the rest of the PID namespace with it. This test makes the
// other case, the one "Cleaning up" is about: a process still in the
// cgroup when Destroy comes.
func TestDestroyKillsWhatIsLeft(t *testing.T) { destroyKills(lessontest.New(t, "cleaning-up"), "v2") }

func destroyKills(l *lessontest.T, version string) {
	defer l.Recover()
	needCgroups(l, version, "pids")
	_, roots, err := cgroupRoots()
	l.NoError(err, "finding where cgroups go")
	id := fmt.Sprintf("destroy-%d", os.Getpid())
	// The directories are swept when the test ends, whatever happens.
	cg, want, err := create(version, roots, id)
	l.NoError(err, "making the cgroup")
	sleep := exec.Command("sleep", "60")
	l.NoError(sleep.Start(), "starting sleep 60")
	done := make(chan struct{})
	go func() { _ = sleep.Wait(); close(done) }()
	l.Cleanup(func() { _ = sleep.Process.Kill(); <-done })
	_, err = guard(func() (struct{}, error) { return struct{}{}, cg.Add(sleep.Process.Pid) })
	l.NoError(err, fmt.Sprintf("your Add(%d)", sleep.Process.Pid))

	_, err = guard(func() (struct{}, error) { return struct{}{}, cg.Destroy() })
	l.NoError(err, "your Destroy of a cgroup with a sleep 60 still in it")
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		l.Fatalf("want the sleep in the cgroup killed by your Destroy, got it still running 3 s later")
	}
	for _, dir := range want {
		_, err := os.Stat(dir)
		l.True(os.IsNotExist(err), dir+" removed by your Destroy", fmt.Sprintf("stat: %v", err))
	}
}
