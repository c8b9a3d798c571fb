package container

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// runLimited runs script in a container with limits and returns its
// output, exit status and the cgroup's stats.
func runLimited(t *testing.T, limits cgroups.Limits, script string) (string, int, cgroups.Stats) {
	t.Helper()
	var out strings.Builder
	c, err := Start(context.Background(), Config{
		Args: []string{"/bin/sh", "-c", script}, Rootfs: testRootfs(t), Namespaces: AllNamespaces,
		Overlay: true, StateDir: t.TempDir(), Limits: limits, Stdout: &out, Stderr: &out,
	})
	require.NoError(t, err)
	code, err := c.Wait()
	require.NoError(t, err)
	st, ok := c.Stats()
	require.True(t, ok, "a container with limits has stats")
	return out.String(), code, st
}

func TestContainerMemoryLimitOOMKills(t *testing.T) {
	needRoot(t)
	// The shell holds 64 MiB in a variable: more than the 16 MiB allowed.
	out, code, st := runLimited(t, cgroups.Limits{Memory: 16 << 20}, `x=$(head -c 67108864 /dev/zero | tr '\0' a); echo survived`)
	assert.Equal(t, 137, code, out)
	assert.NotContains(t, out, "survived")
	assert.GreaterOrEqual(t, st.OOMKills, int64(1), "the kernel's OOM counter")
	// v2 may count the charge that trips the OOM killer: a page or so over.
	assert.LessOrEqual(t, st.MemoryPeak, int64(16<<20)+int64(4*os.Getpagesize()))
	assert.Equal(t, int64(16<<20), st.MemoryLimit)
}

func TestContainerPidsLimitStopsAForkBomb(t *testing.T) {
	needRoot(t)
	// busybox sh gives up (exit 2) at the first fork the kernel refuses.
	out, code, st := runLimited(t, cgroups.Limits{Pids: 8}, `for i in $(seq 30); do sleep 1 & done; wait; echo done`)
	assert.Equal(t, 2, code, out)
	assert.Contains(t, out, "can't fork")
	assert.Equal(t, int64(8), st.PidsMax)
	assert.Greater(t, st.ForkFailures, int64(0), "forks refused at pids.max")
	if st.PidsPeak > 0 { // pids.peak: Linux 6.1
		assert.LessOrEqual(t, st.PidsPeak, int64(8))
	}
}

func TestContainerCPULimitThrottles(t *testing.T) {
	needRoot(t)
	start := time.Now()
	out, code, st := runLimited(t, cgroups.Limits{CPUs: 0.2}, `end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done`)
	assert.Equal(t, 0, code, out)
	assert.Greater(t, st.ThrottledPeriods, int64(0), "throttled after %v", time.Since(start))
}

// Whatever way a container with limits ends, its cgroup is gone. The
// cgroups are made through cgroups.New put in as the stage, which must
// behave exactly as the library's default (Use(Stages{})), and recorded,
// so the test checks its own cgroups and not the others on the host.
func TestContainerCgroupIsRemoved(t *testing.T) {
	needRoot(t)
	var made []string
	Use(Stages{NewCgroup: func(id string, l cgroups.Limits) (cgroups.Cgroup, error) {
		cg, err := cgroups.New(id, l)
		if err == nil {
			made = append(made, cg.Path())
		}
		return cg, err
	}})
	t.Cleanup(func() { Use(Stages{}) })
	rootfs := testRootfs(t)
	for i, cfg := range []Config{
		{Args: []string{"/bin/true"}},
		{Args: []string{"/no/such/command"}},
		{Args: []string{"/bin/sh", "-c", "kill -9 $$"}, Init: true, Namespaces: AllNamespaces},
		{Args: []string{"/bin/sleep", "10"}},
	} {
		cfg.Rootfs, cfg.Limits = rootfs, cgroups.Limits{Memory: 64 << 20, Pids: 32, CPUs: 1}
		if cfg.Namespaces == nil {
			cfg.Namespaces = AllNamespaces
		}
		runCtx, cancel := context.Background(), context.CancelFunc(func() {})
		if i == 3 {
			// Killed by its context, which starts counting only now: on
			// a slow machine an earlier deadline could end it before
			// its cgroup is made.
			runCtx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
		}
		_, _ = Run(runCtx, cfg)
		cancel()
	}
	// Refused by the init after it was born in the cgroup (pids_linux.go).
	_, err := Run(context.Background(), Config{Args: []string{"/bin/true"}, Init: true, Namespaces: AllNamespaces,
		Rootfs: rootfs, Limits: cgroups.Limits{Pids: 2}})
	require.Error(t, err)
	require.Len(t, made, 5, "every container made its cgroup through the stage")
	for _, dir := range made {
		assert.NoDirExists(t, dir, "the container's cgroup is removed")
	}
	own, err := os.ReadFile("/proc/self/cgroup")
	require.NoError(t, err)
	for tid, text := range threadsCgroups(t) {
		assert.Equal(t, string(own), text, "thread %s of the runtime went back to its own cgroups", tid)
	}
}

func TestLimitsConfigErrors(t *testing.T) {
	needRoot(t)
	code, err := Run(context.Background(), Config{Args: []string{"/bin/true"}, Limits: cgroups.Limits{Memory: 1 << 20}})
	assert.Equal(t, ExitRuntimeError, code)
	assert.ErrorContains(t, err, "6M")
}

// A container sees its own cgroup as the root of its cgroup namespace, and
// its own limits read-only at /sys/fs/cgroup: "0::/" and, on v2, cpu.max
// "50000 100000" for 0.5 CPUs (v1: cpu.cfs_quota_us 50000).
func TestContainerSeesItsOwnCgroup(t *testing.T) {
	needRoot(t)
	script := `cat /proc/self/cgroup
if [ -e /sys/fs/cgroup/cpu.max ]; then
	echo "cpu $(cat /sys/fs/cgroup/cpu.max)"; echo "memory $(cat /sys/fs/cgroup/memory.max)"
	f=/sys/fs/cgroup/memory.max
else
	echo "cpu $(cat /sys/fs/cgroup/cpu*/cpu.cfs_quota_us) 100000"; echo "memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
	f=/sys/fs/cgroup/memory/memory.limit_in_bytes
fi
{ echo max > $f; } 2>/dev/null && echo "limit written" || echo "limit refused"
ls /sys/fs/cgroup/.. >/dev/null`
	out, code, _ := runLimited(t, cgroups.Limits{Memory: 64 << 20, CPUs: 0.5}, script)
	require.Equal(t, 0, code, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, line := range lines {
		if strings.Contains(line, ":") && !strings.HasPrefix(line, "cpu ") {
			assert.True(t, strings.HasSuffix(line, ":/"), "want every /proc/self/cgroup line to end in :/ (the namespace's root), got %q in %q", line, out)
		}
	}
	assert.Contains(t, lines, "cpu 50000 100000", "want the CPU limit of 0.5 in the container's view")
	assert.Contains(t, lines, "memory 67108864", "want the 64M memory limit in the container's view")
	assert.Contains(t, lines, "limit refused", "want /sys/fs/cgroup read-only inside")
}
