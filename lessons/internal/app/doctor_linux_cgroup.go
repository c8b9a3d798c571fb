//go:build linux

package app

// The doctor's cgroup checks: which version this host mounts, which
// controllers, and whether a non-root user may create cgroups. The layout
// is the runtime's own (cgroups.DetectLayout), so that the doctor judges
// the machine as run --memory will see it; the doctor adds the controllers
// that the unified hierarchy offers.

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

	"github.com/unboxed-go/unboxed/container/cgroups"
	"golang.org/x/sys/unix"
)

// cgroupRoot is where systemd and the distributions mount cgroups.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupLayout is the doctor's view of the host's cgroups.
type cgroupLayout struct {
	version     string            // "v1", "v2" or "hybrid"
	unified     string            // the cgroup2 hierarchy; "" on v1
	controllers map[string]string // each mounted controller -> its hierarchy's directory
}

// doctorLayout reads the runtime's layout of this host.
func doctorLayout() (cgroupLayout, error) {
	l, err := cgroups.DetectLayout()
	if err != nil {
		return cgroupLayout{}, err
	}
	return layoutControllers(l)
}

// layoutControllers lists the controllers of a layout (cgroups(7)): each
// v1 controller at its hierarchy's mount point, then the controllers that
// the unified hierarchy's cgroup.controllers lists and v1 has not taken.
// On hybrid hosts that file is often empty: a controller serves one
// hierarchy at a time, and v1 took them all.
func layoutControllers(l cgroups.Layout) (cgroupLayout, error) {
	out := cgroupLayout{version: l.Version, unified: l.V2, controllers: map[string]string{}}
	for c, dir := range l.V1 {
		out.controllers[c] = dir
	}
	if l.V2 == "" {
		return out, nil
	}
	data, err := os.ReadFile(filepath.Join(l.V2, "cgroup.controllers"))
	if err != nil {
		return out, err
	}
	for _, c := range strings.Fields(string(data)) {
		if _, taken := out.controllers[c]; !taken {
			out.controllers[c] = l.V2
		}
	}
	return out, nil
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
	l, err := doctorLayout()
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
