package oci

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// mapResources maps memory, cpu and pids onto the library's cgroup limits
// (see mapMemory, mapCPU), accepts a device list that denies every device
// (which the seccomp filter then enforces, see mapSeccomp), and refuses
// the rest by name.
func mapResources(r *specs.LinuxResources, b *Bundle) error {
	if r == nil {
		return nil
	}
	refuse := map[string]bool{
		"linux.resources.blockIO":        r.BlockIO != nil,
		"linux.resources.hugepageLimits": len(r.HugepageLimits) > 0,
		"linux.resources.network":        r.Network != nil,
		"linux.resources.rdma":           len(r.Rdma) > 0,
		"linux.resources.unified":        len(r.Unified) > 0,
	}
	for field, set := range refuse {
		if set {
			return unsupported(field, "want it left out")
		}
	}
	if err := mapMemory(r.Memory, b); err != nil {
		return err
	}
	if err := mapCPU(r.CPU, b); err != nil {
		return err
	}
	if r.Pids != nil {
		b.cgroup = true
		if l := r.Pids.Limit; l != nil && *l > 0 { // nil, 0 and -1: no limit
			b.Config.Limits.Pids = *l
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

// mapMemory: limit, and swap when it equals the limit (the library's
// memory limit allows no swap on top: memory.memsw.limit_in_bytes, or v2
// memory.swap.max 0); the other fields are refused by name.
func mapMemory(m *specs.LinuxMemory, b *Bundle) error {
	if m == nil {
		return nil
	}
	b.cgroup = true
	refuse := map[string]bool{
		"linux.resources.memory.reservation (no soft limit)": m.Reservation != nil,
		//lint:ignore SA1019 deprecated but still in the runtime-spec, and a bundle may set it: it is refused by name
		"linux.resources.memory.kernel (kernel-memory limits: deprecated since Linux 5.4, accepted and ignored by later v1 kernels, absent from v2)": m.Kernel != nil,
		"linux.resources.memory.kernelTCP (kernel-memory limits)":                                                                                    m.KernelTCP != nil,
		"linux.resources.memory.swappiness":        m.Swappiness != nil,
		"linux.resources.memory.disableOOMKiller":  m.DisableOOMKiller != nil,
		"linux.resources.memory.useHierarchy":      m.UseHierarchy != nil,
		"linux.resources.memory.checkBeforeUpdate": m.CheckBeforeUpdate != nil,
	}
	for field, set := range refuse {
		if set {
			return unsupported(field, "want it left out")
		}
	}
	if m.Limit != nil && *m.Limit != -1 {
		if *m.Limit < cgroups.MinMemory {
			return fmt.Errorf("linux.resources.memory.limit %d: below the minimum of 6M, no process could start (want e.g. 67108864, or -1 for none)", *m.Limit)
		}
		b.Config.Limits.Memory = *m.Limit
	}
	if m.Swap != nil && (m.Limit == nil || *m.Swap != *m.Limit) {
		return unsupported(fmt.Sprintf("linux.resources.memory.swap %d", *m.Swap), "the limit allows no swap on top, so swap must equal limit (memory plus swap), e.g. \"limit\": 67108864, \"swap\": 67108864; or leave it out")
	}
	return nil
}

// mapCPU: quota and period (CPUs = quota/period), shares, cpus and mems;
// the realtime, idle and burst fields are refused by name.
func mapCPU(c *specs.LinuxCPU, b *Bundle) error {
	if c == nil {
		return nil
	}
	b.cgroup = true
	refuse := map[string]bool{
		"linux.resources.cpu.realtimeRuntime": c.RealtimeRuntime != nil,
		"linux.resources.cpu.realtimePeriod":  c.RealtimePeriod != nil,
		"linux.resources.cpu.idle":            c.Idle != nil,
		"linux.resources.cpu.burst":           c.Burst != nil,
	}
	for field, set := range refuse {
		if set {
			return unsupported(field, "want it left out")
		}
	}
	l := &b.Config.Limits
	period := uint64(100000)
	if c.Period != nil {
		period = *c.Period
		if period < 1000 || period > 1000000 {
			return fmt.Errorf("linux.resources.cpu.period %d: want 1000 (1ms) to 1000000 (1s) microseconds, e.g. 100000", period)
		}
		l.CPUPeriod = int64(period)
	}
	if c.Quota != nil && *c.Quota != -1 {
		if *c.Quota < 1000 {
			return fmt.Errorf("linux.resources.cpu.quota %d: below the kernel's smallest quota, 1000 microseconds (want e.g. 50000, or -1 for none)", *c.Quota)
		}
		l.CPUs = float64(*c.Quota) / float64(period)
	}
	if c.Shares != nil && *c.Shares != 0 {
		if *c.Shares < 2 || *c.Shares > 262144 {
			return fmt.Errorf("linux.resources.cpu.shares %d: want 2 to 262144, e.g. 1024", *c.Shares)
		}
		l.CPUShares = *c.Shares
	}
	for _, set := range []struct{ field, value string }{{"cpus", c.Cpus}, {"mems", c.Mems}} {
		if set.value != "" && !cgroups.ValidCPUList(set.value) {
			return fmt.Errorf("linux.resources.cpu.%s %q: want a list, e.g. \"0-3,6\" (cpuset(7))", set.field, set.value)
		}
	}
	l.CPUSet, l.MemSet = c.Cpus, c.Mems
	return nil
}
