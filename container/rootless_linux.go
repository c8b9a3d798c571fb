package container

import (
	"fmt"
	"os"
	"strings"
)

// UserNamespacesBlocked says why this kernel will not let an unprivileged
// user create a user namespace, with the command that changes it, or returns
// nil when nothing is known to stand in the way.
//
// Three switches exist: user.max_user_namespaces (0 disables them),
// Debian's kernel.unprivileged_userns_clone (0 disables them for non-root),
// and Ubuntu 24.04's kernel.apparmor_restrict_unprivileged_userns (1 lets
// the namespace be made but takes every capability inside it away, so
// mounts fail with EPERM).
func UserNamespacesBlocked() error {
	return userNamespacesBlocked("/proc/sys")
}

func userNamespacesBlocked(procSys string) error {
	for _, c := range []struct {
		file, blocked, fix string
	}{
		{"user/max_user_namespaces", "0", "sudo sysctl -w user.max_user_namespaces=15000"},
		{"kernel/unprivileged_userns_clone", "0", "sudo sysctl -w kernel.unprivileged_userns_clone=1"},
		{"kernel/apparmor_restrict_unprivileged_userns", "1", "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"},
	} {
		data, err := os.ReadFile(procSys + "/" + c.file)
		if err != nil {
			continue // the switch does not exist on this kernel
		}
		if strings.TrimSpace(string(data)) == c.blocked {
			name := strings.ReplaceAll(c.file, "/", ".")
			return fmt.Errorf("user namespaces are blocked by %s=%s: %s", name, c.blocked, c.fix)
		}
	}
	return nil
}
