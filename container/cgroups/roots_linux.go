package cgroups

import (
	"errors"
	"fmt"
	"os"
)

// Roots returns where this process's containers' cgroups go, the
// directories under which New makes its unboxed/ parent: the version whose
// files to write ("v1" or "v2") and the directories by controller.
//
//   - v2: roots[""] is the top of the hierarchy when this process may
//     write there (root), else the cgroup delegated to it (see Delegate),
//     with memory, pids and cpu enabled for its children where it offers
//     them. A delegated cgroup's own processes move to its child "leaf"
//     first: a cgroup that hands controllers down may hold no process.
//   - v1 and hybrid: roots["memory"], roots["pids"] and roots["cpu"] are
//     this process's own cgroup in each hierarchy that is mounted, so that
//     containers stay inside the limits of whoever started them.
//
// It is the place lesson 05's Create starts from. Not being allowed to
// make cgroups there is an error that wraps ErrNoCgroupAccess.
func Roots() (version string, roots map[string]string, err error) {
	l, err := DetectLayout()
	if err != nil {
		return "", nil, err
	}
	own, err := ownCgroups()
	if err != nil {
		return "", nil, fmt.Errorf("cgroup roots: %w", err)
	}
	if l.Version == "v2" {
		top, _, err := v2Top(l, own, Limits{})
		if err != nil {
			return "", nil, err
		}
		return "v2", map[string]string{"": top}, nil
	}
	roots = map[string]string{}
	for _, c := range limitControllers {
		if mount, ok := l.V1[c]; ok {
			roots[c] = hierarchyDir(mount, l.v1Roots[c], ownOr(own, c))
		}
	}
	if len(roots) == 0 {
		return "", nil, missingController("memory, pids or cpu", "the cgroup v1 hierarchies", "mount one, see go run ./lessons doctor")
	}
	return "v1", roots, nil
}

// Delegate makes sure a process that is not root has a cgroup of its own
// to make containers' cgroups in, on a v2 host run by systemd: when its
// cgroup is not writable (a login session's scope belongs to root), it
// asks the user's systemd manager for a transient scope with Delegate=yes
// and moves into it, as `systemd-run --user --scope -p Delegate=yes`
// would. Call it before starting the processes that should share that
// cgroup (a test binary does, before it re-runs itself in a user
// namespace, where the user manager would not recognise it). As root, on
// v1 and hybrid, or when the cgroup is already delegated, it does nothing.
func Delegate() error {
	if os.Geteuid() == 0 {
		return nil
	}
	l, err := DetectLayout()
	if err != nil || l.Version != "v2" {
		return err
	}
	own, err := ownCgroups()
	if err != nil {
		return err
	}
	_, _, err = v2Parent(l, own)
	if !errors.Is(err, ErrNoCgroupAccess) {
		return err
	}
	_, serr := moveToDelegatedScope()
	if serr != nil {
		return fmt.Errorf("%w; %v", err, serr)
	}
	return nil
}

// ownOr is own[c], or the root cgroup when c is not listed.
func ownOr(own map[string]string, c string) string {
	if p, ok := own[c]; ok {
		return p
	}
	return "/"
}
