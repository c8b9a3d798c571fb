//go:build linux

package app

// The doctor's cgroup checks: which version this host mounts, which
// controllers, and whether a non-root user may create cgroups. Detection
// takes a root directory and a statfs function, so tests classify fake
// layouts built under t.TempDir() as well as the real /sys/fs/cgroup.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroupRoot is where systemd and the distributions mount cgroups.
const cgroupRoot = "/sys/fs/cgroup"

// A statfsFunc returns the filesystem magic number (statfs(2) f_type) of
// the filesystem that path is on.
type statfsFunc func(path string) (int64, error)

// statfsMagic is the statfsFunc of the real kernel.
func statfsMagic(path string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, &os.PathError{Op: "statfs", Path: path, Err: err}
	}
	return int64(st.Type), nil
}

// cgroupLayout is what detectCgroups finds under a cgroup root.
type cgroupLayout struct {
	version     string            // "v1", "v2" or "hybrid"
	unified     string            // the cgroup2 hierarchy; "" on v1
	controllers map[string]string // each mounted controller -> its hierarchy's directory
}

// namedHierarchies are v1 hierarchies mounted with -o name=... that carry
// no controller, only a process tree (cgroups(7), "Named hierarchies").
var namedHierarchies = map[string]bool{"systemd": true, "elogind": true}

// detectCgroups classifies the cgroup mounts under root (cgroups(7)):
//   - v2: root is a cgroup2 filesystem; its cgroup.controllers lists the
//     controllers.
//   - v1: root is a tmpfs and its directories are v1 hierarchies, each
//     named after its controllers ("cpu,cpuacct"), each a cgroup filesystem.
//   - hybrid: v1, plus a cgroup2 filesystem at root/unified (systemd's
//     hybrid mode); controllers not bound to v1 may show up there.
func detectCgroups(root string, statfs statfsFunc) (cgroupLayout, error) {
	magic, err := statfs(root)
	if err != nil {
		return cgroupLayout{}, err
	}
	l := cgroupLayout{controllers: map[string]string{}}
	switch magic {
	case unix.CGROUP2_SUPER_MAGIC:
		l.version, l.unified = "v2", root
		return l, l.addV2Controllers()
	case unix.TMPFS_MAGIC:
	default:
		return l, fmt.Errorf("%s is not a cgroup mount (filesystem magic %#x)", root, magic)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return l, err
	}
	for _, e := range entries {
		// Skip the symlinks ("cpu" -> "cpu,cpuacct"): they repeat a hierarchy.
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		m, err := statfs(dir)
		switch {
		case err != nil:
			continue // not ours to judge: no controller of a hierarchy here
		case m == unix.CGROUP_SUPER_MAGIC && !namedHierarchies[e.Name()]:
			for _, c := range strings.Split(e.Name(), ",") {
				l.controllers[c] = dir
			}
		case m == unix.CGROUP2_SUPER_MAGIC && e.Name() == "unified":
			l.unified = dir
		}
	}
	switch {
	case l.unified != "":
		l.version = "hybrid"
		return l, l.addV2Controllers()
	case len(l.controllers) == 0:
		return l, fmt.Errorf("%s is a tmpfs with no cgroup hierarchies in it", root)
	}
	l.version = "v1"
	return l, nil
}

// addV2Controllers adds the controllers that the cgroup.controllers file of
// the unified hierarchy lists. On hybrid hosts it is often empty: a
// controller serves one hierarchy at a time, and v1 took them all.
func (l *cgroupLayout) addV2Controllers() error {
	data, err := os.ReadFile(filepath.Join(l.unified, "cgroup.controllers"))
	if err != nil {
		return err
	}
	for _, c := range strings.Fields(string(data)) {
		if _, taken := l.controllers[c]; !taken {
			l.controllers[c] = l.unified
		}
	}
	return nil
}

// names returns the mounted controllers, sorted.
func (l cgroupLayout) names() []string {
	var names []string
	for c := range l.controllers {
		names = append(names, c)
	}
	sort.Strings(names)
	return names
}

// The cgroup controllers the lessons set limits with.
var neededControllers = []string{"memory", "pids", "cpu"}

// checkCgroups reports the cgroup version and controllers of this host,
// each needed controller, and for non-root whether limits can work.
func checkCgroups(env doctorEnv) []finding {
	l, err := detectCgroups(cgroupRoot, statfsMagic)
	if err != nil {
		return []finding{{statusMissing, "cgroups", err.Error(),
			"sudo mount -t cgroup2 none " + cgroupRoot}}
	}
	out := []finding{{statusOK, "cgroups", l.version + ", controllers: " +
		strings.Join(l.names(), " "), ""}}
	for _, c := range neededControllers {
		if dir, ok := l.controllers[c]; ok {
			out = append(out, finding{statusOK, "cgroup/" + c, "mounted at " + dir, ""})
			continue
		}
		fix := fmt.Sprintf("grep -w %s /proc/cgroups /proc/cmdline, and boot without cgroup_disable=%s",
			c, c)
		if l.version != "v2" {
			dir := filepath.Join(cgroupRoot, c)
			fix = fmt.Sprintf("sudo mkdir -p %s && sudo mount -t cgroup -o %s cgroup %s", dir, c, dir)
		}
		out = append(out, finding{statusMissing, "cgroup/" + c, "not mounted", fix})
	}
	if !env.root {
		f, err := os.Open("/proc/self/cgroup")
		if err != nil {
			return append(out, finding{statusWarn, "cgroup/delegation", err.Error(), cgroupRootFix})
		}
		defer f.Close()
		out = append(out, cgroupDelegation(l, f))
	}
	return out
}

// cgroupRootFix is the fix when this user cannot create cgroups.
const cgroupRootFix = "run limits as root (sudo), or use a systemd delegated scope:\n" +
	"systemd-run --user --scope -p Delegate=yes go run ./lessons ..."

// cgroupDelegation says whether a non-root user can create cgroups: on v2
// when its own cgroup, read from procSelfCgroup (the format of
// /proc/self/cgroup), is writable (systemd delegates user@UID.service and
// scopes made with Delegate=yes, cgroups(7) "Delegation"); v1 has no safe
// delegation, so only root sets limits there.
func cgroupDelegation(l cgroupLayout, procSelfCgroup io.Reader) finding {
	const name = "cgroup/delegation"
	if l.version != "v2" {
		return finding{statusWarn, name, "not root: " + l.version +
			" controllers can only be used by root", "run limits as root: sudo go run ./lessons ..."}
	}
	own, err := ownCgroupV2(procSelfCgroup)
	if err != nil {
		return finding{statusWarn, name, err.Error(), cgroupRootFix}
	}
	dir := filepath.Join(l.unified, own)
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return userManagerDelegation(l.unified, os.Getuid(), userBusExists())
	}
	return finding{statusOK, name, "own cgroup " + dir + " is writable (delegated)", ""}
}

// ownCgroupV2 returns the cgroup v2 path of a process from its
// /proc/PID/cgroup, the line "0::/user.slice/..." (cgroups(7)).
func ownCgroupV2(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if path, ok := strings.CutPrefix(sc.Text(), "0::"); ok {
			return path, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("no cgroup v2 entry (0::/path) in /proc/self/cgroup")
}

// userBusExists says whether this user's systemd manager listens on
// $XDG_RUNTIME_DIR/bus (/run/user/UID/bus when the variable is unset).
func userBusExists() bool {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = fmt.Sprintf("/run/user/%d", os.Getuid())
	}
	_, err := os.Stat(filepath.Join(dir, "bus"))
	return err == nil
}

// delegateDropIn is the fix when systemd delegates too few controllers to
// users (systemd before 252 delegates only memory and pids).
const delegateDropIn = "sudo mkdir -p /etc/systemd/system/user@.service.d && " +
	"printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' | sudo tee /etc/systemd/system/user@.service.d/delegate.conf && " +
	"sudo systemctl daemon-reload\nthen log out and in again"

// userManagerDelegation is the finding for a user whose own cgroup is not
// writable (a login session's scope): limits work when the user's systemd
// manager runs (busExists) and user@UID.service under unified has memory,
// pids and cpu, since the runtime then asks it for a delegated scope.
func userManagerDelegation(unified string, uid int, busExists bool) finding {
	const name = "cgroup/delegation"
	if !busExists {
		return finding{statusWarn, name, "own cgroup is not writable and no systemd user manager runs for uid " +
			strconv.Itoa(uid), "log in the usual way (ssh, or machinectl shell USER@) so that user@" + strconv.Itoa(uid) +
			".service runs, or run limits as root: sudo go run ./lessons ..."}
	}
	service := filepath.Join(unified, "user.slice", fmt.Sprintf("user-%d.slice", uid), fmt.Sprintf("user@%d.service", uid))
	data, err := os.ReadFile(filepath.Join(service, "cgroup.controllers"))
	if err != nil {
		return finding{statusWarn, name, "the systemd user manager's cgroup: " + err.Error(), cgroupRootFix}
	}
	have := strings.Fields(string(data))
	var missing []string
	for _, c := range neededControllers {
		if !slices.Contains(have, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return finding{statusWarn, name, fmt.Sprintf("systemd delegates %q to user@%d.service, not %s",
			strings.Join(have, " "), uid, strings.Join(missing, " ")), delegateDropIn}
	}
	return finding{statusOK, name, fmt.Sprintf("user@%d.service delegates %s: the runtime asks it for a scope of its own (Delegate=yes)",
		uid, strings.Join(have, " ")), ""}
}
