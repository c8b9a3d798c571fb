//go:build linux

package cgroups_test

// The files, written into a fake cgroupfs: plain directories under
// t.TempDir() that stand in for the kernel's, so your v2 code runs on a
// host whose controllers are v1 too (and the bonus's v1 code on a v2
// host: bonus_test.go). The real kernel is in limits_test.go.
//
// On a real cgroupfs the kernel fills a new cgroup directory with its
// files the moment it is made. A plain directory stays empty, so the tests
// play the kernel: they put the files in after your Create returns, and
// then call your Set* functions. A file the kernel would not make (no
// swap accounting, say) must not appear either.

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	cgroupslib "github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/unboxed-go/unboxed/lessons/05"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// writeFiles makes dir and writes files (name -> contents) into it.
func writeFiles(l *lessontest.T, dir string, files map[string]string) {
	l.Helper()
	l.NoError(os.MkdirAll(dir, 0o755), "making the fake cgroup directory "+dir)
	for name, content := range files {
		l.NoError(os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644), "writing the fake cgroup file "+name)
	}
}

// fileIs checks that dir/file holds want; a final newline is fine, as the
// kernel takes "16" and "16\n" alike.
func fileIs(l *lessontest.T, want, dir, file string) {
	l.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	l.NoError(err, "reading "+filepath.Join(dir, file))
	l.Equal("the contents of "+filepath.Join(dir, file), want, strings.TrimSuffix(string(data), "\n"))
}

// fileNames lists the files in dir, sorted, in one string.
func fileNames(l *lessontest.T, dir string) string {
	l.Helper()
	entries, err := os.ReadDir(dir)
	l.NoError(err, "listing "+dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func TestCgroupV2Files(t *testing.T) {
	for _, tc := range []struct {
		name string
		swap bool
	}{
		{"with swap accounting (memory.swap.max exists)", true},
		{"without swap accounting (no memory.swap.max)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "cgroup-v2")
			defer l.Recover()
			// The top of a v2 hierarchy, as /sys/fs/cgroup is on Ubuntu
			// 24.04, and the unboxed parent that an earlier container left
			// there: it exists, holds no process, enables nothing yet.
			root := l.TempDir()
			writeFiles(l, root, map[string]string{
				"cgroup.controllers": "cpuset cpu io memory pids\n", "cgroup.subtree_control": "",
				"cgroup.procs": "1\n",
			})
			parent := filepath.Join(root, "unboxed")
			writeFiles(l, parent, map[string]string{
				"cgroup.controllers": "", "cgroup.subtree_control": "", "cgroup.procs": "",
			})

			cg, err := cgroups.Create(root, "unboxed/box")
			l.NoError(err, `Create(root, "unboxed/box")`)
			l.True(cg != nil, "a *Cgroup from Create", "nil")
			dir := filepath.Join(parent, "box")
			l.True(isDir(dir), "Create to make the directory "+dir, "no such directory")
			l.Equal("the cgroup's Dir", dir, cg.Dir)
			for _, ancestor := range []string{root, parent} {
				data, _ := os.ReadFile(filepath.Join(ancestor, "cgroup.subtree_control"))
				for _, c := range []string{"+memory", "+pids", "+cpu"} {
					l.Contains(filepath.Join(ancestor, "cgroup.subtree_control")+" (a controller reaches a cgroup only through every ancestor; write them in one go)", string(data), c)
				}
			}
			fileIs(l, "", parent, "cgroup.procs") // no internal processes

			// What the kernel makes in a new cgroup whose parent enables
			// memory, pids and cpu.
			kernel := map[string]string{
				"cgroup.controllers": "cpu memory pids\n", "cgroup.subtree_control": "", "cgroup.procs": "",
				"cgroup.kill": "", "cgroup.events": "populated 0\nfrozen 0\n",
				"memory.max": "max\n", "memory.current": "0\n", "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
				"pids.max": "max\n", "pids.current": "0\n", "pids.events": "max 0\n",
				"cpu.max": "max 100000\n", "cpu.stat": "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
			}
			if tc.swap {
				kernel["memory.swap.max"] = "max\n"
			}
			writeFiles(l, dir, kernel)
			files := fileNames(l, dir)

			l.NoError(cg.SetMemory(32<<20), "SetMemory(32<<20)")
			l.NoError(cg.SetPids(16), "SetPids(16)")
			l.NoError(cg.SetCPU(0.5), "SetCPU(0.5)")
			fileIs(l, "33554432", dir, "memory.max")
			if tc.swap {
				fileIs(l, "0", dir, "memory.swap.max")
			}
			fileIs(l, "16", dir, "pids.max")
			fileIs(l, "50000 100000", dir, "cpu.max")
			l.Equal("the files in "+dir+" (the kernel makes them; write only those that exist)", files, fileNames(l, dir))

			l.NoError(cg.Add(1234), "Add(1234)")
			fileIs(l, "1234", dir, "cgroup.procs")
		})
	}
}

func TestVersionDetection(t *testing.T) {
	v1 := map[string]map[string]string{
		"memory":      {"cgroup.procs": "1\n", "memory.limit_in_bytes": "9223372036854771712\n"},
		"pids":        {"cgroup.procs": "1\n", "pids.max": "max\n"},
		"cpu,cpuacct": {"cgroup.procs": "1\n", "cpu.cfs_quota_us": "-1\n"},
		"systemd":     {"cgroup.procs": "1\n"}, // a named hierarchy, no controller
	}
	unified := map[string]map[string]string{
		"unified": {"cgroup.controllers": "", "cgroup.subtree_control": "", "cgroup.procs": "1\n"},
	}
	v2 := map[string]map[string]string{
		"":             {"cgroup.controllers": "cpuset cpu io memory pids\n", "cgroup.subtree_control": "memory pids\n", "cgroup.procs": "1\n"},
		"system.slice": {"cgroup.controllers": "memory pids\n", "cgroup.procs": ""},
	}
	hybrid := map[string]map[string]string{}
	for k, v := range v1 {
		hybrid[k] = v
	}
	for k, v := range unified {
		hybrid[k] = v
	}
	for _, tc := range []struct {
		name string
		tree map[string]map[string]string
		want string
	}{
		{"v2: cgroup.controllers at the top", v2, "v2"},
		{"v1: one hierarchy per controller", v1, "v1"},
		{"hybrid: v1 hierarchies and a v2 mount at unified/", hybrid, "hybrid"},
		{"nothing mounted: an empty tmpfs", map[string]map[string]string{"memory": {}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "which-version")
			defer l.Recover()
			root := l.TempDir()
			for dir, files := range tc.tree {
				writeFiles(l, filepath.Join(root, dir), files)
			}
			l.Equal("Version of a fake "+tc.name, tc.want, cgroups.Version(root))
		})
	}
	t.Run("this host", func(t *testing.T) {
		l := lessontest.New(t, "which-version")
		defer l.Recover()
		layout, err := cgroupslib.DetectLayout()
		if err != nil {
			l.Skipf("no cgroups here: %v", err)
		}
		l.Equal(`Version("/sys/fs/cgroup"), next to the library's statfs(2)-based answer`, layout.Version, cgroups.Version("/sys/fs/cgroup"))
	})
}
