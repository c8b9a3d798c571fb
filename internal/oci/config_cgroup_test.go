package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

func resources(r specs.LinuxResources) func(*specs.Spec) {
	return func(s *specs.Spec) { s.Linux.Resources = &r }
}

func i64(v int64) *int64   { return &v }
func u64(v uint64) *uint64 { return &v }
func boolp(v bool) *bool   { return &v }
func refusedWithExample(t *testing.T, field string, change func(*specs.Spec)) {
	t.Helper()
	s := DefaultSpec()
	change(s)
	_, err := ToConfig(s, bundleDir(t))
	if assert.Error(t, err, "want %s refused", field) {
		assert.Contains(t, err.Error(), field, "the error names the field")
		assert.Regexp(t, `e\.g\.|want (it|the path) left out`, err.Error(), "the error shows what is accepted")
	}
}

func TestConfigResourcesMemory(t *testing.T) {
	b := mapped(t, resources(specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: i64(64 << 20), Swap: i64(64 << 20)}}))
	assert.Equal(t, cgroups.Limits{Memory: 64 << 20}, b.Config.Limits, "linux.resources.memory.limit, swap equal to it")
	assert.True(t, b.cgroup, "a memory limit needs a cgroup")
	none := mapped(t, resources(specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: i64(-1)}}))
	assert.Equal(t, cgroups.Limits{}, none.Config.Limits, "limit -1: no limit")
	refusedWithExample(t, "linux.resources.memory.limit", resources(specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: i64(1 << 20)}}))
	refusedWithExample(t, "linux.resources.memory.swap", resources(specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: i64(64 << 20), Swap: i64(128 << 20)}}))
	refusedWithExample(t, "linux.resources.memory.swap", resources(specs.LinuxResources{Memory: &specs.LinuxMemory{Swap: i64(64 << 20)}}))
	for field, m := range map[string]specs.LinuxMemory{
		"linux.resources.memory.reservation":      {Reservation: i64(64 << 20)},
		"linux.resources.memory.kernel":           {Kernel: i64(64 << 20)},
		"linux.resources.memory.kernelTCP":        {KernelTCP: i64(64 << 20)},
		"linux.resources.memory.swappiness":       {Swappiness: u64(10)},
		"linux.resources.memory.disableOOMKiller": {DisableOOMKiller: boolp(true)},
	} {
		refusedWithExample(t, field, resources(specs.LinuxResources{Memory: &m}))
	}
}

func TestConfigResourcesCPU(t *testing.T) {
	b := mapped(t, resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: i64(50000), Period: u64(500000)}}))
	assert.Equal(t, cgroups.Limits{CPUs: 0.1, CPUPeriod: 500000}, b.Config.Limits, "linux.resources.cpu.quota per period")
	b = mapped(t, resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: i64(200000)}}))
	assert.Equal(t, cgroups.Limits{CPUs: 2}, b.Config.Limits, "a quota without a period: per 100ms")
	b = mapped(t, resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: u64(2048)}}))
	assert.Equal(t, cgroups.Limits{CPUShares: 2048}, b.Config.Limits, "linux.resources.cpu.shares")
	b = mapped(t, resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "0-1", Mems: "0"}}))
	assert.Equal(t, cgroups.Limits{CPUSet: "0-1", MemSet: "0"}, b.Config.Limits, "linux.resources.cpu.cpus and mems")
	b = mapped(t, resources(specs.LinuxResources{CPU: &specs.LinuxCPU{}}))
	assert.True(t, b.cgroup, "an empty cpu object still gets a cgroup, as runc gives it")
	refusedWithExample(t, "linux.resources.cpu.period", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Period: u64(10)}}))
	refusedWithExample(t, "linux.resources.cpu.quota", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: i64(10)}}))
	refusedWithExample(t, "linux.resources.cpu.shares", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: u64(1)}}))
	refusedWithExample(t, "linux.resources.cpu.cpus", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "zero"}}))
	refusedWithExample(t, "linux.resources.cpu.mems", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{Mems: "0;1"}}))
	refusedWithExample(t, "linux.resources.cpu.realtimeRuntime", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{RealtimeRuntime: i64(950000)}}))
	refusedWithExample(t, "linux.resources.cpu.realtimePeriod", resources(specs.LinuxResources{CPU: &specs.LinuxCPU{RealtimePeriod: u64(1000000)}}))
}

func TestConfigResourcesPids(t *testing.T) {
	b := mapped(t, resources(specs.LinuxResources{Pids: &specs.LinuxPids{Limit: i64(1000)}}))
	assert.Equal(t, cgroups.Limits{Pids: 1000}, b.Config.Limits, "linux.resources.pids.limit")
	assert.True(t, b.cgroup, "a pids limit needs a cgroup")
	b = mapped(t, resources(specs.LinuxResources{Pids: &specs.LinuxPids{Limit: i64(-1)}}))
	assert.Equal(t, cgroups.Limits{}, b.Config.Limits, "limit -1: no limit")
}

func TestConfigCgroupsPath(t *testing.T) {
	assert.False(t, mapped(t, func(*specs.Spec) {}).cgroup, "no resources and no path: no cgroup, nothing to slow the start")
	for _, p := range []string{"/cgrouptest", "testdir/cgrouptest/container"} {
		b := mapped(t, func(s *specs.Spec) { s.Linux.CgroupsPath = p })
		assert.Equal(t, p, b.cgroupsPath, "linux.cgroupsPath")
		assert.True(t, b.cgroup, "a path alone asks for a cgroup")
	}
	for _, p := range []string{"/", "/a/../../b", "../escape", "system.slice:unboxed:box"} {
		refusedWithExample(t, "linux.cgroupsPath", func(s *specs.Spec) { s.Linux.CgroupsPath = p })
	}
}
