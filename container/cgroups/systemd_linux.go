package cgroups

// Rootless limits on a systemd host. A login session's cgroup
// (user.slice/user-UID.slice/session-N.scope) belongs to root, so a normal
// user cannot make cgroups there. The user's own systemd manager
// (user@UID.service) can hand out a cgroup of the user's own: a transient
// scope with Delegate=yes, the same thing `systemd-run --user --scope -p
// Delegate=yes` and podman ask for. See systemd's "Control Group APIs and
// Delegation" and org.freedesktop.systemd1(5), StartTransientUnit.
//
// The call goes through busctl(1), which comes with systemd wherever a
// user manager runs: one exec on the path that needs it, instead of a
// D-Bus client library linked into every container's init.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// moveToDelegatedScope asks the user's systemd manager for a transient
// scope with Delegate=yes holding this process, waits until the process
// is in it, and returns its path as /proc/self/cgroup shows it. It fails
// when no user manager runs (no $XDG_RUNTIME_DIR/bus, no busctl).
func moveToDelegatedScope() (string, error) {
	runtimeDir := os.Getenv("XDG_RUNTIME_DIR")
	if runtimeDir == "" {
		runtimeDir = "/run/user/" + strconv.Itoa(os.Getuid())
	}
	if _, err := os.Stat(filepath.Join(runtimeDir, "bus")); err != nil {
		return "", fmt.Errorf("no systemd user manager to delegate a cgroup (%w)", err)
	}
	busctl, err := exec.LookPath("busctl")
	if err != nil {
		return "", fmt.Errorf("no busctl to ask the systemd user manager for a cgroup: %w", err)
	}
	before, _ := ownCgroups()
	pid := strconv.Itoa(os.Getpid())
	unit := "unboxed-" + pid + ".scope"
	cmd := exec.Command(busctl, "--user", "call",
		"org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
		"StartTransientUnit", "ssa(sv)a(sa(sv))", unit, "fail",
		"3", "PIDs", "au", "1", pid, "Delegate", "b", "true",
		"Description", "s", "unboxed containers of process "+pid,
		"0")
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("ask the systemd user manager for a delegated scope %s: %w: %s", unit, err, strings.TrimSpace(stderr.String()))
	}
	// The job that moves us runs after the call returns.
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		now, err := ownCgroups()
		if err == nil && now[""] != before[""] && strings.HasSuffix(now[""], "/"+unit) {
			return now[""], nil
		}
	}
	return "", errors.New("the systemd user manager made " + unit + " but did not move this process into it within 3s")
}
