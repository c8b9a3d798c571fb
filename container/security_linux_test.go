package container

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// probes are what a container's root tries in order to reach past its
// walls. None writes anything but to the container's own /tmp and /tmp/m.
const probes = `
mkdir -p /tmp/m
probe() { name=$1; shift; if "$@" 2>/tmp/err; then echo "$name: done"; else echo "$name: $(cat /tmp/err)"; fi; }
probe mount-tmpfs mount -t tmpfs none /tmp/m
probe umount-keys umount /proc/keys
probe remount-sys mount -o remount,rw /sys
probe sethostname hostname x
probe mknod-block mknod /tmp/b b 8 0
probe mount-proc mount -t proc proc /tmp/m
`

// probeResults maps each probe's name to what it printed.
func probeResults(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if name, said, ok := strings.Cut(line, ": "); ok {
			got[name] = said
		}
	}
	require.Len(t, got, 6, out)
	return got
}

// refusedEPERM matches how busybox reports EPERM: strerror's words, or
// mount's own for it.
var refusedEPERM = regexp.MustCompile(`Operation not permitted|permission denied \(are you root\?\)`)

func TestDefaultContainerCannotUndoItsWalls(t *testing.T) {
	needRoot(t)
	out, code := runIn(t, Config{Overlay: true}, probes)
	require.Equal(t, 0, code, out)
	for name, said := range probeResults(t, out) {
		assert.Regexp(t, refusedEPERM, said, "probe %s: want EPERM", name)
	}
}

func TestPrivilegedContainerCanUndoThem(t *testing.T) {
	needRoot(t)
	out, code := runIn(t, Config{Overlay: true, Security: Security{Privileged: true}}, probes+`grep -E '^(CapEff|Seccomp):' /proc/self/status`)
	require.Equal(t, 0, code, out)
	got := probeResults(t, strings.Join(strings.Split(out, "\n")[:6], "\n"))
	for _, name := range []string{"mount-tmpfs", "remount-sys", "sethostname", "mknod-block", "mount-proc"} {
		assert.Equal(t, "done", got[name], "probe %s with --privileged", name)
	}
	// Nothing is masked: /proc/keys is the kernel's file, no mount.
	assert.Contains(t, got["umount-keys"], "Invalid argument", "/proc/keys is no mount point without masks")
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	ours := regexp.MustCompile(`CapEff:\t[0-9a-f]+\n`).FindString(string(status))
	assert.Contains(t, out, ours, "every capability the runtime has")
	assert.Contains(t, out, "Seccomp:\t0")
}

func TestDefaultProcessStatus(t *testing.T) {
	needRoot(t)
	out, code := runIn(t, Config{}, `grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n"+
		"CapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n", out)
}

func TestCapAddSysAdminAllowsMount(t *testing.T) {
	needRoot(t)
	cfg := Config{Security: Security{CapAdd: []string{"sys_admin"}}}
	out, code := runIn(t, cfg, `mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted; grep -E '^(CapEff|Seccomp):' /proc/self/status`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "mounted\nCapEff:\t00000000a82425fb\nSeccomp:\t2\n", out)
}

// unshare(CLONE_NEWUSER) needs no capability at all, so only the filter
// can refuse it: it does by default, and lets it through unconfined.
// personality(2) (linux32) is off the list and works.
func TestSeccompRefusesDenyListedCalls(t *testing.T) {
	needRoot(t)
	script := `unshare -U true 2>&1 || echo refused; linux32 true && echo personality-ok`
	out, code := runIn(t, Config{Security: Security{CapDrop: []string{"ALL"}}}, script)
	require.Equal(t, 0, code, out)
	assert.Regexp(t, `Operation not permitted\nrefused\npersonality-ok\n$`, out)

	if err := UserNamespacesBlocked(); err != nil {
		t.Skipf("the control case needs unprivileged user namespaces: %v", err)
	}
	out, code = runIn(t, Config{Security: Security{CapDrop: []string{"ALL"}, SeccompUnconfined: true}}, script)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "personality-ok\n", out, "without the filter, unshare -U works with no capability")
}

func TestSeccompProfileFromFile(t *testing.T) {
	needRoot(t)
	p, err := ParseSeccompProfile([]byte(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "comment": "no new directories"}]}`))
	require.NoError(t, err)
	out, code := runIn(t, Config{Security: Security{Seccomp: p}}, `mkdir /tmp/d 2>&1; touch /tmp/f && echo touched; grep Seccomp: /proc/self/status`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "mkdir: can't create directory '/tmp/d': Operation not permitted\ntouched\nSeccomp:\t2\n", out)
}

func TestUserSwitch(t *testing.T) {
	needRoot(t)
	out, code := runIn(t, Config{User: "nobody"}, `id; grep -E '^Cap(Eff|Bnd|Amb)' /proc/self/status; touch /root/x 2>&1`)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "uid=65534(nobody) gid=65534(nobody)")
	assert.Contains(t, out, "CapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n")
	assert.Contains(t, out, "Permission denied")

	out, code = runIn(t, Config{User: "1234:4321", Security: Security{CapAdd: []string{"NET_ADMIN"}}}, `id -u; id -g; grep -E '^CapAmb' /proc/self/status`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "1234\n4321\nCapAmb:\t0000000000001000\n", out, "an added capability stays, in ambient, for a user other than root")
}

func TestSecurityErrors(t *testing.T) {
	needRoot(t)
	for _, tc := range []struct {
		name string
		cfg  Config
		says string
	}{
		{"unknown user", Config{User: "nosuchuser"}, `no user "nosuchuser" in the container's /etc/passwd`},
		{"unknown group", Config{User: "nobody:nosuchgroup"}, `no group "nosuchgroup"`},
		{"unknown capability", Config{Security: Security{CapAdd: []string{"NET_FOO"}}}, `unknown capability "NET_FOO" (want a name`},
		{"profile and unconfined", Config{Security: Security{SeccompUnconfined: true, Seccomp: &SeccompProfile{DefaultAction: "SCMP_ACT_ALLOW"}}}, "contradict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Args, cfg.Namespaces, cfg.Rootfs = []string{"/bin/true"}, AllNamespaces, testRootfs(t)
			code, err := Run(context.Background(), cfg)
			assert.Equal(t, ExitRuntimeError, code)
			assert.ErrorContains(t, err, tc.says)
		})
	}
}

func TestParseSeccompProfileRefusesWhatItCannotApply(t *testing.T) {
	for _, tc := range []struct{ profile, says string }{
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["clone"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0}]}]}`, `unknown field "args"`},
		{`{"defaultAction": "SCMP_ACT_NOTIFY"}`, `defaultAction "SCMP_ACT_NOTIFY"`},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_call"], "action": "SCMP_ACT_ERRNO"}]}`, `no system call "no_such_call"`},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}`, `names no system call`},
		{`not json`, `want e.g. {"defaultAction"`},
	} {
		_, err := ParseSeccompProfile([]byte(tc.profile))
		assert.ErrorContains(t, err, tc.says, tc.profile)
	}
}

func TestCapabilityNames(t *testing.T) {
	for _, name := range []string{"net_admin", "NET_ADMIN", "CAP_NET_ADMIN", "cap_net_admin"} {
		got, err := ParseCapability(name)
		assert.NoError(t, err)
		assert.Equal(t, "CAP_NET_ADMIN", got)
	}
	caps, err := Security{CapDrop: []string{"all"}, CapAdd: []string{"chown"}}.Capabilities()
	require.NoError(t, err)
	assert.Equal(t, []string{"CAP_CHOWN"}, caps)
	caps, err = Security{}.Capabilities()
	require.NoError(t, err)
	var mask uint64
	for _, c := range caps {
		mask |= 1 << capabilityNumber(c)
	}
	assert.Equal(t, uint64(0xa80425fb), mask, "Docker's default set")
}

// The probes write into the container's overlay, never the rootfs.
func TestProbesLeaveTheRootfsAlone(t *testing.T) {
	needRoot(t)
	_, _ = runIn(t, Config{Overlay: true, Security: Security{Privileged: true}}, probes)
	_, err := os.Stat(filepath.Join(testRootfs(t), "tmp", "b"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// symlinkLayer is a layer whose entries are symlinks pointing out of the
// rootfs: name -> target for each pair.
func symlinkLayer(t *testing.T, links ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < len(links); i += 2 {
		require.NoError(t, os.Symlink(links[i+1], filepath.Join(dir, links[i])))
	}
	return dir
}

func TestRootfsWithLinkedProcIsRefused(t *testing.T) {
	needRoot(t)
	for _, link := range [][2]string{{"proc", "/"}, {"dev", "/etc"}} {
		cfg := Config{Args: []string{"/bin/true"}, Namespaces: AllNamespaces, Rootfs: testRootfs(t), Overlay: true,
			Layers: []string{symlinkLayer(t, link[0], link[1])}}
		code, err := Run(context.Background(), cfg)
		assert.Equal(t, ExitRuntimeError, code)
		assert.ErrorContains(t, err, "/"+link[0]+": is a symbolic link, not a directory")
	}
}

// A volume whose target is a symlink to /etc lands on the rootfs's /etc,
// not the host's: followed from the host, the bind would go to the host's
// /etc and vanish with the old root.
func TestVolumeTargetSymlinkStaysInRoot(t *testing.T) {
	needRoot(t)
	vol := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(vol, "marker"), []byte("in the volume\n"), 0o644))
	cfg := Config{Overlay: true, Layers: []string{symlinkLayer(t, "data", "/etc")},
		Volumes: []Volume{{Host: vol, Container: "/data"}}}
	out, code := runIn(t, cfg, `cat /etc/marker`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "in the volume\n", out)
	_, err := os.Stat("/etc/marker")
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing reached the host's /etc")
}
