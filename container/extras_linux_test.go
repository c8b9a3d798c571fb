package container

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// A gated container is set up when Start returns, and its command runs
// only once the gate is opened for reading.
func TestGateHoldsTheCommand(t *testing.T) {
	needRoot(t)
	gate := filepath.Join(t.TempDir(), "gate")
	require.NoError(t, unix.Mkfifo(gate, 0o622))
	// A file, not a buffer: the test reads it while the container runs,
	// and a buffer would be written by os/exec's copying goroutine.
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	require.NoError(t, err)
	defer out.Close()
	read := func() string { data, _ := os.ReadFile(out.Name()); return string(data) }
	c, err := Start(context.Background(), Config{
		Args: []string{"/bin/sh", "-c", "echo ran"}, Namespaces: AllNamespaces, Rootfs: testRootfs(t),
		Stdout: out, Extras: Extras{Gate: gate},
	})
	require.NoError(t, err)
	cmdline, err := os.ReadFile("/proc/" + itoa(c.Pid()) + "/cmdline")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(cmdline), InitName+"\x00"), "the init waits at its gate, not yet the command: %q", cmdline)
	time.Sleep(50 * time.Millisecond)
	assert.Empty(t, read(), "the command must not run before the gate opens")
	f, err := os.OpenFile(gate, os.O_RDONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	code, err := c.Wait()
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Equal(t, "ran\n", read(), "opening the gate runs the command")
}

// Extras: mounts in order instead of the standard ones, devices, sysctls,
// rlimits, oom_score_adj, groups and the five capability sets, as the
// command sees them.
func TestExtrasReachTheCommand(t *testing.T) {
	needRoot(t)
	adj := 321
	caps := []string{"CAP_CHOWN", "CAP_KILL"}
	var out bytes.Buffer
	code, err := Run(context.Background(), Config{
		Args: []string{"/bin/sh", "-c", strings.Join([]string{
			"grep -E ' /(proc|dev|data) ' /proc/self/mountinfo | cut -d' ' -f5,9",
			"ls -l /dev/test0 | cut -c1", "cat /proc/sys/net/ipv4/ip_forward",
			"ulimit -n", "cat /proc/self/oom_score_adj", "id -G",
			"grep -E 'Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status | cut -f2",
		}, "; ")},
		Namespaces: AllNamespaces, Rootfs: testRootfs(t), Stdout: &out, Stderr: &out, User: "0:0",
		Security: Security{CapDrop: []string{"ALL"}, CapAdd: caps, SeccompUnconfined: true},
		Extras: Extras{
			Mounts: []MountSpec{
				{Destination: "/proc", Type: "proc", Source: "proc"},
				{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=755"}},
				{Destination: "/data", Type: "tmpfs", Source: "tmpfs", Options: []string{"ro", "size=1k"}},
			},
			Devices:        []Device{{Path: "/dev/test0", Type: "p"}},
			Sysctl:         map[string]string{"net.ipv4.ip_forward": "1"},
			Rlimits:        []Rlimit{{Resource: unix.RLIMIT_NOFILE, Soft: 99, Hard: 99}},
			OOMScoreAdj:    &adj,
			AdditionalGids: []int{4242},
			Capabilities:   &CapabilitySets{Bounding: caps, Effective: caps[1:], Permitted: caps, Inheritable: caps[1:], Ambient: caps[1:]},
		},
	})
	require.NoError(t, err, out.String())
	require.Equal(t, 0, code, out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 13, out.String())
	assert.Equal(t, []string{"/proc proc", "/dev tmpfs", "/data tmpfs"}, lines[:3], "the mounts, in order, and no /sys")
	assert.Equal(t, "p", lines[3], "the device: a FIFO")
	assert.Equal(t, "1", lines[4], "the sysctl, in the container's network namespace")
	assert.Equal(t, "99", lines[5], "RLIMIT_NOFILE")
	assert.Equal(t, "321", lines[6], "oom_score_adj")
	assert.Contains(t, strings.Fields(lines[7]), "4242", "the additional group")
	// CAP_CHOWN is bit 0, CAP_KILL bit 5. Root's effective set after
	// execve(2) is its permitted set (capabilities(7)), whatever it was.
	assert.Equal(t, []string{"0000000000000020", "0000000000000021", "0000000000000021", "0000000000000021", "0000000000000020"}, lines[8:],
		"inheritable, permitted, effective, bounding, ambient")
	host, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	require.NoError(t, err)
	t.Logf("host ip_forward stays %s", bytes.TrimSpace(host))
}

// A sysctl that no namespace of the container owns would change the host:
// refused before anything starts.
func TestSysctlOfTheHostRefused(t *testing.T) {
	before, err := os.ReadFile("/proc/sys/kernel/panic")
	require.NoError(t, err)
	_, err = Start(context.Background(), Config{
		Args: []string{"/bin/true"}, Namespaces: AllNamespaces,
		Extras: Extras{Sysctl: map[string]string{"kernel.panic": "7"}},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `sysctl "kernel.panic"`)
	assert.Equal(t, ExitRuntimeError, ExitStatusOf(err))
	after, err := os.ReadFile("/proc/sys/kernel/panic")
	require.NoError(t, err)
	assert.Equal(t, before, after, "the host's value is untouched")

	_, err = Start(context.Background(), Config{
		Args: []string{"/bin/true"}, Namespaces: []Namespace{Mount},
		Extras: Extras{Sysctl: map[string]string{"net.ipv4.ip_forward": "1"}},
	})
	assert.ErrorContains(t, err, "needs the net namespace", "a network sysctl without the network namespace")
}

func itoa(n int) string { return strconv.Itoa(n) }

// NamespacePaths: the command runs in the network and UTS namespaces of
// another process, as a pod's containers share one.
func TestJoinNamespaces(t *testing.T) {
	needRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare(1) makes the namespaces to join: apt-get install util-linux")
	}
	holder := exec.Command("unshare", "--net", "--uts", "sh", "-c", "hostname joined-uts && exec sleep 30")
	require.NoError(t, holder.Start())
	defer func() { _ = holder.Process.Kill(); _ = holder.Wait() }()
	pid := strconv.Itoa(holder.Process.Pid)
	var netns string
	require.Eventually(t, func() bool {
		netns, _ = os.Readlink("/proc/" + pid + "/ns/net")
		self, _ := os.Readlink("/proc/self/ns/net")
		cmdline, _ := os.ReadFile("/proc/" + pid + "/cmdline")
		return netns != "" && netns != self && strings.HasPrefix(string(cmdline), "sleep")
	}, 5*time.Second, 10*time.Millisecond, "the namespaces to join are ready")
	var out bytes.Buffer
	code, err := Run(context.Background(), Config{
		Args:       []string{"/bin/sh", "-c", "readlink /proc/self/ns/net; hostname"},
		Namespaces: AllNamespaces, Rootfs: testRootfs(t), Stdout: &out, Stderr: &out,
		Extras: Extras{NamespacePaths: map[Namespace]string{Network: "/proc/" + pid + "/ns/net", UTS: "/proc/" + pid + "/ns/uts"}},
	})
	require.NoError(t, err, out.String())
	require.Equal(t, 0, code, out.String())
	assert.Equal(t, netns+"\njoined-uts\n", out.String(), "the joined network namespace and hostname")

	_, err = Start(context.Background(), Config{
		Args: []string{"/bin/true"}, Namespaces: append([]Namespace{User}, AllNamespaces...),
		Extras: Extras{NamespacePaths: map[Namespace]string{User: "/proc/" + pid + "/ns/user"}},
	})
	assert.ErrorContains(t, err, "only net, ipc, uts, mount and pid namespaces can be joined")
}

// NamespacePaths: a container joins another process's mount and PID
// namespaces. Its init is born in the PID namespace, so it is not PID 1
// there (the holder's sleep is), and it sets its rootfs up in the joined
// mount namespace, where the runtime's own stays as it was.
func TestJoinMountAndPIDNamespaces(t *testing.T) {
	needRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare(1) makes the namespaces to join: apt-get install util-linux")
	}
	holder := exec.Command("unshare", "--mount", "--pid", "--fork", "sleep", "30")
	holder.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, holder.Start())
	defer func() { _ = syscall.Kill(-holder.Process.Pid, syscall.SIGKILL); _ = holder.Wait() }()
	pid := strconv.Itoa(holder.Process.Pid)
	var pidns, mntns string
	require.Eventually(t, func() bool {
		pidns, _ = os.Readlink("/proc/" + pid + "/ns/pid_for_children")
		mntns, _ = os.Readlink("/proc/" + pid + "/ns/mnt")
		selfPid, _ := os.Readlink("/proc/self/ns/pid")
		selfMnt, _ := os.Readlink("/proc/self/ns/mnt")
		return pidns != "" && pidns != selfPid && mntns != "" && mntns != selfMnt
	}, 5*time.Second, 10*time.Millisecond, "the namespaces to join are ready")
	before := hostMounts(t)
	var out bytes.Buffer
	code, err := Run(context.Background(), Config{
		Args:       []string{"/bin/sh", "-c", "readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; [ $$ != 1 ] && echo not-pid-1; cat /proc/1/cmdline"},
		Namespaces: AllNamespaces, Rootfs: testRootfs(t), Stdout: &out, Stderr: &out,
		Extras: Extras{NamespacePaths: map[Namespace]string{PID: "/proc/" + pid + "/ns/pid_for_children", Mount: "/proc/" + pid + "/ns/mnt"}},
	})
	require.NoError(t, err, out.String())
	require.Equal(t, 0, code, out.String())
	assert.Equal(t, pidns+"\n"+mntns+"\nnot-pid-1\nsleep\x0030\x00", out.String(), "the joined namespaces; PID 1 is the holder's")
	assert.Equal(t, before, hostMounts(t), "the runtime's mount namespace is as it was")
	self, _ := os.Readlink("/proc/thread-self/ns/pid_for_children")
	own, _ := os.Readlink("/proc/self/ns/pid")
	assert.Equal(t, own, self, "the runtime's threads are back in its own pid namespace")
}
