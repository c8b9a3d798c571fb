package cgroups

// Both versions' file layouts, checked against a fake cgroupfs
// (cgroup_fakefs_linux_test.go) whatever this host mounts; the real kernel
// is tested in cgroup_real_linux_test.go.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

var testLimits = Limits{Memory: 32 << 20, Pids: 16, CPUs: 0.5}

func TestCgroupFakeV2Files(t *testing.T) {
	useFakeCgroupfs(t)
	l, root := fakeV2(t, "cpuset cpu io memory hugetlb pids rdma misc", "")
	cg, err := newCgroupAt(l, nil, "box", testLimits)
	require.NoError(t, err)
	dir := filepath.Join(root, "unboxed", "box")
	require.Equal(t, dir, cg.Path(), "v2: the cgroup is /sys/fs/cgroup/unboxed/<id>")

	requireFile(t, "+memory +pids +cpu", root, "cgroup.subtree_control")
	requireFile(t, "+memory +pids +cpu", filepath.Join(root, "unboxed"), "cgroup.subtree_control")
	requireFile(t, "", filepath.Join(root, "unboxed"), "cgroup.procs") // no internal processes
	requireFile(t, "33554432", dir, "memory.max")
	requireFile(t, "0", dir, "memory.swap.max")
	requireFile(t, "16", dir, "pids.max")
	requireFile(t, "50000 100000", dir, "cpu.max")

	require.NoError(t, cg.Add(1234))
	requireFile(t, "1234", dir, "cgroup.procs")
	require.NoError(t, cg.SetMemory(0))
	requireFile(t, "max", dir, "memory.max")
	requireFile(t, "max", dir, "memory.swap.max")
	require.NoError(t, cg.SetPids(0))
	requireFile(t, "max", dir, "pids.max")
	require.NoError(t, cg.SetCPU(0))
	requireFile(t, "max 100000", dir, "cpu.max")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "cgroup.procs"), nil, 0o644)) // it exited
	require.NoError(t, cg.Destroy())
	assert.NoDirExists(t, dir)
	assert.NoDirExists(t, filepath.Join(root, "unboxed"), "the empty parent goes too")
	require.NoError(t, cg.Destroy(), "Destroy twice is fine")
}

func TestCgroupFakeV2EnablesOnlyWhatIsOff(t *testing.T) {
	useFakeCgroupfs(t)
	l, root := fakeV2(t, "cpu memory pids", "memory pids")
	cg, err := newCgroupAt(l, nil, "box", Limits{})
	require.NoError(t, err)
	t.Cleanup(func() { cg.Destroy() })
	requireFile(t, "+cpu", root, "cgroup.subtree_control") // memory and pids are on already
	requireFile(t, "+memory +pids +cpu", filepath.Join(root, "unboxed"), "cgroup.subtree_control")
}

func TestCgroupFakeV2ControllerMissing(t *testing.T) {
	useFakeCgroupfs(t)
	l, root := fakeV2(t, "cpu pids", "")
	_, err := newCgroupAt(l, nil, "box", testLimits)
	require.ErrorIs(t, err, ErrControllerMissing)
	assert.Contains(t, err.Error(), "memory is not available")
	assert.Contains(t, err.Error(), "cgroup_disable=memory", "the error says how to enable it")
	assert.NoDirExists(t, filepath.Join(root, "unboxed"), "nothing is left behind")

	// Without a memory limit the cgroup is made; a memory limit later is
	// refused the same way.
	cg, err := newCgroupAt(l, nil, "box", Limits{Pids: 16})
	require.NoError(t, err)
	t.Cleanup(func() { cg.Destroy() })
	requireFile(t, "+pids +cpu", root, "cgroup.subtree_control")
	err = cg.SetMemory(64 << 20)
	require.ErrorIs(t, err, ErrControllerMissing)
	assert.Contains(t, err.Error(), "memory")
}

func TestCgroupFakeV1Files(t *testing.T) {
	useFakeCgroupfs(t)
	l, own, root := fakeV1(t)
	cg, err := newCgroupAt(l, own, "box", testLimits)
	require.NoError(t, err)
	mem := filepath.Join(root, "memory", "process_api", "abc", "unboxed", "box")
	pids := filepath.Join(root, "pids", "unboxed", "box")
	cpu := filepath.Join(root, "cpu,cpuacct", "unboxed", "box")
	require.Equal(t, mem, cg.Path(), "v1: under the runtime's own cgroup in each hierarchy")

	requireFile(t, "33554432", mem, "memory.limit_in_bytes")
	requireFile(t, "33554432", mem, "memory.memsw.limit_in_bytes")
	requireFile(t, "16", pids, "pids.max")
	requireFile(t, "100000", cpu, "cpu.cfs_period_us")
	requireFile(t, "50000", cpu, "cpu.cfs_quota_us")

	require.NoError(t, cg.Add(1234))
	for _, dir := range []string{mem, pids, cpu} {
		requireFile(t, "1234", dir, "cgroup.procs")
	}
	require.NoError(t, cg.SetMemory(0))
	requireFile(t, "-1", mem, "memory.limit_in_bytes")
	require.NoError(t, cg.SetCPU(0))
	requireFile(t, "-1", cpu, "cpu.cfs_quota_us")

	for _, dir := range []string{mem, pids, cpu} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "cgroup.procs"), nil, 0o644))
	}
	require.NoError(t, cg.Destroy())
	for _, dir := range []string{mem, pids, cpu} {
		assert.NoDirExists(t, dir)
		assert.NoDirExists(t, filepath.Dir(dir), "the empty unboxed parent goes too")
	}
	assert.DirExists(t, filepath.Join(root, "memory", "process_api", "abc"), "the runtime's own cgroup stays")
	require.NoError(t, cg.Destroy(), "Destroy twice is fine")
}

func TestCgroupFakeV1ControllerMissing(t *testing.T) {
	useFakeCgroupfs(t)
	l, own, root := fakeV1(t)
	delete(l.V1, "pids")
	_, err := newCgroupAt(l, own, "box", testLimits)
	require.ErrorIs(t, err, ErrControllerMissing)
	assert.Contains(t, err.Error(), "pids is not available")
	assert.Contains(t, err.Error(), "mount -t cgroup -o pids", "the error says how to enable it")
	assert.NoDirExists(t, filepath.Join(root, "memory", "process_api", "abc", "unboxed"),
		"the memory cgroup made before the error is removed")
}

func TestCgroupFakeExistingIDIsRefused(t *testing.T) {
	useFakeCgroupfs(t)
	l, own, root := fakeV1(t)
	first, err := newCgroupAt(l, own, "box", testLimits)
	require.NoError(t, err)
	t.Cleanup(func() { first.Destroy() })
	_, err = newCgroupAt(l, own, "box", testLimits)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exists")
	assert.DirExists(t, filepath.Join(root, "memory", "process_api", "abc", "unboxed", "box"),
		"a failed New leaves alone what it did not make")
}

func TestCgroupFakeBadValues(t *testing.T) {
	useFakeCgroupfs(t)
	l, own, root := fakeV1(t)
	for _, tc := range []struct {
		name   string
		limits Limits
		says   string
	}{
		{"negative memory", Limits{Memory: -1}, "64M"},
		{"memory below 6M", Limits{Memory: 1 << 20}, "6M"},
		{"negative pids", Limits{Pids: -1}, "negative"},
		{"negative cpus", Limits{CPUs: -0.5}, "0.5"},
		{"cpus below 0.01", Limits{CPUs: 0.001}, "0.01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newCgroupAt(l, own, "box", tc.limits)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.says)
			assert.NoDirExists(t, filepath.Join(root, "pids", "unboxed"), "bad values are refused before anything is made")
		})
	}
	_, err := newCgroupAt(l, own, "../escape", Limits{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without slashes")
}

func TestCgroupFakeStats(t *testing.T) {
	useFakeCgroupfs(t)
	t.Run("v1", func(t *testing.T) {
		l, own, _ := fakeV1(t)
		cg, err := newCgroupAt(l, own, "box", testLimits)
		require.NoError(t, err)
		t.Cleanup(func() { cg.Destroy() })
		v1 := cg.(*cgroupV1)
		fakeFiles(t, v1.dir["memory"], map[string]string{
			"memory.max_usage_in_bytes": "33554432\n",
			"memory.oom_control":        "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
		})
		fakeFiles(t, v1.dir["pids"], map[string]string{"pids.peak": "10\n", "pids.events": "max 91\n"})
		fakeFiles(t, v1.dir["cpu"], map[string]string{"cpu.stat": "nr_periods 10\nnr_throttled 8\nthrottled_time 640000000\n"})
		s, err := cg.Stats()
		require.NoError(t, err)
		assert.Equal(t, Stats{Version: "v1", MemoryPeak: 32 << 20, MemoryLimit: 32 << 20, OOMKills: 2,
			PidsPeak: 10, PidsMax: 16, ForkFailures: 91, ThrottledPeriods: 8, ThrottledTime: 640 * time.Millisecond}, s)
	})
	t.Run("v2", func(t *testing.T) {
		l, _ := fakeV2(t, "cpu memory pids", "")
		cg, err := newCgroupAt(l, nil, "box", Limits{Pids: 16})
		require.NoError(t, err)
		t.Cleanup(func() { cg.Destroy() })
		fakeFiles(t, cg.Path(), map[string]string{
			"memory.peak": "1000\n", "memory.events": "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n",
			"pids.peak": "3\n", "cpu.stat": "usage_usec 9\nnr_periods 4\nnr_throttled 3\nthrottled_usec 1500\n",
		})
		s, err := cg.Stats()
		require.NoError(t, err)
		assert.Equal(t, Stats{Version: "v2", MemoryPeak: 1000, OOMKills: 1, PidsPeak: 3, PidsMax: 16,
			ThrottledPeriods: 3, ThrottledTime: 1500 * time.Microsecond}, s, `memory.max "max" is MemoryLimit 0`)
		require.NoError(t, cg.Destroy())
		_, err = cg.Stats()
		assert.Error(t, err, "no stats from a destroyed cgroup")
	})
}

func TestCgroupFakeRmdirRetriesWhileBusy(t *testing.T) {
	dir := t.TempDir()
	calls := 0
	rmdir := cgroupRmdir
	cgroupRmdir = func(string) error {
		if calls++; calls < 4 {
			return &os.PathError{Op: "rmdir", Path: dir, Err: unix.EBUSY}
		}
		return nil
	}
	t.Cleanup(func() { cgroupRmdir = rmdir })
	require.NoError(t, removeCgroupDir(dir))
	assert.Equal(t, 4, calls, "rmdir is retried while the kernel says EBUSY")

	cgroupRmdir = func(string) error { return &os.PathError{Op: "rmdir", Path: dir, Err: unix.EBUSY} }
	start := time.Now()
	err := removeCgroupDir(dir)
	require.True(t, errors.Is(err, unix.EBUSY), "gives up with EBUSY: %v", err)
	assert.Less(t, time.Since(start), 3*time.Second, "and not much later than a second")
}

func TestCgroupWriteErrorNamesFileAndValue(t *testing.T) {
	err := writeCgroupFile(t.TempDir(), "memory.max", "33554432")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `write "33554432" to `)
	assert.Contains(t, err.Error(), "memory.max")
	assert.ErrorIs(t, err, os.ErrNotExist, "the file is never created: the kernel makes it")
}

// A delegated cgroup whose processes an earlier run moved into its leaf
// stays the top for the next run: containers never nest leaf/leaf/...
func TestCgroupDelegatedLeafIsNotNestedAgain(t *testing.T) {
	delegated := "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/run-u1.scope"
	ours := func(dir string) bool { return strings.HasPrefix(dir, delegated) }
	assert.Equal(t, delegated, delegatedTop(delegated, ours), "want the delegated cgroup itself")
	assert.Equal(t, delegated, delegatedTop(delegated+"/leaf", ours), "want the delegated cgroup, not its leaf")
	dir := delegated
	for range 20 {
		dir = delegatedTop(filepath.Join(delegatedTop(dir, ours), delegatedLeaf), ours)
	}
	assert.Equal(t, delegated, dir, "want the same top after 20 runs")
	assert.Equal(t, "/sys/fs/cgroup/x/leaf", delegatedTop("/sys/fs/cgroup/x/leaf", func(string) bool { return false }),
		"want a leaf whose parent is not ours left as it is")
}

// A PID read from cgroup.procs may belong to another process by the time
// it is signalled (the process exited and the PID was reused). killPinned
// pins each PID with a pidfd and signals only those the cgroup still
// lists: a process outside the cgroup survives, even when its PID was on
// the list read earlier.
func TestCgroupKillSparesAReusedPID(t *testing.T) {
	dir := t.TempDir()
	fakeFiles(t, dir, map[string]string{"cgroup.procs": ""}) // the cgroup has emptied meanwhile
	outsider := exec.Command("/bin/sleep", "30")
	require.NoError(t, outsider.Start())
	t.Cleanup(func() { _ = outsider.Process.Kill(); _ = outsider.Wait() })

	require.NoError(t, killPinned(dir, []int{outsider.Process.Pid}))
	time.Sleep(20 * time.Millisecond)
	var status unix.WaitStatus
	pid, err := unix.Wait4(outsider.Process.Pid, &status, unix.WNOHANG, nil)
	require.NoError(t, err)
	require.Zero(t, pid, "want the process outside the cgroup alive, got it ended: %v", status)
}
