package container

// This file's name sorts after the other cgroup tests, so its test runs
// after them: it checks that they left no cgroup behind.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// cgroupsBefore is the unboxed/ tree under this process's cgroups when the
// test binary started.
var cgroupsBefore = listUnboxedCgroups()

// listUnboxedCgroups lists each unboxed parent directory that NewCgroup
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

func TestCgroupTreeCleanAfterTests(t *testing.T) {
	after := listUnboxedCgroups()
	for dir := range after {
		if cgroupsBefore[dir] {
			continue
		}
		name := filepath.Base(dir)
		switch {
		case strings.HasPrefix(name, testIDPrefix()):
			t.Errorf("cgroup %s was left behind by this test run", dir)
		case name == cgroupParent && !hasChildDirs(dir):
			t.Errorf("empty parent %s was left behind", dir)
		default:
			t.Logf("%s appeared meanwhile; not made by this process", dir)
		}
	}
	assert.NotNil(t, after)
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
