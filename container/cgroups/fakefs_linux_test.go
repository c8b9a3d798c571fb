package cgroups

// A fake cgroupfs: plain directories under t.TempDir() that stand in for
// the kernel's cgroup filesystems, with cgroupMkdir and cgroupRmdir acting
// on them as the kernel acts on cgroups.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// useFakeCgroupfs makes cgroupMkdir and cgroupRmdir act on plain
// directories the way the kernel acts on cgroups, until the test ends.
func useFakeCgroupfs(t *testing.T) {
	t.Helper()
	mkdir, rmdir := cgroupMkdir, cgroupRmdir
	cgroupMkdir, cgroupRmdir = fakeMkdir, fakeRmdir
	t.Cleanup(func() { cgroupMkdir, cgroupRmdir = mkdir, rmdir })
}

// fakeMkdir makes a cgroup directory with the files its parent's
// controllers give it: on v2 (the parent has cgroup.subtree_control) the
// core files and those of the controllers the parent enables, with
// cgroup.controllers listing them; on v1 the parent's files.
func fakeMkdir(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	subtree, v2 := fakeRead(parent, "cgroup.subtree_control")
	enabled := strings.Fields(strings.ReplaceAll(subtree, "+", ""))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		value, _ := fakeRead(parent, name)
		controller, _, _ := strings.Cut(name, ".")
		switch {
		case name == "cgroup.procs" || name == "cgroup.subtree_control":
			value = ""
		case name == "cgroup.controllers":
			value = strings.Join(enabled, " ")
		case v2 && controller != "cgroup" && name != "cpu.stat" && !contains(enabled, controller):
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(value), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// fakeRmdir removes a cgroup directory with its files, and refuses with
// EBUSY while it has children, as rmdir(2) does on cgroupfs.
func fakeRmdir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &os.PathError{Op: "rmdir", Path: dir, Err: unix.ENOENT}
	}
	for _, e := range entries {
		if e.IsDir() {
			return &os.PathError{Op: "rmdir", Path: dir, Err: unix.EBUSY}
		}
	}
	return os.RemoveAll(dir)
}

func fakeRead(dir, file string) (string, bool) {
	data, err := os.ReadFile(filepath.Join(dir, file))
	return string(data), err == nil
}

// fakeFiles writes files (name -> contents) into dir, making dir first.
func fakeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, value := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(value), 0o644))
	}
}

// requireFile checks that dir/file holds want, exactly.
func requireFile(t *testing.T, want, dir, file string) {
	t.Helper()
	got, ok := fakeRead(dir, file)
	require.True(t, ok, "want file %s/%s", dir, file)
	require.Equal(t, want, got, "contents of %s/%s", dir, file)
}

// fakeV2 is the top of a v2 hierarchy, with controllers available, as
// /sys/fs/cgroup is on Ubuntu 24.04 (files that only children get are
// there too, for fakeMkdir to hand down).
func fakeV2(t *testing.T, controllers, subtree string) (Layout, string) {
	root := t.TempDir()
	fakeFiles(t, root, map[string]string{
		"cgroup.controllers":     controllers,
		"cgroup.subtree_control": subtree,
		"cgroup.procs":           "1\n",
		"cgroup.kill":            "",
		"cgroup.events":          "populated 0\nfrozen 0\n",
		"memory.max":             "max",
		"memory.swap.max":        "max",
		"memory.peak":            "0",
		"memory.events":          "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
		"pids.max":               "max",
		"pids.peak":              "0",
		"pids.events":            "max 0\n",
		"cpu.max":                "max 100000",
		"cpu.stat":               "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
	})
	return Layout{Version: "v2", V2: root, v2Root: "/"}, root
}

// fakeV1 is a set of v1 hierarchies as on a hybrid host: memory, pids, and
// cpu and cpuacct mounted together; the runtime's own memory cgroup is
// /process_api/abc.
func fakeV1(t *testing.T) (Layout, map[string]string, string) {
	root := t.TempDir()
	mem, pids, cpu := filepath.Join(root, "memory"), filepath.Join(root, "pids"), filepath.Join(root, "cpu,cpuacct")
	unlimited := "9223372036854771712"
	fakeFiles(t, mem, map[string]string{"cgroup.procs": "1\n", "tasks": ""})
	fakeFiles(t, filepath.Join(mem, "process_api", "abc"), map[string]string{
		"cgroup.procs": "42\n", "memory.limit_in_bytes": unlimited, "memory.memsw.limit_in_bytes": unlimited,
		"memory.max_usage_in_bytes": "0", "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
	})
	fakeFiles(t, pids, map[string]string{
		"cgroup.procs": "1\n", "pids.max": "max", "pids.peak": "0", "pids.events": "max 0\n",
	})
	fakeFiles(t, cpu, map[string]string{
		"cgroup.procs": "1\n", "cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "-1",
		"cpu.stat": "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n",
	})
	l := Layout{
		Version: "hybrid",
		V1:      map[string]string{"memory": mem, "pids": pids, "cpu": cpu, "cpuacct": cpu},
		v1Roots: map[string]string{"memory": "/", "pids": "/", "cpu": "/", "cpuacct": "/"},
	}
	own := map[string]string{"memory": "/process_api/abc", "pids": "/", "cpu": "/", "cpuacct": "/", "": "/"}
	return l, own, root
}
