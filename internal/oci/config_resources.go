package oci

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/unboxed-go/unboxed/container"
)

// mapResources accepts a device list that denies every device, and
// refuses the rest by name for now: the library's cgroup lives as long as
// the runtime's process, and an OCI container outlives create's.
func mapResources(r *specs.LinuxResources, b *Bundle) error {
	if r == nil {
		return nil
	}
	refuse := map[string]bool{
		"linux.resources.memory (a cgroup that outlives create)": r.Memory != nil,
		"linux.resources.cpu (a cgroup that outlives create)":    r.CPU != nil,
		"linux.resources.pids (a cgroup that outlives create)":   r.Pids != nil,
		"linux.resources.blockIO":                                r.BlockIO != nil,
		"linux.resources.hugepageLimits":                         len(r.HugepageLimits) > 0,
		"linux.resources.network":                                r.Network != nil,
		"linux.resources.rdma":                                   len(r.Rdma) > 0,
		"linux.resources.unified":                                len(r.Unified) > 0,
	}
	for field, set := range refuse {
		if set {
			return unsupported(field, "want it left out")
		}
	}
	for i, d := range r.Devices {
		denyAll := !d.Allow && (d.Type == "" || d.Type == "a") && d.Major == nil && d.Minor == nil && (d.Access == "" || d.Access == "rwm")
		if !denyAll {
			return unsupported(fmt.Sprintf("linux.resources.devices[%d]", i), "no device cgroup: only a rule that denies every device, {\"allow\": false, \"access\": \"rwm\"}, is accepted")
		}
	}
	if len(r.Devices) > 0 {
		b.Warnings = append(b.Warnings, "linux.resources.devices: no device cgroup is made; the container's /dev holds only the standard devices and linux.devices, and without CAP_MKNOD or with a seccomp filter that refuses mknod it can make no other")
	}
	return nil
}

// mapSeccomp maps the runtime-spec's seccomp object onto the library's
// profile (Docker's format, a subset of the same). None means no filter,
// as the runtime-spec says. A rule that allows a call only for some
// arguments is left out when the default refuses that call: the filter
// is then stricter than the file, never looser, and a warning says so.
func mapSeccomp(s *specs.LinuxSeccomp, b *Bundle) error {
	sec := &b.Config.Security
	if s == nil {
		sec.SeccompUnconfined = true
		return nil
	}
	if len(s.Flags) > 0 || s.ListenerPath != "" || s.ListenerMetadata != "" {
		return unsupported("linux.seccomp.flags, listenerPath, listenerMetadata", "want them left out")
	}
	p := &container.SeccompProfile{DefaultAction: string(s.DefaultAction), DefaultErrnoRet: s.DefaultErrnoRet}
	for i, r := range s.Syscalls {
		var names []string
		for _, n := range r.Names {
			if container.KnownSyscall(n) { // another architecture's call cannot be made here
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			continue
		}
		if len(r.Args) > 0 {
			if r.Action == specs.ActAllow && s.DefaultAction != specs.ActAllow {
				b.Warnings = append(b.Warnings, fmt.Sprintf("linux.seccomp.syscalls[%d] (%v): argument conditions are not applied; the default action refuses these calls instead", i, names))
				continue
			}
			return unsupported(fmt.Sprintf("linux.seccomp.syscalls[%d].args", i), "argument conditions, except on a rule that allows what the default refuses")
		}
		p.Syscalls = append(p.Syscalls, container.SeccompRule{Names: names, Action: string(r.Action), ErrnoRet: r.ErrnoRet})
	}
	if _, err := container.ParseSeccompProfile(mustJSON(p)); err != nil {
		return fmt.Errorf("linux.seccomp: %w", err)
	}
	sec.Seccomp = p
	return nil
}
