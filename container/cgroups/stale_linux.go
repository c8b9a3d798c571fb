package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// CleanStale removes the cgroups that a runtime which crashed or
// was killed left behind: the directories in unboxed/ (under this
// process's own cgroup in each v1 hierarchy, or /sys/fs/cgroup/unboxed on
// v2) that hold no process, are at least a few seconds old and that no
// running runtime holds (each holds a flock(2) on its cgroups). It
// returns the directories it removed. What still runs in such a cgroup
// outlived its runtime and is killed first. It never touches anything
// outside unboxed/. A process that may not create
// cgroups has none to clean: nil, nil.
func CleanStale() ([]string, error) {
	l, err := DetectLayout()
	if err != nil {
		return nil, err
	}
	own, err := ownCgroups()
	if err != nil {
		return nil, fmt.Errorf("clean stale cgroups: %w", err)
	}
	return cleanStaleAt(l, own, StaleAge, nil)
}

// cleanStaleAt is CleanStale for a given layout and own cgroups,
// with minAge the age below which a cgroup is left alone; match, when not
// nil, picks the container ids to consider (tests pick their own).
func cleanStaleAt(l Layout, own map[string]string, minAge time.Duration, match func(id string) bool) ([]string, error) {
	bases, err := cgroupParents(l, own)
	if errors.Is(err, ErrNoCgroupAccess) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, base := range bases {
		entries, err := os.ReadDir(base)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			if !e.IsDir() || (match != nil && !match(e.Name())) {
				continue
			}
			dir := filepath.Join(base, e.Name())
			ok, err := removeIfStale(dir, minAge)
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				removed = append(removed, dir)
			}
		}
		removeEmptyParent(base)
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("clean stale cgroups: %w", err)
	}
	return removed, nil
}

// cgroupParents lists the unboxed parent directories that New uses
// on this layout.
func cgroupParents(l Layout, own map[string]string) ([]string, error) {
	if l.Version == "v2" {
		top, _, err := v2Parent(l, own)
		if err != nil {
			return nil, err
		}
		return []string{filepath.Join(top, cgroupParent)}, nil
	}
	var bases []string
	for _, c := range v1LimitControllers {
		mount, ok := l.V1[c]
		if !ok {
			continue
		}
		ownPath, ok := own[c]
		if !ok {
			ownPath = "/"
		}
		base := filepath.Join(hierarchyDir(mount, l.v1Roots[c], ownPath), cgroupParent)
		if !contains(bases, base) {
			bases = append(bases, base)
		}
	}
	return bases, nil
}

// removeIfStale removes the cgroup dir when it is old enough, has no
// children and no runtime holds its lock, killing what is left in it.
func removeIfStale(dir string, minAge time.Duration) (bool, error) {
	info, err := os.Stat(dir)
	if err != nil || time.Since(info.ModTime()) < minAge {
		return false, nil
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, nil // gone meanwhile
	}
	defer unix.Close(fd)
	if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) != nil {
		return false, nil // a runtime holds it
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, nil
	}
	for _, e := range entries {
		if e.IsDir() {
			return false, nil // not one of ours: they have no children
		}
	}
	// No runtime holds the lock, so the one that made this cgroup is gone.
	// Whatever still runs in it outlived its runtime: the parent-death
	// signal does not reach every container when a runtime is killed
	// outright (SIGKILL, SIGPIPE).
	if err := killCgroup(dir); err != nil {
		return false, err
	}
	if err := removeCgroupDir(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.EBUSY) {
			return false, nil
		}
		return false, fmt.Errorf("remove stale cgroup: %w", err)
	}
	return true, nil
}
