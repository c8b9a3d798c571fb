//go:build linux

package cgroups_test

// The bonus, cgroup v1 (lessons/05/v1.go): not required for the lesson,
// and reported apart by go run ./lessons check and verify. Its files on a
// fake v1 tree anywhere, and the real kernel's limits where the host's
// controllers are v1.

import (
	"path/filepath"
	"testing"

	"github.com/unboxed-go/unboxed/lessons/05"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestBonusV1Files(t *testing.T) {
	for _, tc := range []struct {
		name string
		swap bool
	}{
		{"with swap accounting (memory.memsw.limit_in_bytes exists)", true},
		{"without swap accounting (no memory.memsw.limit_in_bytes)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "aside-optional-cgroup-v1-the-bonus")
			defer l.Recover()
			// Three v1 hierarchies as on a hybrid host. The runtime's own
			// memory cgroup is /process_api/abc; in pids and cpu it sits at
			// the top.
			top := l.TempDir()
			roots := map[string]string{
				"memory": filepath.Join(top, "memory", "process_api", "abc"),
				"pids":   filepath.Join(top, "pids"),
				"cpu":    filepath.Join(top, "cpu"),
			}
			for _, root := range roots {
				writeFiles(l, root, map[string]string{"cgroup.procs": "42\n", "tasks": "42\n"})
			}

			cg, err := cgroups.CreateV1(roots, "unboxed/box")
			l.NoError(err, `CreateV1(roots, "unboxed/box")`)
			l.True(cg != nil, "a *CgroupV1 from CreateV1", "nil")
			want := map[string]string{}
			for c, root := range roots {
				want[c] = filepath.Join(root, "unboxed", "box")
				l.True(isDir(want[c]), "CreateV1 to make the directory "+want[c], "no such directory")
			}
			l.Equal("the cgroup's Dirs (one per hierarchy, by controller)", want, cg.Dirs)

			// What the kernel makes in a new cgroup of each hierarchy.
			unlimited := "9223372036854771712\n"
			memory := map[string]string{
				"cgroup.procs": "", "tasks": "", "memory.limit_in_bytes": unlimited,
				"memory.usage_in_bytes": "0\n", "memory.max_usage_in_bytes": "0\n",
				"memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
			}
			if tc.swap {
				memory["memory.memsw.limit_in_bytes"] = unlimited
			}
			writeFiles(l, want["memory"], memory)
			writeFiles(l, want["pids"], map[string]string{
				"cgroup.procs": "", "tasks": "", "pids.max": "max\n", "pids.current": "0\n", "pids.events": "max 0\n",
			})
			writeFiles(l, want["cpu"], map[string]string{
				"cgroup.procs": "", "tasks": "", "cpu.cfs_period_us": "100000\n", "cpu.cfs_quota_us": "-1\n",
				"cpu.shares": "1024\n", "cpu.stat": "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n",
			})
			files := map[string]string{}
			for c, dir := range want {
				files[c] = fileNames(l, dir)
			}

			l.NoError(cg.SetMemory(32<<20), "SetMemory(32<<20)")
			l.NoError(cg.SetPids(16), "SetPids(16)")
			l.NoError(cg.SetCPU(0.5), "SetCPU(0.5)")
			fileIs(l, "33554432", want["memory"], "memory.limit_in_bytes")
			if tc.swap {
				fileIs(l, "33554432", want["memory"], "memory.memsw.limit_in_bytes")
			}
			fileIs(l, "16", want["pids"], "pids.max")
			fileIs(l, "100000", want["cpu"], "cpu.cfs_period_us")
			fileIs(l, "50000", want["cpu"], "cpu.cfs_quota_us")
			for c, dir := range want {
				l.Equal("the files in "+dir+" (the kernel makes them; write only those that exist)", files[c], fileNames(l, dir))
			}

			l.NoError(cg.Add(1234), "Add(1234)")
			for _, dir := range want {
				fileIs(l, "1234", dir, "cgroup.procs")
			}
			for _, root := range roots {
				fileIs(l, "42", root, "cgroup.procs") // the runtime's own cgroup is left alone
			}
		})
	}
}

// TestBonusV1Limits runs the real-kernel checks of limits_test.go and
// destroy_test.go on the bonus's CgroupV1, where the host's controllers
// are v1; on a v2 host each subtest says it does not run here.
func TestBonusV1Limits(t *testing.T) {
	l := lessontest.New(t, "aside-optional-cgroup-v1-the-bonus")
	needCgroups(l, "v1") // each check then names its own notes section
	for _, check := range []struct {
		name, section string
		run           func(*lessontest.T, string)
	}{
		{"the fork bomb stops at pids.max", "the-fork-bomb", forkBomb},
		{"a memory hog is OOM-killed", "the-oom-killer", memoryHog},
		{"a busy loop is throttled", "cpu-quota", busyLoop},
		{"the cgroup is gone afterwards", "cleaning-up", cgroupIsGone},
		{"Destroy kills what is left", "cleaning-up", destroyKills},
	} {
		t.Run(check.name, func(t *testing.T) { check.run(lessontest.New(t, check.section), "v1") })
	}
}
