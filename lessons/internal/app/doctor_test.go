//go:build linux

package app

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// TestFilesystemsHas parses /proc/filesystems from a string and from the kernel.
func TestFilesystemsHas(t *testing.T) {
	const list = "nodev\tsysfs\nnodev\tproc\nnodev\toverlay\n\text4\n\tvfat\n"
	for _, tc := range []struct {
		fstype string
		want   bool
	}{
		{"overlay", true}, {"ext4", true}, {"vfat", true}, {"xfs", false},
		{"over", false}, {"nodev", false},
	} {
		t.Run(tc.fstype, func(t *testing.T) {
			got, err := filesystemsHas(strings.NewReader(list), tc.fstype)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "is %q in %q?", tc.fstype, list)
		})
	}
	t.Run("this machine lists proc", func(t *testing.T) {
		got, err := procFilesystemsHas("proc")
		require.NoError(t, err)
		assert.True(t, got, "/proc is mounted, so /proc/filesystems must list proc")
	})
}

// TestCgroupLayoutControllers lists the controllers of v1, v2 and hybrid
// layouts as the runtime detects them, with a unified hierarchy under
// t.TempDir() whose cgroup.controllers the test writes.
func TestCgroupLayoutControllers(t *testing.T) {
	v1 := map[string]string{"cpu": "/cg/cpu,cpuacct", "cpuacct": "/cg/cpu,cpuacct", "memory": "/cg/memory", "pids": "/cg/pids"}
	for _, tc := range []struct {
		name        string
		version     string
		v1          map[string]string
		controllers *string // the unified hierarchy's cgroup.controllers; nil: no unified hierarchy
		want        []string
	}{
		{"v2", "v2", nil, ptr("cpuset cpu io memory pids\n"), []string{"cpu", "cpuset", "io", "memory", "pids"}},
		{"v1", "v1", v1, nil, []string{"cpu", "cpuacct", "memory", "pids"}},
		{"hybrid with empty unified controllers", "hybrid", v1, ptr(""), []string{"cpu", "cpuacct", "memory", "pids"}},
		{"hybrid with a controller left to v2", "hybrid", v1, ptr("hugetlb memory"), []string{"cpu", "cpuacct", "hugetlb", "memory", "pids"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			layout := cgroups.Layout{Version: tc.version, V1: tc.v1}
			if tc.controllers != nil {
				layout.V2 = t.TempDir()
				require.NoError(t, os.WriteFile(filepath.Join(layout.V2, "cgroup.controllers"), []byte(*tc.controllers), 0o644))
			}
			l, err := layoutControllers(layout)
			require.NoError(t, err)
			assert.Equal(t, tc.version, l.version)
			assert.Equal(t, tc.want, l.names())
			assert.Equal(t, layout.V2, l.unified)
			for c, dir := range tc.v1 {
				assert.Equal(t, dir, l.controllers[c], "a v1 controller stays at its hierarchy, even when unified lists it too")
			}
		})
	}
	t.Run("unified without cgroup.controllers", func(t *testing.T) {
		_, err := layoutControllers(cgroups.Layout{Version: "v2", V2: t.TempDir()})
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
}

func ptr(s string) *string { return &s }

// mountEntry is one line of /proc/self/mountinfo (proc(5)).
type mountEntry struct{ point, fstype, superOpts string }

// readMountinfo returns the mounts of this process's mount namespace.
func readMountinfo(t *testing.T) []mountEntry {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	var mounts []mountEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, tail := strings.Fields(pre), strings.Fields(post)
		require.True(t, ok && len(fields) >= 5 && len(tail) >= 3, "mountinfo line %q", sc.Text())
		mounts = append(mounts, mountEntry{fields[4], tail[0], tail[2]})
	}
	return mounts
}

// TestCgroupLayoutOfThisMachine checks the real layout against the mount table.
func TestCgroupLayoutOfThisMachine(t *testing.T) {
	l, err := doctorLayout()
	require.NoError(t, err, "the workshop needs cgroups at %s", cgroupRoot)
	// Ask the mount table too: the last mount on a path is the visible one.
	fstype := map[string]mountEntry{}
	for _, m := range readMountinfo(t) {
		fstype[m.point] = m
	}
	want := "v1"
	switch {
	case fstype[cgroupRoot].fstype == "cgroup2":
		want = "v2"
	case fstype[filepath.Join(cgroupRoot, "unified")].fstype == "cgroup2":
		want = "hybrid"
	}
	assert.Equal(t, want, l.version, "mountinfo says %s is %s", cgroupRoot, fstype[cgroupRoot].fstype)
	for c, dir := range l.controllers {
		if dir == l.unified {
			continue
		}
		m := fstype[dir]
		assert.Equal(t, "cgroup", m.fstype, "controller %s: %s must be a v1 cgroup mount", c, dir)
		assert.Contains(t, strings.Split(m.superOpts, ","), c, "mount options of %s", dir)
	}
}

// TestCgroupDelegation parses /proc/self/cgroup and judges a fake own cgroup.
func TestCgroupDelegation(t *testing.T) {
	own, err := ownCgroupV2(strings.NewReader("1:name=systemd:/\n0::/user.slice/user-1000.slice/session-3.scope\n"))
	require.NoError(t, err)
	assert.Equal(t, "/user.slice/user-1000.slice/session-3.scope", own)
	_, err = ownCgroupV2(strings.NewReader("4:memory:/\n1:cpu:/\n"))
	assert.ErrorContains(t, err, "no cgroup v2 entry", "a pure v1 host has no 0:: line")

	unified := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(unified, "user.slice/app.scope"), 0o755))
	v2 := cgroupLayout{version: "v2", unified: unified}
	f := cgroupDelegation(v2, strings.NewReader("0::/user.slice/app.scope\n"))
	assert.Equal(t, statusOK, f.status, "a writable own cgroup is delegated: %+v", f)
	f = cgroupDelegation(v2, strings.NewReader("0::/gone.scope\n"))
	assert.Equal(t, statusWarn, f.status, "a cgroup that does not exist is not writable: %+v", f)
	assert.Contains(t, f.fix, "sudo go run ./lessons", "the fix says how else to get limits: %+v", f)
	f = cgroupDelegation(cgroupLayout{version: "hybrid"}, strings.NewReader("0::/\n"))
	assert.Equal(t, statusWarn, f.status, "v1 controllers need root: %+v", f)
}

// TestBusyboxStaticCheck tells static from dynamic ELF files.
func TestBusyboxStaticCheck(t *testing.T) {
	t.Run("busybox-static is static", func(t *testing.T) {
		for _, path := range busyboxPaths {
			if _, err := os.Stat(path); err != nil {
				continue
			}
			static, err := isStaticELF(path)
			require.NoError(t, err)
			if !static {
				t.Skipf("%s is dynamically linked: sudo apt-get install busybox-static", path)
			}
			return
		}
		t.Skip("no busybox here: sudo apt-get install busybox-static")
	})
	t.Run("ls is dynamic", func(t *testing.T) {
		static, err := isStaticELF("/bin/ls")
		require.NoError(t, err)
		assert.False(t, static, "/bin/ls has a PT_INTERP header")
	})
	t.Run("not an ELF file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "script")
		require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755))
		_, err := isStaticELF(path)
		assert.Error(t, err)
	})
	t.Run("absent", func(t *testing.T) {
		_, err := isStaticELF(filepath.Join(t.TempDir(), "busybox"))
		assert.ErrorIs(t, err, fs.ErrNotExist, "checkBusybox tells absent from broken")
	})
}

// TestDoctorParsesVersions covers kernel releases, go directives and Go versions.
func TestDoctorParsesVersions(t *testing.T) {
	for release, want := range map[string][2]int{
		"6.18.44-fc-v669": {6, 18}, "5.4.0-150-generic": {5, 4}, "5.11": {5, 11}, "4.19+": {4, 19},
	} {
		major, minor, err := parseKernelRelease(release)
		require.NoError(t, err, release)
		assert.Equal(t, want, [2]int{major, minor}, release)
	}
	_, _, err := parseKernelRelease("six")
	assert.Error(t, err)

	v, err := parseGoDirective(strings.NewReader("module x\n\ngo 1.24.0\n\nrequire y v1\n"))
	require.NoError(t, err)
	assert.Equal(t, "1.24.0", v)
	_, err = parseGoDirective(strings.NewReader("module x\n"))
	assert.Error(t, err)

	for _, tc := range []struct {
		have, want string
		ok         bool
	}{
		{"go1.26.8", "1.24.0", true}, {"go1.24", "1.24.0", true}, {"go1.24.1", "1.24", true},
		{"go1.23.9", "1.24.0", false}, {"go1.25rc1", "1.24.0", true}, {"go1.24.0", "1.24.1", false},
		{"devel go1.27-abc", "1.24.0", true},
	} {
		assert.Equal(t, tc.ok, goVersionAtLeast(tc.have, tc.want), "%s >= %s", tc.have, tc.want)
	}
}

// TestDoctorSplitsFixes separates a finding from its fix command.
func TestDoctorSplitsFixes(t *testing.T) {
	detail, fix := splitFix("user namespaces are blocked by user.max_user_namespaces=0: " +
		"sudo sysctl -w user.max_user_namespaces=15000")
	assert.Equal(t, "user namespaces are blocked by user.max_user_namespaces=0", detail)
	assert.Equal(t, "sudo sysctl -w user.max_user_namespaces=15000", fix)
	detail, fix = splitFix("something else")
	assert.Equal(t, "something else", detail)
	assert.Equal(t, "something else", fix, "without a command the message is the fix")
}

// TestDoctorReportFormat checks the columns, the wrapping and the fix lines.
func TestDoctorReportFormat(t *testing.T) {
	long := strings.Repeat("word ", 40)
	out := formatFinding(finding{statusMissing, "cgroup/delegation", long, cgroupRootFix})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.True(t, strings.HasPrefix(lines[0], "missing cgroup/delegation  word"), "got %q", lines[0])
	for _, line := range lines {
		assert.Less(t, len(line), reportWidth, "line %q", line)
	}
	assert.Contains(t, out, "\n        fix: run limits as root (sudo)")
	assert.Contains(t, out, "\n             systemd-run --user --scope -p Delegate=yes go run ./lessons ...\n",
		"the command stays whole on its own line")
	assert.Equal(t, "ok      kernel             6.8\n", formatFinding(finding{statusOK, "kernel", "6.8", "x"}),
		"an ok line has no fix")
	assert.Equal(t, 2, doctor([]string{"--bogus"}), "the one flag doctor takes is --clean")
}

// TestDoctorOnThisMachine runs every check here and checks the report and
// that the probes left no mount and no temp dir behind.
func TestDoctorOnThisMachine(t *testing.T) {
	tmp := t.TempDir()
	overlays := func() (n int) {
		for _, m := range readMountinfo(t) {
			require.False(t, strings.HasPrefix(m.point, tmp), "%s is still mounted", m.point)
			if m.fstype == "overlay" {
				n++
			}
		}
		return n
	}
	before := overlays()
	var out bytes.Buffer
	code := runDoctor(&out, doctorEnv{root: os.Geteuid() == 0, tmp: tmp})
	t.Logf("doctor said:\n%s", out.String())

	assert.Equal(t, before, overlays(), "overlay mounts before and after the doctor")
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the probes' temp dirs in %s", tmp)

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	summary := regexp.MustCompile(`^doctor: (\d+) ok, (\d+) missing, (\d+) warnings$`).
		FindStringSubmatch(lines[len(lines)-1])
	require.NotNil(t, summary, "the last line is the summary, got %q", lines[len(lines)-1])
	assert.Equal(t, summary[2] != "0", code == 1, "exit status %d with %s missing", code, summary[2])

	seen := map[string]string{}
	needFix := ""
	for _, line := range lines[:len(lines)-1] {
		assert.Less(t, len(line), reportWidth, "line %q", line)
		if strings.HasPrefix(line, " ") {
			if strings.HasPrefix(line, "        fix: ") {
				needFix = ""
			}
			continue
		}
		require.Empty(t, needFix, "finding %q has no fix line", needFix)
		fields := strings.Fields(line)
		require.Len(t, line[:8], 8)
		require.Contains(t, []string{statusOK, statusMissing, statusWarn}, fields[0], "line %q", line)
		seen[fields[1]] = fields[0]
		if fields[0] != statusOK {
			needFix = line
		}
	}
	require.Empty(t, needFix, "finding %q has no fix line", needFix)
	for _, name := range []string{"kernel", "ns/user", "cgroups", "overlay", "pivot_root", "go", "busybox"} {
		assert.Contains(t, seen, name, "the report has a %s line", name)
	}
	if os.Geteuid() == 0 {
		assert.Contains(t, seen, "overlay/mount", "as root the doctor mounts an overlay")
	}
}

// TestOverlayProbeCleansUp mounts real overlays and checks nothing stays behind.
func TestOverlayProbeCleansUp(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount overlayfs: go test -exec sudo ./lessons -run Overlay")
	}
	tmp := t.TempDir()
	require.NoError(t, probeOverlay(tmp, writeThrough))
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "probeOverlay removes its temp dir")

	// A failure while the overlay is mounted still unmounts it and removes the dir.
	var mergedDir string
	err = probeOverlay(tmp, func(merged, upper string) error {
		mergedDir = merged
		return fs.ErrInvalid
	})
	require.ErrorIs(t, err, fs.ErrInvalid)
	for _, m := range readMountinfo(t) {
		require.NotEqual(t, mergedDir, m.point, "the overlay is still mounted")
	}
	left, err = os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "probeOverlay removes its temp dir after a failure")
}

// TestDoctorPivotRoot pivots a child's root and checks the host is untouched.
func TestDoctorPivotRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to pivot_root: go test -exec sudo ./lessons -run Doctor")
	}
	tmp := t.TempDir()
	before := readMountinfo(t)
	require.NoError(t, probePivotRoot(tmp), "pivot_root in a child's mount namespace")
	assert.Equal(t, len(before), len(readMountinfo(t)), "the child's mounts stay in its namespace")
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the pivot_root probe's temp dir is removed")
}

func TestDoctorUserManagerDelegation(t *testing.T) {
	unified := t.TempDir()
	service := filepath.Join(unified, "user.slice", "user-1000.slice", "user@1000.service")
	require.NoError(t, os.MkdirAll(service, 0o755))

	f := userManagerDelegation(unified, 1000, false)
	assert.Equal(t, statusWarn, f.status, "no user manager: %+v", f)
	assert.Contains(t, f.fix, "machinectl shell")

	require.NoError(t, os.WriteFile(filepath.Join(service, "cgroup.controllers"), []byte("memory pids\n"), 0o644))
	f = userManagerDelegation(unified, 1000, true)
	assert.Equal(t, statusWarn, f.status, "cpu not delegated: %+v", f)
	assert.Contains(t, f.detail, "not cpu")
	assert.Contains(t, f.fix, "Delegate=cpu cpuset io memory pids")

	require.NoError(t, os.WriteFile(filepath.Join(service, "cgroup.controllers"), []byte("cpuset cpu io memory pids\n"), 0o644))
	f = userManagerDelegation(unified, 1000, true)
	assert.Equal(t, statusOK, f.status, "%+v", f)
	assert.Contains(t, f.detail, "user@1000.service delegates cpuset cpu io memory pids")
}
