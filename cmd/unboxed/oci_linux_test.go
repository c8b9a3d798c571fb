package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/unboxed-go/unboxed/container"
)

// ociRuntime is the built binary with a --root of the test's own.
type ociRuntime struct {
	t         *testing.T
	bin, root string
}

func newOCI(t *testing.T) ociRuntime {
	if os.Geteuid() != 0 {
		t.Skip("the OCI verbs make namespaces and mounts: go test -exec sudo ./cmd/unboxed")
	}
	return ociRuntime{t: t, bin: build(t), root: t.TempDir()}
}

// run runs a verb and returns its output and exit status.
func (r ociRuntime) run(args ...string) (string, int) {
	r.t.Helper()
	// A file, not a pipe: a created container keeps create's output
	// open, and a pipe would not end before it does.
	f, err := os.CreateTemp(r.t.TempDir(), "out")
	require.NoError(r.t, err)
	defer f.Close()
	cmd := exec.Command(r.bin, append([]string{"--root", r.root}, args...)...)
	cmd.Stdout, cmd.Stderr = f, f
	_ = cmd.Run()
	out, err := os.ReadFile(f.Name())
	require.NoError(r.t, err)
	return string(out), cmd.ProcessState.ExitCode()
}

func (r ociRuntime) state(id string) specs.State {
	r.t.Helper()
	out, code := r.run("state", id)
	require.Equal(r.t, 0, code, out)
	var st specs.State
	require.NoError(r.t, json.Unmarshal([]byte(out), &st), out)
	return st
}

// bundle writes a bundle with a busybox rootfs whose process runs args.
func bundle(t *testing.T, r ociRuntime, args ...string) string {
	dir := t.TempDir()
	require.NoError(t, container.BuildBusyboxRootfs(filepath.Join(dir, "rootfs")))
	cmd := exec.Command(r.bin, "spec", "--bundle", dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	editSpec(t, dir, func(s *specs.Spec) { s.Process.Args = args })
	return dir
}

func editSpec(t *testing.T, dir string, change func(*specs.Spec)) {
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var s specs.Spec
	require.NoError(t, json.Unmarshal(data, &s))
	change(&s)
	data, err = json.Marshal(&s)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func waitStatus(t *testing.T, r ociRuntime, id string, want specs.ContainerState) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.state(id).Status != want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.Equal(t, want, r.state(id).Status)
}

func TestOCILifecycle(t *testing.T) {
	r := newOCI(t)
	before := mountTable(t)
	dir := bundle(t, r, "/bin/sh", "-c", "echo started > /started; exec sleep 30")
	pidFile := filepath.Join(t.TempDir(), "pid")
	out, code := r.run("create", "--bundle", dir, "--pid-file", pidFile, "box")
	require.Equal(t, 0, code, out)
	st := r.state("box")
	assert.Equal(t, specs.StateCreated, st.Status, "create leaves the container waiting at its gate")
	assert.Equal(t, "box", st.ID)
	assert.Equal(t, dir, st.Bundle)
	pid, _ := os.ReadFile(pidFile)
	assert.Equal(t, strconv.Itoa(st.Pid), string(pid), "--pid-file holds the container's PID")
	assert.NoFileExists(t, filepath.Join(dir, "rootfs/started"), "process.args must wait for start")

	out, code = r.run("start", "box")
	require.Equal(t, 0, code, out)
	assert.Equal(t, specs.StateRunning, r.state("box").Status)
	assert.Eventually(t, func() bool { _, err := os.Stat(filepath.Join(dir, "rootfs/started")); return err == nil }, 5*time.Second, 10*time.Millisecond, "start runs process.args")
	out, _ = r.run("list")
	assert.Regexp(t, `box\s+\d+\s+running\s+`+dir, out)
	_, code = r.run("start", "box")
	assert.Equal(t, 125, code, "a running container cannot be started again")
	out, code = r.run("delete", "box")
	assert.Equal(t, 125, code, "a running container is not deleted without --force")
	assert.Contains(t, out, "running")

	out, code = r.run("kill", "box", "9")
	require.Equal(t, 0, code, out)
	waitStatus(t, r, "box", specs.StateStopped)
	_, code = r.run("kill", "box", "KILL")
	assert.Equal(t, 125, code, "a stopped container cannot be signalled")
	out, code = r.run("delete", "box")
	require.Equal(t, 0, code, out)
	out, code = r.run("state", "box")
	assert.Equal(t, 125, code)
	assert.Contains(t, out, `container "box" does not exist`)
	assert.Equal(t, before, mountTable(t), "the host's mounts are as they were")
}

func TestOCIRunAndKillSignals(t *testing.T) {
	r := newOCI(t)
	dir := bundle(t, r, "/bin/sh", "-c", "exit 7")
	out, code := r.run("run", "--bundle", dir, "once")
	assert.Equal(t, 7, code, "run exits with the container's status: %s", out)
	out, _ = r.run("list")
	assert.NotContains(t, out, "once", "run deletes its container")

	dir = bundle(t, r, "/bin/sh", "-c", "trap 'exit 42' USR1; while :; do sleep 0.01; done")
	_, code = r.run("create", "--bundle", dir, "sig")
	require.Equal(t, 0, code)
	defer r.run("delete", "--force", "sig")
	_, code = r.run("start", "sig")
	require.Equal(t, 0, code)
	out, code = r.run("kill", "sig", "usr1") // no SIG, any case: kill(1)'s forms
	require.Equal(t, 0, code, out)
	waitStatus(t, r, "sig", specs.StateStopped)
	for _, bad := range []string{"SIGNOPE", "0", "65"} {
		out, code := r.run("kill", "sig", bad)
		assert.Equal(t, 125, code, bad)
		assert.Contains(t, out, "signal", bad)
	}
}

func TestOCIBadBundles(t *testing.T) {
	r := newOCI(t)
	good := bundle(t, r, "/bin/sleep", "30")
	_, code := r.run("create", "--bundle", good, "taken")
	require.Equal(t, 0, code)
	defer r.run("delete", "--force", "taken")
	empty := t.TempDir()
	broken := func(content string) string {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(content), 0o644))
		return dir
	}
	noRootfs := bundle(t, r, "/bin/true")
	require.NoError(t, os.RemoveAll(filepath.Join(noRootfs, "rootfs")))
	for _, c := range []struct{ name, dir, id, want string }{
		{"no config.json", empty, "a", "has no config.json"},
		{"bad JSON", broken(`{"ociVersion": "1.0.2", "process": {`), "a", "not valid JSON"},
		{"a field of the wrong type", broken(`{"ociVersion": "1.0.2", "hostname": 5}`), "a", "field hostname"},
		{"a missing rootfs", noRootfs, "a", "root.path"},
		{"an id in use", good, "taken", `container id "taken" is in use`},
		{"an id with a slash", good, "a/b", `container id "a/b"`},
		{"no id", good, "", "no container id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"create", "--bundle", c.dir}
			if c.id != "" {
				args = append(args, c.id)
			}
			out, code := r.run(args...)
			assert.Equal(t, 125, code, out)
			assert.Contains(t, out, c.want)
		})
	}
	out, _ := r.run("list")
	assert.Equal(t, 2, len(strings.Split(strings.TrimSpace(out), "\n")), "only the good container is listed: %s", out)
	assert.Equal(t, specs.StateCreated, r.state("taken").Status, "a refused create leaves the other container alone")
}

// After kill -9 of any process of the runtime, state and list still say
// what is true.
func TestOCIStateAfterKill9(t *testing.T) {
	r := newOCI(t)
	// A create killed in its prestart hook, after the container was
	// recorded: still created, and delete --force removes it.
	dir := bundle(t, r, "/bin/sleep", "30")
	editSpec(t, dir, func(s *specs.Spec) {
		s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/sleep", Args: []string{"sleep", "30"}}}}
	})
	create := exec.Command(r.bin, "--root", r.root, "create", "--bundle", dir, "hooked")
	require.NoError(t, create.Start())
	require.Eventually(t, func() bool { _, err := os.Stat(filepath.Join(r.root, "hooked/state.json")); return err == nil }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, create.Process.Signal(syscall.SIGKILL))
	_ = create.Wait()
	assert.Equal(t, specs.StateCreated, r.state("hooked").Status, "the init still waits at its gate")
	out, code := r.run("delete", "--force", "hooked")
	require.Equal(t, 0, code, out)

	// The container's process killed: stopped.
	editSpec(t, dir, func(s *specs.Spec) { s.Hooks = nil })
	_, code = r.run("create", "--bundle", dir, "victim")
	require.Equal(t, 0, code)
	_, code = r.run("start", "victim")
	require.Equal(t, 0, code)
	pid := r.state("victim").Pid
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	waitStatus(t, r, "victim", specs.StateStopped)
	out, _ = r.run("list")
	assert.Regexp(t, `victim\s+0\s+stopped`, out)
	_, code = r.run("delete", "victim")
	assert.Equal(t, 0, code)

	// A create killed before it recorded anything: its directory and the
	// init that held the gate are swept by the next verb that looks.
	half := filepath.Join(r.root, "half")
	require.NoError(t, os.MkdirAll(half, 0o711))
	require.NoError(t, syscall.Mkfifo(filepath.Join(half, "exec.fifo"), 0o622))
	holder := exec.Command("/bin/sh", "-c", "exec 3<>"+filepath.Join(half, "exec.fifo")+"; exec sleep 30")
	require.NoError(t, holder.Start())
	require.Eventually(t, func() bool { return fdCount(holder.Process.Pid) > 3 }, 5*time.Second, 10*time.Millisecond)
	out, code = r.run("state", "half")
	assert.Equal(t, 125, code)
	assert.Contains(t, out, "does not exist")
	assert.NoDirExists(t, half, "the half-made container is swept")
	done := make(chan error, 1)
	go func() { done <- holder.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = holder.Process.Kill()
		t.Fatal("the process holding the gate was not killed")
	}
}

func fdCount(pid int) int {
	fds, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	return len(fds)
}
