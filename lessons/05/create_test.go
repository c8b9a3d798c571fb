//go:build linux

package cgroups_test

import (
	"fmt"
	"path/filepath"

	"github.com/unboxed-go/unboxed/lessons/05"
)

// learnerCgroup is what the runtime needs of a cgroup: your *Cgroup, or
// the bonus's *CgroupV1.
type learnerCgroup interface {
	SetMemory(bytes int64) error
	SetPids(max int64) error
	SetCPU(cpus float64) error
	Add(pid int) error
	Destroy() error
}

// wantDirs is where the cgroup of id goes, as the library puts it: on v2
// one directory under "", on v1 one per hierarchy.
func wantDirs(version string, roots map[string]string, id string) map[string]string {
	if version == "v2" {
		return map[string]string{"": filepath.Join(roots[""], parentName, id)}
	}
	want := map[string]string{}
	for c, root := range roots {
		want[c] = filepath.Join(root, parentName, id)
	}
	return want
}

// create makes the cgroup of id with your Create (v2) or CreateV1 (v1),
// checks that it went where it should, and returns it with its
// directories. They are recorded for the tests' sweep in every case.
func create(version string, roots map[string]string, id string) (learnerCgroup, map[string]string, error) {
	want := wantDirs(version, roots, id)
	recordDirs(want)
	path := parentName + "/" + id
	if version == "v2" {
		cg, err := guard(func() (*cgroups.Cgroup, error) { return cgroups.Create(roots[""], path) })
		if err != nil {
			return nil, want, fmt.Errorf("your Create: %w", err)
		}
		if cg == nil || cg.Dir != want[""] {
			return nil, want, fmt.Errorf("your Create(%q, %q) returned %+v, want Dir %q", roots[""], path, cg, want[""])
		}
		return cg, want, nil
	}
	cg, err := guard(func() (*cgroups.CgroupV1, error) { return cgroups.CreateV1(roots, path) })
	if err != nil {
		return nil, want, fmt.Errorf("your CreateV1: %w", err)
	}
	if cg == nil || fmt.Sprint(cg.Dirs) != fmt.Sprint(want) {
		return nil, want, fmt.Errorf("your CreateV1(%v, %q) returned %+v, want Dirs %v", roots, path, cg, want)
	}
	return cg, want, nil
}
