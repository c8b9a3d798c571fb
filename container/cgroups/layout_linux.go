package cgroups

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

var (
	layoutOnce sync.Once
	layout     Layout
	layoutErr  error
)

// DetectLayout reports how this host mounts cgroups: "v2" when
// /sys/fs/cgroup is a cgroup2 filesystem (statfs(2) f_type
// CGROUP2_SUPER_MAGIC), else the v1 hierarchies and any cgroup2 mount
// found in /proc/self/mountinfo (see DetectLayoutFrom). The answer is
// worked out once per process and then remembered.
func DetectLayout() (Layout, error) {
	layoutOnce.Do(func() {
		var st unix.Statfs_t
		if err := unix.Statfs(cgroupRoot, &st); err != nil {
			layoutErr = fmt.Errorf("detect cgroups: %w", &os.PathError{Op: "statfs", Path: cgroupRoot, Err: err})
			return
		}
		f, err := os.Open("/proc/self/mountinfo")
		if err != nil {
			layoutErr = fmt.Errorf("detect cgroups: %w", err)
			return
		}
		defer f.Close()
		layout, layoutErr = DetectLayoutFrom(f, st.Type == unix.CGROUP2_SUPER_MAGIC)
	})
	if layoutErr != nil {
		return Layout{}, layoutErr
	}
	return layout.clone(), nil
}

// ownCgroups reads this process's own cgroups from /proc/self/cgroup.
func ownCgroups() (map[string]string, error) { return readProcCgroup("/proc/self/cgroup") }

// readProcCgroup reads a file in the format of /proc/PID/cgroup.
func readProcCgroup(file string) (map[string]string, error) {
	data, err := readSmallFile(file)
	if err != nil {
		return nil, err
	}
	return parseProcCgroup(bytes.NewReader(data))
}

// clone returns a copy whose maps the caller may change.
func (l Layout) clone() Layout {
	l.V1, l.v1Roots = maps.Clone(l.V1), maps.Clone(l.v1Roots)
	return l
}

// parseProcCgroup reads a process's cgroups in the format of
// /proc/PID/cgroup (cgroups(7)): "hierarchy-ID:controllers:path" per
// line, "4:memory:/user.slice" on v1, "0::/user.slice/..." for v2. It maps
// each controller to its path, and "" to the v2 path.
func parseProcCgroup(r io.Reader) (map[string]string, error) {
	own := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			own[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			own[c] = parts[2]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read /proc/self/cgroup: %w", err)
	}
	return own, nil
}

// hierarchyDir is the directory of the cgroup at path own (as
// /proc/self/cgroup shows it) in a hierarchy mounted at mount, whose mount
// shows the cgroup root at its mount point.
func hierarchyDir(mount, root, own string) string {
	if root != "" && root != "/" {
		if rel, ok := strings.CutPrefix(own, root); ok && (rel == "" || rel[0] == '/') {
			own = rel
		}
	}
	return path.Join(mount, path.Clean("/"+own))
}
