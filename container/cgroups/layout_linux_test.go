package cgroups

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The mount table of a hybrid host (this project's development VMs).
const mountinfoHybrid = `23 1 0:21 / / rw,relatime - ext4 /dev/vda rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

// The mount table of Ubuntu 24.04: cgroup v2 only.
const mountinfoV2 = `24 1 252:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`

// The mount table of CentOS 7: cgroup v1, cpu and cpuacct mounted together
// (with symlinks cpu and cpuacct to it), a mount point with a space.
const mountinfoV1 = `25 20 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct
30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory
31 25 0:27 /docker/abc /sys/fs/cgroup/pids\040x rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,pids
`

func TestCgroupDetectLayoutFrom(t *testing.T) {
	t.Run("hybrid: v1 controllers and a cgroup2 mount", func(t *testing.T) {
		l, err := DetectLayoutFrom(strings.NewReader(mountinfoHybrid), false)
		require.NoError(t, err)
		assert.Equal(t, "hybrid", l.Version)
		assert.Equal(t, "/sys/fs/cgroup/unified", l.V2)
		assert.Equal(t, map[string]string{
			"cpu": "/sys/fs/cgroup/cpu", "cpuacct": "/sys/fs/cgroup/cpuacct",
			"memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/pids",
		}, l.V1, "name=systemd is no controller")
	})
	t.Run("v2: /sys/fs/cgroup is cgroup2", func(t *testing.T) {
		l, err := DetectLayoutFrom(strings.NewReader(mountinfoV2), true)
		require.NoError(t, err)
		assert.Equal(t, "v2", l.Version)
		assert.Equal(t, "/sys/fs/cgroup", l.V2)
		assert.Empty(t, l.V1)
	})
	t.Run("v2 whatever the statfs says when only cgroup2 is mounted", func(t *testing.T) {
		l, err := DetectLayoutFrom(strings.NewReader(mountinfoV2), false)
		require.NoError(t, err)
		assert.Equal(t, "v2", l.Version)
	})
	t.Run("v1: co-mounted controllers share a directory", func(t *testing.T) {
		l, err := DetectLayoutFrom(strings.NewReader(mountinfoV1), false)
		require.NoError(t, err)
		assert.Equal(t, "v1", l.Version)
		assert.Equal(t, "", l.V2)
		assert.Equal(t, "/sys/fs/cgroup/cpu,cpuacct", l.V1["cpu"])
		assert.Equal(t, "/sys/fs/cgroup/cpu,cpuacct", l.V1["cpuacct"])
		assert.Equal(t, "/sys/fs/cgroup/pids x", l.V1["pids"], `"\040" in mountinfo is a space`)
		assert.Equal(t, "/docker/abc", l.v1Roots["pids"])
		assert.Equal(t, "/sys/fs/cgroup/pids x/unboxed",
			hierarchyDir(l.V1["pids"], l.v1Roots["pids"], "/docker/abc/unboxed"),
			"a mount of a subtree shows that subtree at its mount point")
	})
	t.Run("no cgroups mounted", func(t *testing.T) {
		_, err := DetectLayoutFrom(strings.NewReader("23 1 0:21 / / rw - ext4 /dev/vda rw\n"), false)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "mount -t cgroup2")
	})
}

func TestCgroupOwnPaths(t *testing.T) {
	own, err := parseProcCgroup(strings.NewReader("9:name=systemd:/\n4:memory:/process_api/f9\n1:cpu,cpuacct:/\n0::/user.slice\n"))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"name=systemd": "/", "memory": "/process_api/f9", "cpu": "/", "cpuacct": "/", "": "/user.slice",
	}, own)
	assert.Equal(t, "/sys/fs/cgroup/memory/process_api/f9", hierarchyDir("/sys/fs/cgroup/memory", "/", own["memory"]))
}

// TestCgroupDetectLayout checks the detection on this host against what
// statfs and the mount table say.
func TestCgroupDetectLayout(t *testing.T) {
	l, err := DetectLayout()
	require.NoError(t, err)
	t.Logf("this host: %s, v1 %v, v2 %q", l.Version, l.V1, l.V2)
	require.Contains(t, []string{"v1", "v2", "hybrid"}, l.Version)
	if l.Version == "v2" {
		_, err := os.Stat(l.V2 + "/cgroup.controllers")
		assert.NoError(t, err, "v2 means %s/cgroup.controllers exists", l.V2)
		return
	}
	for c, dir := range l.V1 {
		_, err := os.Stat(dir + "/cgroup.procs")
		assert.NoError(t, err, "controller %s: %s is a cgroup hierarchy", c, dir)
	}
	l.V1["x"] = "changed"
	again, _ := DetectLayout()
	assert.NotContains(t, again.V1, "x", "DetectLayout hands out copies of its cached answer")
}
