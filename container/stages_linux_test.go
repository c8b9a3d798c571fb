package container

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// runIn runs script with sh in a full container on the test rootfs and
// returns what it printed.
func runIn(t *testing.T, cfg Config, script string) (string, int) {
	t.Helper()
	var out strings.Builder
	if cfg.Rootfs == "" {
		cfg.Rootfs = testRootfs(t)
	}
	if cfg.Namespaces == nil {
		cfg.Namespaces = AllNamespaces
	}
	cfg.Args = []string{"/bin/sh", "-c", script}
	cfg.Stdout, cfg.Stderr = &out, &out
	code, err := Run(context.Background(), cfg)
	require.NoError(t, err, out.String())
	return out.String(), code
}

func hostMounts(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	return string(data)
}

// assertOwnProcesses checks a list of the PIDs in a container's /proc: a
// shell and the few programs of its pipeline, numbered from 1, never the
// host's processes.
func assertOwnProcesses(t *testing.T, pids string) {
	t.Helper()
	fields := strings.Fields(pids)
	assert.NotEmpty(t, fields)
	assert.LessOrEqual(t, len(fields), 5, "only the container's processes: %s", pids)
	assert.Equal(t, "1", fields[0], "PID 1 is the container's first process")
	for _, f := range fields {
		var pid int
		_, err := fmt.Sscan(f, &pid)
		assert.NoError(t, err)
		assert.Less(t, pid, 100, "a PID of the container's own namespace: %s", pids)
	}
}

// requireHostFileNotEmpty fails the test when the host's file is empty
// or missing: a test that expects it empty in the container would then
// prove nothing.
func requireHostFileNotEmpty(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NotEmpty(t, data, "the host's %s", path)
}

func TestContainerSeesOnlyItself(t *testing.T) {
	needRoot(t)
	hostName, _ := os.Hostname()
	out, code := runIn(t, Config{Hostname: "box"}, `hostname; echo $$; ls /sys/class/net; ls /proc | grep '^[0-9]' | tr '\n' ' '`)
	require.Equal(t, 0, code, out)
	lines := strings.Split(out, "\n")
	require.Len(t, lines, 4, out)
	assert.Equal(t, []string{"box", "1", "lo"}, lines[:3], "hostname, PID, network devices")
	assertOwnProcesses(t, lines[3])
	now, _ := os.Hostname()
	assert.Equal(t, hostName, now, "the host's hostname is unchanged")
}

func TestContainerMounts(t *testing.T) {
	needRoot(t)
	script := `
echo hi > /dev/null && echo null-ok
head -c 5 /dev/zero | wc -c
touch /sys/x 2>/dev/null || echo sys-read-only
if [ -e /proc/sysrq-trigger ]; then ( : > /proc/sysrq-trigger ) 2>/dev/null && echo sysrq-opened || echo sysrq-refused; else echo sysrq-absent; fi
{ echo x > /proc/sys/kernel/hostname; } 2>/dev/null || echo proc-sys-read-only
wc -c < /proc/interrupts
grep -c . /proc/self/mountinfo >/dev/null && awk '{print $5}' /proc/self/mountinfo | sort | tr '\n' ' '
`
	out, code := runIn(t, Config{}, script)
	require.Equal(t, 0, code, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 7, out)
	// /proc/interrupts is masked (an empty file in its place); the host's
	// has a line per CPU at least, so an unmasked one could not pass.
	requireHostFileNotEmpty(t, "/proc/interrupts")
	assert.Equal(t, []string{"null-ok", "5", "sys-read-only", "proc-sys-read-only", "0"}, append(lines[:3:3], lines[4:6]...))
	t.Run("sysrq-trigger", func(t *testing.T) {
		// The script only opens /proc/sysrq-trigger for writing, in a
		// subshell, and never writes a command into it: a mistake in the
		// mounts must not reboot the host. The open must fail.
		if _, err := os.Stat("/proc/sysrq-trigger"); err != nil {
			t.Skip("this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ): nothing to check")
		}
		assert.Equal(t, "sysrq-refused", lines[3], "opening /proc/sysrq-trigger for writing in the container")
	})
	mountPoints := strings.Fields(lines[6])
	assert.Equal(t, "/", mountPoints[0])
	for _, mp := range mountPoints {
		ok := mp == "/" || strings.HasPrefix(mp, "/proc") || strings.HasPrefix(mp, "/sys") || strings.HasPrefix(mp, "/dev")
		assert.True(t, ok, "mount point %s: only the container's own mounts, no trace of the old root", mp)
	}
}

func TestReadOnlyRoot(t *testing.T) {
	needRoot(t)
	out, code := runIn(t, Config{ReadOnly: true}, `touch /new 2>/dev/null || echo refused; echo ok > /dev/shm/f && cat /dev/shm/f`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "refused\nok\n", out)
	_, err := os.Stat(filepath.Join(testRootfs(t), "new"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestNoPivotUsesChroot(t *testing.T) {
	needRoot(t)
	out, code := runIn(t, Config{NoPivot: true, Hostname: "chrooted"}, `hostname; ls /proc | grep '^[0-9]' | tr '\n' ' '`)
	require.Equal(t, 0, code, out)
	host, procs, _ := strings.Cut(out, "\n")
	assert.Equal(t, "chrooted", host)
	assertOwnProcesses(t, procs)
}

func TestRootfsAndHostnameErrors(t *testing.T) {
	needRoot(t)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	rootfs := testRootfs(t)
	for _, tc := range []struct {
		name string
		cfg  Config
		code int
		says string
	}{
		{"missing rootfs", Config{Rootfs: "/no/such/rootfs"}, ExitRuntimeError, "/no/such/rootfs"},
		{"rootfs is a file", Config{Rootfs: file}, ExitRuntimeError, "not a directory"},
		{"command not in rootfs", Config{Rootfs: rootfs, Args: []string{"/usr/bin/no-such"}}, ExitNotFound, "/usr/bin/no-such"},
		{"hostname too long", Config{Hostname: strings.Repeat("h", 65)}, ExitRuntimeError, "more than the kernel's 64"},
		{"hostname with NUL", Config{Hostname: "a\x00b"}, ExitRuntimeError, "NUL"},
		{"rootfs without mount ns", Config{Rootfs: rootfs, Namespaces: []Namespace{PID}}, ExitRuntimeError, "mount namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg.Args == nil {
				cfg.Args = []string{"/bin/true"}
			}
			if cfg.Namespaces == nil {
				cfg.Namespaces = AllNamespaces
			}
			code, err := Run(context.Background(), cfg)
			assert.Equal(t, tc.code, code)
			assert.ErrorContains(t, err, tc.says)
		})
	}
}

func TestRelativeRootfs(t *testing.T) {
	needRoot(t)
	rootfs := testRootfs(t)
	t.Chdir(filepath.Dir(rootfs))
	out, code := runIn(t, Config{Rootfs: filepath.Base(rootfs)}, `echo inside`)
	require.Equal(t, 0, code)
	assert.Equal(t, "inside\n", out)
}

// Whatever way a container ends, the host's mount table is as before.
func TestHostMountTableUnchanged(t *testing.T) {
	needRoot(t)
	rootfs := testRootfs(t)
	before := hostMounts(t)
	runs := []Config{
		{Args: []string{"/bin/true"}},
		{Args: []string{"/bin/sh", "-c", "exit 3"}},
		{Args: []string{"/bin/sh", "-c", "kill -9 $$"}, Init: true}, // PID 1 would ignore it
		{Args: []string{"/no/such/command"}},
		{Args: []string{"/bin/true"}, ReadOnly: true},
		{Args: []string{"/bin/true"}, NoPivot: true},
		// A mount of its own needs CAP_SYS_ADMIN, which a default
		// container lacks.
		{Args: []string{"/bin/sh", "-c", "mount -t tmpfs none /tmp && sleep 5"}, Security: Security{CapAdd: []string{"SYS_ADMIN"}}},
	}
	// Each run must end as it should, or an unchanged table proves nothing.
	want := []int{0, 3, 137, ExitNotFound, 0, 0, 137}
	for i, cfg := range runs {
		cfg.Rootfs, cfg.Namespaces = rootfs, AllNamespaces
		runCtx := context.Background()
		if i == len(runs)-1 {
			// Killed by its context in the middle of its sleep.
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			runCtx = ctx
		}
		code, err := Run(runCtx, cfg)
		assert.Equal(t, want[i], code, "run %d (%v): %v", i, cfg.Args, err)
	}
	assert.Equal(t, before, hostMounts(t))
}

func TestTwentyContainersAtOnce(t *testing.T) {
	needRoot(t)
	rootfs := testRootfs(t)
	before := hostMounts(t)
	var wg sync.WaitGroup
	outs := make([]string, 20)
	errs := make([]error, 20)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out strings.Builder
			_, errs[i] = Run(context.Background(), Config{
				Args:       []string{"/bin/sh", "-c", `echo $(hostname) $$; ls /proc | grep '^[0-9]' | tr '\n' ' '`},
				Rootfs:     rootfs,
				Namespaces: AllNamespaces,
				Hostname:   fmt.Sprintf("box-%d", i),
				Stdout:     &out,
			})
			outs[i] = out.String()
		}()
	}
	wg.Wait()
	for i := range outs {
		assert.NoError(t, errs[i])
		first, procs, _ := strings.Cut(outs[i], "\n")
		assert.Equal(t, fmt.Sprintf("box-%d 1", i), first, "own hostname and PID 1")
		assertOwnProcesses(t, procs)
	}
	assert.Equal(t, before, hostMounts(t))
}

// childEscape is the classic chroot escape, run in a child with its own
// mount namespace: set up the root as asked, then mkdir, chroot into it
// (the working directory stays outside), walk up with "..", chroot ".",
// and try to read a file outside the rootfs.
const childEscape = "container-test-escape"

func init() { Register(childEscape, escapeChild) }

func escapeChild() {
	mode, rootfs, target := os.Args[1], os.Args[2], os.Args[3]
	report := func(v map[string]string) { _ = json.NewEncoder(os.Stdout).Encode(v) }
	var err error
	switch mode {
	case "chroot":
		err = Chroot(rootfs)
	case "pivot":
		if err = MakePrivate(); err == nil {
			err = PivotRoot(rootfs)
		}
	}
	if err != nil {
		report(map[string]string{"setup": err.Error()})
		return
	}
	_ = os.Mkdir("/escape", 0o755)
	_ = unix.Chroot("/escape")
	for i := 0; i < 64; i++ {
		_ = unix.Chdir("..")
	}
	_ = unix.Chroot(".")
	data, err := os.ReadFile(target)
	if err != nil {
		report(map[string]string{"read": err.Error()})
		return
	}
	report(map[string]string{"read": "ok", "content": string(data)})
}

func TestChrootEscapeSucceedsPivotRootEscapeFails(t *testing.T) {
	needRoot(t)
	secret := filepath.Join(t.TempDir(), "host-secret")
	require.NoError(t, os.WriteFile(secret, []byte("host only"), 0o600))
	for mode, want := range map[string]string{"chroot": "ok", "pivot": "no such file or directory"} {
		t.Run(mode, func(t *testing.T) {
			rootfs := filepath.Join(t.TempDir(), "rootfs")
			require.NoError(t, os.Mkdir(rootfs, 0o755))
			cmd := Command(childEscape, mode, rootfs, secret)
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNS}
			out, err := cmd.Output()
			require.NoError(t, err)
			var got map[string]string
			require.NoError(t, json.Unmarshal(out, &got), string(out))
			assert.Contains(t, got["read"], want)
			if mode == "chroot" {
				assert.Equal(t, "host only", got["content"])
			}
		})
	}
}

func TestCloneFlagsStageIsUsed(t *testing.T) {
	needRoot(t)
	var asked [][]Namespace
	Use(Stages{CloneFlags: func(ns ...Namespace) uintptr { asked = append(asked, ns); return CloneFlags(ns...) }})
	t.Cleanup(func() { Use(Stages{}) })
	_, code := runIn(t, Config{}, "true")
	assert.Equal(t, 0, code)
	assert.Equal(t, [][]Namespace{AllNamespaces}, asked)
}

func TestCloneFlagsLeavingOutMountIsRefused(t *testing.T) {
	before := hostMounts(t)
	Use(Stages{CloneFlags: func(ns ...Namespace) uintptr { return CloneFlags(PID) }})
	t.Cleanup(func() { Use(Stages{}) })
	code, err := Run(context.Background(), Config{Args: []string{"/bin/true"}, Rootfs: t.TempDir(), Namespaces: AllNamespaces})
	assert.Equal(t, ExitRuntimeError, code)
	assert.ErrorContains(t, err, "leaves out the mnt namespace")
	assert.Equal(t, before, hostMounts(t))
}

// A user namespace is where rootless containers live: mknod is refused and
// proc must be mounted before the old root goes, so the devices, /proc and
// /sys come in another way. Root creating one takes the same path.
func TestContainerInUserNamespace(t *testing.T) {
	needRoot(t)
	before := hostMounts(t)
	namespaces := append([]Namespace{User}, AllNamespaces...)
	out, code := runIn(t, Config{Namespaces: namespaces, Hostname: "userns"}, `
hostname; cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //'
echo hi > /dev/null && head -c 3 /dev/zero | wc -c
touch /sys/x 2>/dev/null || echo sys-read-only
wc -c < /proc/interrupts
ls /proc | grep '^[0-9]' | tr '\n' ' '`)
	require.Equal(t, 0, code, out)
	lines := strings.Split(out, "\n")
	require.Len(t, lines, 6, out)
	requireHostFileNotEmpty(t, "/proc/interrupts") // masked inside: empty
	assert.Equal(t, []string{"userns", "0 0 1", "3", "sys-read-only", "0"}, lines[:5])
	assertOwnProcesses(t, lines[5])
	assert.Equal(t, before, hostMounts(t))
}
