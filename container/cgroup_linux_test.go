package container

// The runtime's side of the cgroups stage (cgroup_linux.go): the fallback
// when a cgroup cannot take the init at its birth, and the pids limit that
// the init writes itself.

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// refusingCgroup is a cgroup that cannot take a process at its birth, as
// on a kernel without CLONE_INTO_CGROUP; it records the Add instead.
type refusingCgroup struct{ added []int }

func (*refusingCgroup) StartInside(*exec.Cmd) error { return errors.New("not on this kernel") }
func (*refusingCgroup) SetMemory(int64) error       { return nil }
func (*refusingCgroup) SetPids(int64) error         { return nil }
func (*refusingCgroup) SetCPU(float64) error        { return nil }
func (r *refusingCgroup) Add(pid int) error         { r.added = append(r.added, pid); return nil }
func (*refusingCgroup) Stats() (cgroups.Stats, error) {
	return cgroups.Stats{}, nil
}
func (*refusingCgroup) Destroy() error { return nil }
func (*refusingCgroup) Path() string   { return "" }

// When the cgroup cannot take the process at its birth, Start's fallback
// starts a fresh copy of the command the usual way.
func TestCgroupStartFallsBack(t *testing.T) {
	used := exec.Command("/bin/true")
	c := &Container{cgroup: &refusingCgroup{}, cmd: used}
	require.NoError(t, c.start(Config{Args: []string{"/bin/true"}}))
	assert.False(t, c.inside, "started the usual way, to be added later")
	assert.NotSame(t, used, c.cmd, "a fresh command")
	assert.Equal(t, initName, c.cmd.Args[0], "the init, built again")
	require.NoError(t, c.cmd.Process.Kill()) // it waits for a spec that never comes
	_ = c.cmd.Wait()
}

// The init writes the pids limit itself just before it execs the command,
// so even a limit of 1 leaves room for the init's Go runtime: the command
// runs, and only its own forks are refused.
func TestContainerTinyPidsLimit(t *testing.T) {
	needRoot(t)
	for i := 0; i < 10; i++ {
		out, code, st := runLimited(t, cgroups.Limits{Pids: 1}, `echo alone`)
		require.Equal(t, 0, code, "run %d: %s", i, out)
		assert.Equal(t, "alone\n", out)
		assert.Equal(t, int64(1), st.PidsMax)
	}
	out, code, st := runLimited(t, cgroups.Limits{Pids: 1}, `/bin/true; echo after the fork`)
	assert.Equal(t, 2, code, out)
	assert.Contains(t, out, "can't fork")
	assert.NotContains(t, out, "after the fork")
	assert.GreaterOrEqual(t, st.ForkFailures, int64(1))
}

// With an init, its own threads count against the pids limit for as long
// as the container runs: a limit that leaves no room for the command is
// refused with the number to use.
func TestContainerPidsLimitTooLowForInit(t *testing.T) {
	needRoot(t)
	_, err := Start(context.Background(), Config{
		Args: []string{"/bin/true"}, Rootfs: testRootfs(t), Namespaces: AllNamespaces,
		Init: true, Limits: cgroups.Limits{Pids: 2},
	})
	var e *Error
	require.True(t, errors.As(err, &e), "want an *Error, got %v", err)
	assert.Equal(t, ExitRuntimeError, e.Code)
	assert.Contains(t, err.Error(), "pids limit 2 is too low with an init")
	assert.Contains(t, err.Error(), "want at least")

	var out strings.Builder
	c, err := Start(context.Background(), Config{
		Args: []string{"/bin/sh", "-c", "echo fine"}, Rootfs: testRootfs(t), Namespaces: AllNamespaces,
		Init: true, Limits: cgroups.Limits{Pids: 16}, Stdout: &out, Stderr: &out,
	})
	require.NoError(t, err)
	code, err := c.Wait()
	require.NoError(t, err)
	assert.Equal(t, 0, code, out.String())
	assert.Equal(t, "fine\n", out.String())
}

// threadsCgroups returns, for each thread of this process, its
// /proc/self/task/TID/cgroup.
func threadsCgroups(t *testing.T) map[string]string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	require.NoError(t, err)
	out := map[string]string{}
	for _, task := range tasks {
		data, err := os.ReadFile(filepath.Join("/proc/self/task", task.Name(), "cgroup"))
		if err == nil { // a thread may end while we look
			out[task.Name()] = string(data)
		}
	}
	return out
}
