package container

// Real-kernel tests of starting a process inside its cgroup
// (cgroup_inside_linux.go) and of the pids limit the init writes itself
// (pids_linux.go).

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cgroupLine is the line of a /proc/PID/cgroup text for the hierarchy
// with controller c ("" for v2), without its hierarchy number.
func cgroupLine(text, c string) string {
	for _, line := range strings.Split(text, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && (parts[1] == c || slices.Contains(strings.Split(parts[1], ","), c)) {
			return parts[1] + ":" + parts[2]
		}
	}
	return ""
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

// A process started by startInside is in the container's cgroup from its
// first instruction: nothing calls Add. And no thread of the runtime stays
// behind in the container's cgroup.
func TestCgroupStartInside(t *testing.T) {
	needRoot(t)
	cg := realCgroup(t, Limits{Memory: 64 << 20, Pids: 16}, "inside")
	own, err := os.ReadFile("/proc/self/cgroup")
	require.NoError(t, err)
	starter, ok := cg.(startsInside)
	require.True(t, ok, "the library's %T starts processes inside", cg)

	var out strings.Builder
	cmd := exec.Command("/bin/cat", "/proc/self/cgroup")
	cmd.Stdout = &out
	require.NoError(t, starter.startInside(cmd))
	require.NoError(t, cmd.Wait())

	for _, c := range []string{"memory", "pids"} {
		v1, ok := cg.(*cgroupV1)
		if !ok {
			break // v2: one directory, checked below
		}
		dir := v1.dir[c]
		controllers, ownPath, _ := strings.Cut(cgroupLine(string(own), c), ":")
		want := controllers + ":" + path.Join(ownPath, cgroupParent, filepath.Base(dir))
		assert.Equal(t, want, cgroupLine(out.String(), c), "the child's %s cgroup", c)
	}
	if v2, ok := cg.(*cgroupV2); ok {
		// As root, a v2 container's cgroup is under the top: /unboxed/ID.
		want := ":" + path.Join("/", cgroupParent, filepath.Base(v2.dir))
		assert.Equal(t, want, cgroupLine(out.String(), ""), "the child's v2 cgroup")
	}
	for tid, text := range threadsCgroups(t) {
		assert.Equal(t, string(own), text, "thread %s of the runtime is back in its own cgroups", tid)
	}
	require.NoError(t, cg.Destroy(), "nothing of the runtime keeps the cgroup busy")
}

// On cgroup v2 a process is cloned into its cgroup (CLONE_INTO_CGROUP).
// This host's v2 hierarchy may hold no controllers (hybrid), but it takes
// processes all the same, so the clone is tested there for real.
func TestCgroupStartInsideV2(t *testing.T) {
	needRoot(t)
	l, own := realLayout(t)
	if l.V2 == "" {
		t.Skip("no cgroup2 hierarchy on this host")
	}
	top, _, err := v2Parent(l, own)
	require.NoError(t, err)
	base := filepath.Join(top, cgroupParent)
	id := testIDPrefix() + "clone-into"
	dir, err := makeCgroupDir(base, id, nil)
	require.NoError(t, err)
	cg := &cgroupV2{dir: dir}
	cg.made(dir, base)
	t.Cleanup(func() { assert.NoError(t, cg.Destroy()) })

	var out strings.Builder
	cmd := exec.Command("/bin/cat", "/proc/self/cgroup")
	cmd.Stdout = &out
	require.NoError(t, cg.startInside(cmd))
	require.NoError(t, cmd.Wait())
	assert.Equal(t, ":"+strings.TrimPrefix(dir, l.V2), cgroupLine(out.String(), ""))
}

// When the cgroup cannot take the process at its birth, Start's fallback
// builds the init's command afresh (initCommand) and starts it the usual
// way.
func TestCgroupStartInsideFallsBack(t *testing.T) {
	needRoot(t)
	notACgroup := &cgroupV2{dir: t.TempDir()} // clone3 refuses a plain directory
	cmd := exec.Command("/bin/true")
	err := notACgroup.startInside(cmd)
	require.Error(t, err, "CLONE_INTO_CGROUP into a directory that is no cgroup")

	used := exec.Command("/bin/true")
	c := &Container{cgroup: notACgroup, cmd: used}
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
		out, code, st := runLimited(t, Limits{Pids: 1}, `echo alone`)
		require.Equal(t, 0, code, "run %d: %s", i, out)
		assert.Equal(t, "alone\n", out)
		assert.Equal(t, int64(1), st.PidsMax)
	}
	out, code, st := runLimited(t, Limits{Pids: 1}, `/bin/true; echo after the fork`)
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
		Init: true, Limits: Limits{Pids: 2},
	})
	var e *Error
	require.True(t, errors.As(err, &e), "want an *Error, got %v", err)
	assert.Equal(t, ExitRuntimeError, e.Code)
	assert.Contains(t, err.Error(), "pids limit 2 is too low with an init")
	assert.Contains(t, err.Error(), "want at least")

	var out strings.Builder
	c, err := Start(context.Background(), Config{
		Args: []string{"/bin/sh", "-c", "echo fine"}, Rootfs: testRootfs(t), Namespaces: AllNamespaces,
		Init: true, Limits: Limits{Pids: 16}, Stdout: &out, Stderr: &out,
	})
	require.NoError(t, err)
	code, err := c.Wait()
	require.NoError(t, err)
	assert.Equal(t, 0, code, out.String())
	assert.Equal(t, "fine\n", out.String())
}
