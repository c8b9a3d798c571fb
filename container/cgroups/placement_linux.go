package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Place works out where the cgroup at cgroupPath goes, without making
// anything (see Placement):
//
//   - An absolute path is taken from the root of each hierarchy, as the
//     runtime-spec says: /box is /sys/fs/cgroup/memory/box on v1 and
//     /sys/fs/cgroup/box on v2. On v1 this is not under the runtime's
//     own cgroup, where New puts its cgroups, so the container is not
//     held by the caller's limits: the runtime-spec's meaning wins, and
//     the cgroup is still one this process makes and removes.
//   - A relative path is taken from this process's own cgroup in each
//     hierarchy (/proc/self/cgroup): box is <own>/box.
//
// A path with a ".." element, the root itself, or a cgroup that exists
// already is refused: the runtime only ever writes to cgroups it made.
// On v1 the cgroup is placed in the memory, pids, cpu and cpuset
// hierarchies that are mounted; one that limits need and the host lacks
// is an error that wraps ErrControllerMissing. Only root may place a
// cgroup (ErrNoCgroupAccess).
func Place(cgroupPath string, limits Limits) (Placement, error) {
	if err := CheckPath(cgroupPath); err != nil {
		return Placement{}, err
	}
	if err := limits.validate(); err != nil {
		return Placement{}, err
	}
	l, err := DetectLayout()
	if err != nil {
		return Placement{}, err
	}
	own, err := ownCgroups()
	if err != nil {
		return Placement{}, fmt.Errorf("place cgroup %s: %w", cgroupPath, err)
	}
	return placeAt(l, own, cgroupPath, limits)
}

// placeAt is Place for a given layout and own cgroups.
func placeAt(l Layout, own map[string]string, cgroupPath string, limits Limits) (Placement, error) {
	abs := strings.HasPrefix(cgroupPath, "/")
	rel := path.Clean("/" + cgroupPath)
	p := Placement{Dirs: map[string]string{}}
	base := func(mount, root, ownPath string) string {
		if abs {
			return hierarchyDir(mount, root, "/")
		}
		return hierarchyDir(mount, root, ownPath)
	}
	if l.Version == "v2" {
		p.Version = "v2"
		top := base(l.V2, l.v2Root, ownOr(own, ""))
		if err := p.add("", top, rel); err != nil {
			return Placement{}, err
		}
		available, err := readCgroupFile(top, "cgroup.controllers")
		if err != nil {
			return Placement{}, fmt.Errorf("place cgroup %s: %w", cgroupPath, err)
		}
		for _, c := range v1LimitControllers {
			switch {
			case contains(strings.Fields(available), c) && (c != "cpuset" || limits.needs(c)):
				p.Enable = append(p.Enable, c)
			case limits.needs(c):
				return Placement{}, missingController(c, filepath.Join(top, "cgroup.controllers"), "enable it in the cgroups above, or leave that limit out")
			}
		}
		return p, nil
	}
	p.Version = "v1"
	for _, c := range v1LimitControllers {
		mount, ok := l.V1[c]
		if !ok {
			if limits.needs(c) {
				dir := filepath.Join(cgroupRoot, c)
				return Placement{}, missingController(c, "the cgroup v1 hierarchies",
					fmt.Sprintf("mount it: sudo mkdir -p %s && sudo mount -t cgroup -o %s cgroup %s", dir, c, dir))
			}
			continue
		}
		if err := p.add(c, base(mount, l.v1Roots[c], ownOr(own, c)), rel); err != nil {
			return Placement{}, err
		}
	}
	if len(p.Dirs) == 0 {
		return Placement{}, missingController("memory, pids, cpu and cpuset", "the cgroup v1 hierarchies", "mount at least one: sudo mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory")
	}
	return p, nil
}

// add places the cgroup rel under top for controller c: it must not
// exist, top must be writable, and the directories between them that do
// not exist are Made.
func (p *Placement) add(c, top, rel string) error {
	dir := filepath.Join(top, rel)
	p.Dirs[c] = dir
	if slices.Contains(p.Made, dir) {
		return nil // a hierarchy shared with another controller
	}
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("cgroup %s exists already: unboxed uses only cgroups it makes (want a path that no cgroup has, e.g. /box-2)", dir)
	}
	if err := unix.Access(top, unix.W_OK); err != nil {
		return fmt.Errorf("%w: %s is not writable (%v): placing a cgroup needs root (sudo)", ErrNoCgroupAccess, top, err)
	}
	var made []string
	for d := dir; d != top && strings.HasPrefix(d, top+"/"); d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		made = append(made, d)
	}
	slices.Reverse(made)
	p.Made = append(p.Made, made...)
	return nil
}

// leaves are the cgroups themselves, one per hierarchy.
func (p Placement) leaves() []string {
	var dirs []string
	for _, c := range append([]string{""}, v1LimitControllers...) {
		if d, ok := p.Dirs[c]; ok && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// parents are the directories Made above the cgroups, children first.
func (p Placement) parents() []string {
	var dirs []string
	for _, d := range p.Made {
		if !slices.Contains(p.leaves(), d) {
			dirs = append(dirs, d)
		}
	}
	slices.Reverse(dirs)
	return dirs
}

// Create makes the placed cgroup's directories and sets limits, as New
// does for its own. The cgroup is not held by this process: it stays
// until Destroy or Remove, and CleanStale never takes it. On v1 a new
// cpuset directory gets its parent's CPUs and memory nodes. On any error
// nothing Create made is left behind.
func (p Placement) Create(limits Limits) (Cgroup, error) {
	if err := limits.validate(); err != nil {
		return nil, err
	}
	if len(p.Dirs) == 0 || (p.Version != "v1" && p.Version != "v2") {
		return nil, errors.New("create placed cgroup: an empty placement (want one from cgroups.Place)")
	}
	dirs := &cgroupDirs{parents: p.parents()}
	fail := func(err error) (Cgroup, error) {
		return nil, errors.Join(err, dirs.destroy())
	}
	leaves := p.leaves()
	for _, d := range p.Made {
		if p.Version == "v2" {
			if err := enableControllers(filepath.Dir(d), p.Enable, false); err != nil {
				if errors.Is(err, unix.EBUSY) {
					// cgroup-v2.rst, "No Internal Process Constraint".
					err = fmt.Errorf("%w: %s holds processes, so cgroup v2 lets it hand no controller down (want a path under a cgroup without processes, e.g. an absolute one, /box)", err, filepath.Dir(d))
				}
				return fail(err)
			}
		}
		if err := cgroupMkdir(d); err != nil {
			if errors.Is(err, os.ErrExist) && slices.Contains(leaves, d) {
				return fail(fmt.Errorf("create cgroup %s: it exists already: unboxed uses only cgroups it makes (want a path that no cgroup has)", d))
			}
			if !errors.Is(err, os.ErrExist) {
				return fail(fmt.Errorf("create cgroup %s: %w", d, err))
			}
		}
		if slices.Contains(leaves, d) {
			dirs.dirs = append(dirs.dirs, d)
		}
		if err := inheritCpuset(d); err != nil {
			return fail(err)
		}
	}
	var cg Cgroup
	if p.Version == "v2" {
		cg = &cgroupV2{cgroupDirs: *dirs.takeOver(), dir: p.Dirs[""]}
	} else {
		cg = &cgroupV1{cgroupDirs: *dirs.takeOver(), dir: p.Dirs}
	}
	if err := applyLimits(cg, limits); err != nil {
		return nil, errors.Join(err, cg.Destroy())
	}
	return cg, nil
}

// takeOver moves the lists into a new cgroupDirs (one holds a mutex, so
// it is not copied).
func (c *cgroupDirs) takeOver() *cgroupDirs {
	n := &cgroupDirs{dirs: c.dirs, parents: c.parents}
	c.dirs, c.parents = nil, nil
	return n
}

// Remove kills whatever is left in the placed cgroup and removes the
// directories that Create made, children first; a directory that is gone
// already is no error, and one above the cgroup that another cgroup now
// lives in stays. Any process may call it with the Placement that Place
// returned, also after the one that made the cgroup was killed halfway.
func (p Placement) Remove() error {
	var dirs []string
	for _, d := range p.leaves() {
		if slices.Contains(p.Made, d) {
			dirs = append(dirs, d)
		}
	}
	c := &cgroupDirs{dirs: dirs, parents: p.parents()}
	if err := c.destroy(); err != nil {
		return fmt.Errorf("remove cgroup: %w", err)
	}
	return nil
}
