package container

import (
	"fmt"
	"slices"
	"strings"
)

// Security is what a container may do once its command runs. The zero
// value is the safe default, Docker's: the bounding, permitted and
// effective capability sets hold DefaultCapabilities and nothing more,
// no_new_privs is set, and a seccomp filter refuses the system calls that
// reach past the container (DefaultSeccompDenyList). Each field opts out of
// one piece, under the name docker run gives it.
type Security struct {
	// Privileged keeps every capability, loads no seccomp filter, leaves
	// /sys writable and masks nothing in /proc and /sys (docker run
	// --privileged). False: the defaults above.
	Privileged bool
	// CapAdd and CapDrop change DefaultCapabilities (--cap-add and
	// --cap-drop): names with or without CAP_, in any case, or ALL. Drops
	// apply first, so CapDrop ALL with CapAdd NET_BIND_SERVICE keeps that
	// one. Nil: no change.
	CapAdd, CapDrop []string
	// NewPrivileges leaves no_new_privs unset, so a setuid or
	// file-capability program may gain privileges on execve
	// (--security-opt no-new-privileges=false). False: no_new_privs.
	NewPrivileges bool
	// SeccompUnconfined loads no seccomp filter (--security-opt
	// seccomp=unconfined). False: Seccomp, or the default filter.
	SeccompUnconfined bool
	// Seccomp is a filter in Docker's profile format (--security-opt
	// seccomp=FILE.json, read with ParseSeccompProfile). Nil: the
	// default filter.
	Seccomp *SeccompProfile
}

// DefaultCapabilities are the capabilities a container's root keeps,
// Docker's default 14: CapEff 00000000a80425fb in /proc/self/status.
// CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_TIME, CAP_NET_ADMIN and the rest
// are gone, so no mount, no module, no clock, no network reconfiguration.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// capabilityNames are the kernel's capabilities, each at its number
// (include/uapi/linux/capability.h, capabilities(7)).
var capabilityNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// ParseCapability turns a capability's name as docker run takes it
// (net_admin, NET_ADMIN or CAP_NET_ADMIN) into the kernel's spelling.
func ParseCapability(name string) (string, error) {
	canon := strings.ToUpper(strings.TrimSpace(name))
	if !strings.HasPrefix(canon, "CAP_") {
		canon = "CAP_" + canon
	}
	if !slices.Contains(capabilityNames, canon) {
		return "", fmt.Errorf("unknown capability %q (want a name of capabilities(7), e.g. NET_ADMIN, CAP_SYS_PTRACE or ALL)", name)
	}
	return canon, nil
}

// capabilityNumber is the kernel's number for a name of capabilityNames.
func capabilityNumber(name string) int { return slices.Index(capabilityNames, name) }

// Capabilities works out the set a container keeps: every capability when
// privileged, else DefaultCapabilities less CapDrop plus CapAdd, in the
// kernel's order.
func (s Security) Capabilities() ([]string, error) {
	keep := map[string]bool{}
	base := DefaultCapabilities
	if s.Privileged {
		base = capabilityNames
	}
	for _, c := range base {
		keep[c] = true
	}
	for _, change := range []struct {
		names []string
		to    bool
	}{{s.CapDrop, false}, {s.CapAdd, true}} {
		for _, name := range change.names {
			if strings.EqualFold(name, "ALL") {
				for _, c := range capabilityNames {
					keep[c] = change.to
				}
				continue
			}
			c, err := ParseCapability(name)
			if err != nil {
				return nil, err
			}
			keep[c] = change.to
		}
	}
	var out []string
	for _, c := range capabilityNames {
		if keep[c] {
			out = append(out, c)
		}
	}
	return out, nil
}
