package app

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("run needs root: go test -exec sudo ./lessons")
	}
}

func mountTable(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	return string(data)
}

// The exit status of run is the container's, as Docker reports it.
func TestRunExitStatus(t *testing.T) {
	needRoot(t)
	root := repoRoot(t)
	before := mountTable(t)
	notExecutable := "/etc/passwd"
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"defaults", []string{"--", "/bin/sh", "-c", "echo $(hostname) $$"}, 0, "unboxed 1\n"},
		{"own code", []string{"/bin/sh", "-c", "exit 3"}, 3, ""},
		{"killed by a signal", []string{"--init", "--", "/bin/sh", "-c", "kill -9 $$"}, 137, ""},
		{"hostname flag", []string{"--hostname", "box", "hostname"}, 0, "box\n"},
		{"not found", []string{"--", "/no/such/program"}, 127, "no such command in the container"},
		{"not executable", []string{"--", notExecutable}, 126, "permission denied"},
		{"missing rootfs", []string{"--rootfs", "/no/such/rootfs", "--", "true"}, 125, "/no/such/rootfs"},
		{"rootfs is a file", []string{"--rootfs", "/etc/passwd", "--", "true"}, 125, "not a directory"},
		{"hostname too long", []string{"--hostname", strings.Repeat("h", 65), "--", "true"}, 125, "more than the kernel's 64"},
		{"unknown flag", []string{"--memory-ish", "--", "true"}, 125, "flag provided but not defined: -memory-ish"},
		{"no command", []string{"--hostname", "box"}, 125, "no command given"},
		{"read-only root", []string{"--read-only", "--", "/bin/sh", "-c", "touch /x 2>/dev/null || echo refused"}, 0, "refused\n"},
		{"no-pivot warns", []string{"--no-pivot", "--", "true"}, 0, "warning: --no-pivot uses chroot(2)"},
		{"out of memory", []string{"--memory", "32M", "--", "/bin/sh", "-c", `x=$(head -c 67108864 /dev/zero | tr '\0' a)`}, 137, "unboxed: container killed: out of memory (limit 32M, peak 32M)"},
		{"within limits", []string{"--memory", "64M", "--pids", "16", "--cpus", "0.5", "--", "/bin/sh", "-c", "echo fine"}, 0, "fine\n"},
		{"bad memory unit", []string{"--memory", "64X", "--", "true"}, 125, "want e.g. 64M"},
		{"memory zero", []string{"--memory", "0", "--", "true"}, 125, "want e.g. 64M"},
		{"memory negative", []string{"--memory", "-1", "--", "true"}, 125, "want e.g. 64M"},
		{"memory too small to start", []string{"--memory", "1M", "--", "true"}, 125, "below 6M"},
		{"cpus zero", []string{"--cpus", "0", "--", "true"}, 125, "want e.g. 0.5"},
		{"more cpus than the host", []string{"--cpus", "4096", "--", "true"}, 125, "this host has only"},
		{"pids zero", []string{"--pids", "0", "--", "true"}, 125, "want e.g. 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := cli(t, root, t.TempDir(), append([]string{"run"}, tc.args...)...)
			assert.Equal(t, tc.code, code, out)
			assert.Contains(t, out, tc.says)
		})
	}
	assert.Equal(t, before, mountTable(t), "the host's mount table is as it was")
}

func TestRunRelativeRootfs(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	require.NoError(t, exec.Command("cp", "-a", "/bin/busybox", dir).Run())
	require.NoError(t, os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755))
	require.NoError(t, os.Rename(filepath.Join(dir, "busybox"), filepath.Join(rootfs, "bin", "busybox")))
	out, code := cli(t, dir, t.TempDir(), "run", "--rootfs", "rootfs", "--", "/bin/busybox", "echo", "relative")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "relative\n", out)
}

// Ctrl-C of the runtime reaches the container; a second one kills a
// command that ignores the first (PID 1 without a handler does).
func TestRunInterruptedRuntimeCleansUp(t *testing.T) {
	needRoot(t)
	root := repoRoot(t)
	before := mountTable(t)
	for _, tc := range []struct {
		name    string
		args    []string
		signals []syscall.Signal
		code    int
	}{
		{"SIGTERM passed to the command through --init", []string{"--init", "--", "/bin/sleep", "30"}, []syscall.Signal{syscall.SIGTERM}, 143},
		{"second Ctrl-C kills PID 1", []string{"--", "/bin/sleep", "30"}, []syscall.Signal{syscall.SIGINT, syscall.SIGINT}, 137},
		{"a shell's trap sees Ctrl-C", []string{"--", "/bin/sh", "-c", `trap "exit 4" INT; echo ready; while :; do sleep 0.05; done`}, []syscall.Signal{syscall.SIGINT}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _ = cli(t, root, t.TempDir(), "help") // builds the binary
			cmd := exec.Command(cliPath, append([]string{"run"}, tc.args...)...)
			cmd.Dir = root
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			if strings.Contains(strings.Join(tc.args, " "), "ready") {
				line, _ := bufio.NewReader(stdout).ReadString('\n')
				require.Equal(t, "ready\n", line)
			} else {
				time.Sleep(300 * time.Millisecond) // let the container start
			}
			for _, sig := range tc.signals {
				require.NoError(t, cmd.Process.Signal(sig))
				time.Sleep(100 * time.Millisecond)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("run did not end after the signals")
			}
			assert.Equal(t, tc.code, cmd.ProcessState.ExitCode())
		})
	}
	assert.Equal(t, before, mountTable(t))
}

// As a normal user, run makes a user namespace and runs rootless.
func TestRunRootlessAsNobody(t *testing.T) {
	needRoot(t) // to become nobody
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("needs setpriv (util-linux) to run as nobody")
	}
	root := repoRoot(t)
	_, _ = cli(t, root, t.TempDir(), "help") // builds the binary
	require.NoError(t, os.Chmod(filepath.Dir(cliPath), 0o755))
	home, err := os.MkdirTemp("", "unboxed-nobody-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(home) })
	require.NoError(t, os.Chmod(home, 0o777))
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
		"env", "HOME="+home, cliPath, "run", "--hostname", "rootless", "--", "/bin/sh", "-c", "hostname; echo $$; id -u; exit 6")
	cmd.Dir = home
	out, _ := cmd.CombinedOutput()
	assert.Equal(t, 6, cmd.ProcessState.ExitCode(), string(out))
	assert.Equal(t, "rootless\n1\n0\n", string(out))
}

// stateName is a container's directory in the state directory.
var stateName = regexp.MustCompile(`^[0-9a-f]+-([0-9]+)$`)

// deadRuntimesState lists the containers' directories in the state
// directory whose runtime has ended (each is named <id>-<runtime's PID>):
// a live runtime's directory belongs to a container running now, perhaps
// another test's.
func deadRuntimesState(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir(container.DefaultStateDir())
	var left []string
	for _, e := range entries {
		m := stateName.FindStringSubmatch(e.Name())
		if m == nil {
			continue // not a container's directory
		}
		pid := m[1]
		if _, err := os.Stat("/proc/" + pid); err != nil {
			left = append(left, e.Name())
		}
	}
	return left
}

func TestRunOverlayKeepLayerVolume(t *testing.T) {
	needRoot(t)
	root := repoRoot(t)
	before := mountTable(t)
	tmp := t.TempDir()
	layer, volume, keep := filepath.Join(tmp, "layer"), filepath.Join(tmp, "vol"), filepath.Join(tmp, "kept")
	require.NoError(t, os.MkdirAll(filepath.Join(layer, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(layer, "etc", "motd"), []byte("from the layer\n"), 0o644))
	require.NoError(t, os.Mkdir(volume, 0o755))

	out, code := cli(t, root, t.TempDir(), "run", "--layer", layer, "--volume", volume+":/data", "--keep", keep, "--",
		"/bin/sh", "-c", "cat /etc/motd; echo saved > /data/f; echo hi > /new; rm /etc/motd")
	require.Equal(t, 0, code, out)
	// The volume's mount point was made in the container's own layer.
	assert.Equal(t, "from the layer\nA /data\nC /etc\nD /etc/motd\nA /new\n", out)
	data, err := os.ReadFile(filepath.Join(volume, "f"))
	require.NoError(t, err)
	assert.Equal(t, "saved\n", string(data))
	_, err = os.Stat(filepath.Join(layer, "etc", "motd"))
	assert.NoError(t, err, "the layer is never written")

	diff, code := cli(t, root, t.TempDir(), "diff", "--layer", layer, keep)
	require.Equal(t, 0, code, diff)
	assert.Equal(t, "A /data\nC /etc\nD /etc/motd\nA /new\n", diff)

	// A second container on the same rootfs does not see the first's file.
	out, code = cli(t, root, t.TempDir(), "run", "--", "/bin/sh", "-c", "cat /new 2>/dev/null || echo absent")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "absent\n", out)

	assert.Equal(t, before, mountTable(t))
	left := deadRuntimesState(t)
	assert.Empty(t, left, "state left in %s", container.DefaultStateDir())
}

func TestDiffBadInput(t *testing.T) {
	root := repoRoot(t)
	for _, args := range [][]string{{"diff"}, {"diff", "/no/such/dir"}, {"diff", "--bogus", "x"}} {
		out, code := cli(t, root, t.TempDir(), args...)
		assert.Equal(t, 2, code, out)
		assert.Contains(t, out, "usage: go run ./lessons diff")
	}
}
