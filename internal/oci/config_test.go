package oci

import (
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/unboxed-go/unboxed/container"
)

// bundleDir is a bundle with an empty rootfs/ directory.
func bundleDir(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "rootfs"), 0o755))
	return dir
}

func mapped(t *testing.T, change func(*specs.Spec)) *Bundle {
	t.Helper()
	s := DefaultSpec()
	change(s)
	b, err := ToConfig(s, bundleDir(t))
	require.NoError(t, err)
	return b
}

func refused(t *testing.T, field string, change func(*specs.Spec)) {
	t.Helper()
	s := DefaultSpec()
	change(s)
	_, err := ToConfig(s, bundleDir(t))
	require.Error(t, err, "want %s refused", field)
	assert.Contains(t, err.Error(), field, "the error names the field")
}

func TestConfigRoot(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) { s.Root.Readonly = true })
	assert.Equal(t, filepath.Join(b.Dir, "rootfs"), b.Config.Rootfs, "root.path is taken from the bundle")
	assert.True(t, b.Config.ReadOnly, "root.readonly")
	refused(t, "root.path", func(s *specs.Spec) { s.Root.Path = "missing" })
	refused(t, "root.path", func(s *specs.Spec) { s.Root = nil })
}

func TestConfigProcess(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) {
		s.Process.Args = []string{"/bin/echo", "hi"}
		s.Process.Env = []string{"A=1"}
		s.Process.Cwd = "/tmp"
		s.Process.User = specs.User{UID: 10, GID: 20, AdditionalGids: []uint32{5, 6}}
		s.Process.NoNewPrivileges = false
		adj := 500
		s.Process.OOMScoreAdj = &adj
	})
	c := b.Config
	assert.Equal(t, []string{"/bin/echo", "hi"}, c.Args, "process.args")
	assert.Equal(t, []string{"A=1"}, c.Env, "process.env")
	assert.Equal(t, "/tmp", c.Dir, "process.cwd")
	assert.Equal(t, "10:20", c.User, "process.user uid and gid")
	assert.Equal(t, []int{5, 6}, c.AdditionalGids, "process.user.additionalGids")
	assert.True(t, c.Security.NewPrivileges, "noNewPrivileges false leaves no_new_privs unset")
	require.NotNil(t, c.OOMScoreAdj)
	assert.Equal(t, 500, *c.OOMScoreAdj, "process.oomScoreAdj")
	assert.Equal(t, []string{}, mapped(t, func(s *specs.Spec) { s.Process.Env = nil }).Config.Env, "no env is an empty one, not the library's default")
	refused(t, "process.args", func(s *specs.Spec) { s.Process.Args = nil })
	refused(t, "process.cwd", func(s *specs.Spec) { s.Process.Cwd = "tmp" })
	refused(t, "process.apparmorProfile", func(s *specs.Spec) { s.Process.ApparmorProfile = "docker-default" })
	refused(t, "process.oomScoreAdj", func(s *specs.Spec) { adj := 2000; s.Process.OOMScoreAdj = &adj })
}

func TestConfigCapabilities(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) {
		s.Process.Capabilities = &specs.LinuxCapabilities{
			Bounding: []string{"CAP_CHOWN", "CAP_KILL"}, Effective: []string{"CAP_KILL"},
			Permitted: []string{"CAP_KILL"}, Inheritable: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL"},
		}
	})
	caps, err := b.Config.Security.Capabilities()
	require.NoError(t, err)
	assert.Equal(t, []string{"CAP_CHOWN", "CAP_KILL"}, caps, "the bounding set is what the library keeps")
	assert.Equal(t, &container.CapabilitySets{
		Bounding: []string{"CAP_CHOWN", "CAP_KILL"}, Effective: []string{"CAP_KILL"},
		Permitted: []string{"CAP_KILL"}, Inheritable: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL"},
	}, b.Config.Capabilities, "each of the five sets")
	lone := mapped(t, func(s *specs.Spec) {
		s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: []string{"CAP_KILL"}, Permitted: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL"}}
	})
	assert.Empty(t, lone.Config.Capabilities.Ambient, "an ambient capability that is not inheritable cannot be raised")
	assert.Len(t, lone.Warnings, 1, "and a warning says it is left out")
	none, err := mapped(t, func(s *specs.Spec) { s.Process.Capabilities = nil }).Config.Security.Capabilities()
	require.NoError(t, err)
	assert.Empty(t, none, "no capabilities object: no capability")
	refused(t, "process.capabilities.bounding", func(s *specs.Spec) {
		s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, "CAP_TEST")
	})
}

func TestConfigRlimits(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) {
		s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 100, Hard: 200}}
	})
	assert.Equal(t, []container.Rlimit{{Resource: 7, Soft: 100, Hard: 200}}, b.Config.Rlimits, "process.rlimits")
	refused(t, "process.rlimits[0].type", func(s *specs.Spec) {
		s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_TEST", Soft: 1, Hard: 1}}
	})
}

func TestConfigHostnameAndNamespaces(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) {
		s.Hostname = "box"
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "cgroup"})
	})
	assert.Equal(t, "box", b.Config.Hostname, "hostname")
	assert.Equal(t, []container.Namespace{container.PID, container.Network, container.IPC, container.UTS, container.Mount}, b.Config.Namespaces, "linux.namespaces")
	pidJoined := mapped(t, func(s *specs.Spec) {
		s.Linux.Namespaces[0].Path = "/proc/1/ns/pid"
		s.Linux.Namespaces[4].Path = "/proc/1/ns/mnt"
	})
	assert.Equal(t, map[container.Namespace]string{container.PID: "/proc/1/ns/pid", container.Mount: "/proc/1/ns/mnt"}, pidJoined.Config.NamespacePaths, "linux.namespaces[].path: pid and mount joined")
	joined := mapped(t, func(s *specs.Spec) { s.Linux.Namespaces[1].Path = "/proc/1/ns/net" })
	assert.Equal(t, map[container.Namespace]string{container.Network: "/proc/1/ns/net"}, joined.Config.NamespacePaths, "linux.namespaces[].path: joined")
	refused(t, "linux.namespaces[5].type", func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "time"})
	})
	refused(t, "linux.uidMappings", func(s *specs.Spec) {
		s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	})
	refused(t, "domainname", func(s *specs.Spec) { s.Domainname = "example.org" })
}

func TestConfigMounts(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Source: "data", Options: []string{"rbind", "ro"}})
	})
	require.Len(t, b.Config.Mounts, 7)
	assert.Equal(t, container.MountSpec{Destination: "/proc", Type: "proc", Source: "proc"}, b.Config.Mounts[0], "mounts, in order")
	assert.Equal(t, filepath.Join(b.Dir, "data"), b.Config.Mounts[6].Source, "a bind's relative source is the bundle's")
	assert.Equal(t, []string{"rbind", "ro"}, b.Config.Mounts[6].Options, "mount options")
	assert.NotNil(t, mapped(t, func(s *specs.Spec) { s.Mounts = nil }).Config.Mounts, "no mounts: none, not the library's standard ones")
	refused(t, "mounts[0].destination", func(s *specs.Spec) { s.Mounts[0].Destination = "proc" })
	mapped(t, func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"ro"}})
	})
	refused(t, "mounts[6] (cgroup /sys/fs/cgroup)", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup"})
	})
}

func TestConfigPathsSysctlDevices(t *testing.T) {
	mode := os.FileMode(0o640)
	uid := uint32(7)
	b := mapped(t, func(s *specs.Spec) {
		s.Linux.MaskedPaths = []string{"/proc/kcore"}
		s.Linux.ReadonlyPaths = nil
		s.Linux.Sysctl = map[string]string{"net.ipv4.ip_forward": "1"}
		s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229, FileMode: &mode, UID: &uid}}
	})
	assert.Equal(t, []string{"/proc/kcore"}, b.Config.MaskedPaths, "linux.maskedPaths")
	assert.Equal(t, []string{}, b.Config.ReadonlyPaths, "no linux.readonlyPaths: none, not runc's list")
	assert.Equal(t, map[string]string{"net.ipv4.ip_forward": "1"}, b.Config.Sysctl, "linux.sysctl")
	assert.Equal(t, []container.Device{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229, Mode: 0o640, UID: 7}}, b.Config.Devices, "linux.devices")
	refused(t, "linux.devices[0].type", func(s *specs.Spec) { s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/x", Type: "z"}} })
}

func TestConfigResources(t *testing.T) {
	b := mapped(t, func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
	})
	assert.NotEmpty(t, b.Warnings, "a deny-all device rule is accepted with a warning: no device cgroup")
	require.NotNil(t, b.Config.Security.Seccomp, "without linux.seccomp, a filter of its own enforces the rule")
	assert.False(t, b.Config.Security.SeccompUnconfined)
	assert.Equal(t, "SCMP_ACT_ALLOW", b.Config.Security.Seccomp.DefaultAction)
	assert.Equal(t, deviceRules(), b.Config.Security.Seccomp.Syscalls, "mknod and mknodat of a device are refused")
	withProfile := mapped(t, func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"mknod", "mknodat"}, Action: specs.ActAllow}}}
	})
	assert.Equal(t, deviceRules(), withProfile.Config.Security.Seccomp.Syscalls[:len(deviceRules())], "the device rules come first, before a rule that allows mknod")
	refused(t, "linux.resources.memory", func(s *specs.Spec) {
		limit := int64(1 << 20)
		s.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}
	})
	refused(t, "linux.resources.devices[0]", func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}}
	})
}

func TestConfigSeccomp(t *testing.T) {
	assert.True(t, mapped(t, func(*specs.Spec) {}).Config.Security.SeccompUnconfined, "no linux.seccomp: no filter")
	b := mapped(t, func(s *specs.Spec) {
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read", "write", "no_such_call_here"}, Action: specs.ActAllow},
			{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0, Op: specs.OpEqualTo}}},
		}}
	})
	require.NotNil(t, b.Config.Security.Seccomp)
	assert.Equal(t, "SCMP_ACT_ERRNO", b.Config.Security.Seccomp.DefaultAction, "linux.seccomp.defaultAction")
	assert.Equal(t, []container.SeccompRule{
		{Names: []string{"read", "write"}, Action: "SCMP_ACT_ALLOW"},
		{Names: []string{"personality"}, Action: "SCMP_ACT_ALLOW", ArgConditions: []container.SeccompArg{{Index: 0, Value: 0, Op: "SCMP_CMP_EQ"}}},
	}, b.Config.Security.Seccomp.Syscalls, "calls this architecture lacks are left out; argument conditions are kept")
	alternatives := mapped(t, func(s *specs.Spec) {
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0, Op: specs.OpEqualTo}, {Index: 0, Value: 8, Op: specs.OpEqualTo}}},
		}}
	})
	assert.Len(t, alternatives.Config.Security.Seccomp.Syscalls, 2, "equalities on one argument are alternatives: a rule each")
	refused(t, "linux.seccomp.syscalls[0].args[0].op", func(s *specs.Spec) {
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"personality"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0, Op: specs.OpGreaterThan}}},
		}}
	})
}

func TestConfigHooks(t *testing.T) {
	mapped(t, func(s *specs.Spec) {
		s.Hooks = &specs.Hooks{Poststart: []specs.Hook{{Path: "/bin/true"}}}
	})
	refused(t, "hooks", func(s *specs.Spec) { s.Hooks = &specs.Hooks{Poststop: []specs.Hook{{Path: "true"}}} })
	refused(t, "hooks.createContainer", func(s *specs.Spec) {
		s.Hooks = &specs.Hooks{CreateContainer: []specs.Hook{{Path: "/bin/true"}}}
	})
}

func TestParseSpecNamesTheProblem(t *testing.T) {
	for _, c := range []struct{ name, json, want string }{
		{"bad JSON", `{"ociVersion": "1.0.2",`, "not valid JSON"},
		{"a field of the wrong type", `{"ociVersion": "1.0.2", "hostname": 5}`, "field hostname"},
		{"an unknown field", `{"ociVersion": "1.0.2", "hostnme": "x"}`, `"hostnme"`},
		{"another spec version", `{"ociVersion": "2.0.0"}`, "ociVersion"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(c.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
