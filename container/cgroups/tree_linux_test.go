package cgroups

// The check that the tests left no cgroup behind: TestMain runs it after
// every test, whatever order they ran in (go test -shuffle on).

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// listUnboxedCgroups lists each unboxed parent directory that New
// would use here, and the cgroups in it.
func listUnboxedCgroups() map[string]bool {
	l, err := DetectLayout()
	if err != nil {
		return nil
	}
	own, err := ownCgroups()
	if err != nil {
		return nil
	}
	bases, _ := cgroupParents(l, own)
	seen := map[string]bool{}
	for _, base := range bases {
		entries, err := os.ReadDir(base)
		if err != nil {
			continue
		}
		seen[base] = true
		for _, e := range entries {
			if e.IsDir() {
				seen[filepath.Join(base, e.Name())] = true
			}
		}
	}
	return seen
}

// leftBehind lists the cgroups of this test process (their names start
// with testIDPrefix) that are there now and were not in before, and an
// empty unboxed parent that appeared.
func leftBehind(before map[string]bool) []string {
	var left []string
	for dir := range listUnboxedCgroups() {
		if before[dir] {
			continue
		}
		name := filepath.Base(dir)
		if strings.HasPrefix(name, testIDPrefix()) || (name == cgroupParent && !hasChildDirs(dir)) {
			left = append(left, dir)
		}
	}
	sort.Strings(left)
	return left
}

func hasChildDirs(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			return true
		}
	}
	return false
}
