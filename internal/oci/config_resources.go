package oci

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/unboxed-go/unboxed/container"
)

// mapResources accepts a device list that denies every device (which
// the seccomp filter then enforces, see mapSeccomp), and refuses the rest
// by name for now: the library's cgroup lives as long as the runtime's
// process, and an OCI container outlives create's.
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
		b.denyDevices = true
		b.Warnings = append(b.Warnings, "linux.resources.devices: no device cgroup is made; the seccomp filter refuses to make device nodes instead, but a node the rootfs itself holds could still be opened")
	}
	return nil
}

// sIFCHR is S_IFCHR (inode(7)), the same on every Linux architecture.
const sIFCHR = 0o020000

// deviceRules refuse mknod(2) and mknodat(2) of a character or block
// device (the S_IFCHR bit is set in both modes, and in no other that
// mknod makes), as a device cgroup that denies every device would refuse
// to open one. FIFOs and sockets are still allowed.
func deviceRules() []container.SeccompRule {
	var rules []container.SeccompRule
	for _, c := range []struct {
		name string
		mode uint
	}{{"mknod", 1}, {"mknodat", 2}} {
		if container.KnownSyscall(c.name) { // arm64 has no mknod
			rules = append(rules, container.SeccompRule{Names: []string{c.name}, Action: "SCMP_ACT_ERRNO",
				ArgConditions: []container.SeccompArg{{Index: c.mode, Value: sIFCHR, ValueTwo: sIFCHR, Op: "SCMP_CMP_MASKED_EQ"}}})
		}
	}
	return rules
}

// mapSeccomp maps the runtime-spec's seccomp object onto the library's
// profile (Docker's format, a subset of the same). None means no filter,
// as the runtime-spec says.
func mapSeccomp(s *specs.LinuxSeccomp, b *Bundle) error {
	sec := &b.Config.Security
	if s == nil && b.denyDevices {
		sec.Seccomp = &container.SeccompProfile{DefaultAction: "SCMP_ACT_ALLOW", Syscalls: deviceRules()}
		return nil
	}
	if s == nil {
		sec.SeccompUnconfined = true
		return nil
	}
	if len(s.Flags) > 0 || s.ListenerPath != "" || s.ListenerMetadata != "" {
		return unsupported("linux.seccomp.flags, listenerPath, listenerMetadata", "want them left out")
	}
	p := &container.SeccompProfile{DefaultAction: string(s.DefaultAction), DefaultErrnoRet: s.DefaultErrnoRet}
	if b.denyDevices {
		p.Syscalls = deviceRules() // first: the first rule that matches wins
	}
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
		rule := container.SeccompRule{Names: names, Action: string(r.Action), ErrnoRet: r.ErrnoRet}
		conds, err := seccompArgs(i, r.Args)
		if err != nil {
			return err
		}
		if len(conds) == 0 {
			p.Syscalls = append(p.Syscalls, rule)
		}
		for _, c := range conds {
			rule.ArgConditions = c
			p.Syscalls = append(p.Syscalls, rule)
		}
	}
	if _, err := container.ParseSeccompProfile(mustJSON(p)); err != nil {
		return fmt.Errorf("linux.seccomp: %w", err)
	}
	sec.Seccomp = p
	return nil
}

// seccompArgs maps a rule's argument conditions: all must hold, except
// that several equalities on one argument are alternatives (as runc and
// libseccomp read them), each becoming a rule of its own.
func seccompArgs(i int, args []specs.LinuxSeccompArg) ([][]container.SeccompArg, error) {
	if len(args) == 0 {
		return nil, nil
	}
	var all []container.SeccompArg
	sameIndex := true
	for j, a := range args {
		if a.Op != specs.OpEqualTo && a.Op != specs.OpMaskedEqual {
			return nil, unsupported(fmt.Sprintf("linux.seccomp.syscalls[%d].args[%d].op %q", i, j, a.Op), "want SCMP_CMP_EQ or SCMP_CMP_MASKED_EQ")
		}
		if a.Index > 5 {
			return nil, fmt.Errorf("linux.seccomp.syscalls[%d].args[%d].index %d: want 0 to 5", i, j, a.Index)
		}
		all = append(all, container.SeccompArg{Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: string(a.Op)})
		sameIndex = sameIndex && a.Index == args[0].Index && a.Op == specs.OpEqualTo
	}
	if sameIndex && len(all) > 1 {
		var alternatives [][]container.SeccompArg
		for _, a := range all {
			alternatives = append(alternatives, []container.SeccompArg{a})
		}
		return alternatives, nil
	}
	return [][]container.SeccompArg{all}, nil
}
