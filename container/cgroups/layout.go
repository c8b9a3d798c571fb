package cgroups

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// cgroupRoot is where systemd and the distributions mount cgroups.
const cgroupRoot = "/sys/fs/cgroup"

// Layout is how this host mounts cgroups (cgroups(7)). There are three
// kinds:
//
//   - "v2": one unified hierarchy (cgroup2, Linux 4.5) at /sys/fs/cgroup,
//     every controller in it. Ubuntu 21.10+, Fedora 31+, Debian 11+.
//   - "v1": one hierarchy per controller or group of controllers (cgroup,
//     Linux 2.6.24), each mounted at /sys/fs/cgroup/NAME.
//   - "hybrid": v1 hierarchies, plus a cgroup2 mount (systemd puts it at
//     /sys/fs/cgroup/unified) that holds processes but, in practice, no
//     controllers: each controller serves only one hierarchy at a time.
//
// The runtime sets limits through V2 on "v2" and through V1 otherwise.
type Layout struct {
	// Version is "v1", "v2" or "hybrid".
	Version string
	// V1 maps each v1 controller ("memory", "pids", "cpu", ...) to the
	// mount point of its hierarchy. Co-mounted controllers share one
	// ("cpu" and "cpuacct" -> /sys/fs/cgroup/cpu,cpuacct). Nil on "v2".
	V1 map[string]string
	// V2 is the mount point of the cgroup2 hierarchy: /sys/fs/cgroup on
	// "v2", often /sys/fs/cgroup/unified on "hybrid", "" on "v1".
	V2 string

	// The cgroup that each mount shows at its mount point (mountinfo's
	// root field): "/" unless a container runtime bind-mounted a subtree.
	v1Roots map[string]string
	v2Root  string
}

// v1Controllers are the controllers a v1 hierarchy may be mounted with,
// as named in its mount options (/proc/cgroups lists this kernel's).
var v1Controllers = map[string]bool{
	"blkio": true, "cpu": true, "cpuacct": true, "cpuset": true, "devices": true,
	"freezer": true, "hugetlb": true, "memory": true, "misc": true, "net_cls": true,
	"net_prio": true, "perf_event": true, "pids": true, "rdma": true,
}

// DetectLayoutFrom works the layout out from a mount table in the format
// of /proc/self/mountinfo (proc(5)): the "cgroup" mounts are v1
// hierarchies, their super options name their controllers, and a
// "cgroup2" mount is the unified hierarchy. v2Root says whether
// /sys/fs/cgroup itself is a cgroup2 filesystem (statfs(2) magic
// CGROUP2_SUPER_MAGIC): then the layout is "v2" whatever else is mounted.
// DetectLayout calls it with the real mount table.
func DetectLayoutFrom(mountinfo io.Reader, v2Root bool) (Layout, error) {
	l := Layout{V1: map[string]string{}, v1Roots: map[string]string{}}
	var v2Mounts, v2Roots []string
	sc := bufio.NewScanner(mountinfo)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		m, ok := parseMountinfoLine(sc.Text())
		if !ok {
			continue
		}
		switch m.fstype {
		case "cgroup2":
			v2Mounts = append(v2Mounts, m.point)
			v2Roots = append(v2Roots, m.root)
		case "cgroup":
			for _, opt := range strings.Split(m.superOptions, ",") {
				if !v1Controllers[opt] {
					continue
				}
				// Keep the first mount of a hierarchy, or the one under
				// /sys/fs/cgroup when it is mounted twice.
				if old, seen := l.V1[opt]; seen && (strings.HasPrefix(old, cgroupRoot+"/") || !strings.HasPrefix(m.point, cgroupRoot+"/")) {
					continue
				}
				l.V1[opt] = m.point
				l.v1Roots[opt] = m.root
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Layout{}, fmt.Errorf("read mountinfo: %w", err)
	}
	for i, p := range v2Mounts {
		if l.V2 == "" || p == cgroupRoot {
			l.V2, l.v2Root = p, v2Roots[i]
		}
	}
	switch {
	case v2Root:
		if l.V2 == "" || !strings.HasPrefix(l.V2, cgroupRoot) {
			l.V2, l.v2Root = cgroupRoot, "/"
		}
		l.Version, l.V1, l.v1Roots = "v2", nil, nil
	case len(l.V1) > 0 && l.V2 != "":
		l.Version = "hybrid"
	case len(l.V1) > 0:
		l.Version = "v1"
	case l.V2 != "":
		l.Version, l.V1, l.v1Roots = "v2", nil, nil
	default:
		return Layout{}, fmt.Errorf("no cgroup filesystem is mounted (want e.g. sudo mount -t cgroup2 none %s)", cgroupRoot)
	}
	return l, nil
}

// mountinfoEntry is what the cgroup detection needs of a mountinfo line.
type mountinfoEntry struct {
	root, point, fstype, superOptions string
}

// parseMountinfoLine splits one line of /proc/PID/mountinfo (proc(5)):
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// Fields 4 and 5 are the root and the mount point; after the optional
// fields and the "-" come the filesystem type, the source and the super
// options.
func parseMountinfoLine(line string) (mountinfoEntry, bool) {
	fields := strings.Fields(line)
	sep := -1
	for i := 6; i < len(fields); i++ {
		if fields[i] == "-" {
			sep = i
			break
		}
	}
	if len(fields) < 6 || sep < 0 || sep+3 >= len(fields) {
		return mountinfoEntry{}, false
	}
	return mountinfoEntry{
		root:         unescapeMountinfo(fields[3]),
		point:        unescapeMountinfo(fields[4]),
		fstype:       fields[sep+1],
		superOptions: fields[sep+3],
	}, true
}

// unescapeMountinfo undoes the kernel's octal escapes in mountinfo paths
// (a space is \040, a newline \012, a backslash \134).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
