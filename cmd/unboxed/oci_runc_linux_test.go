package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bundle that runc spec wrote runs as it is but for its terminal: its
// cgroup mount is the container's own cgroups, read-only.
func TestOCIRuncSpecBundle(t *testing.T) {
	r := newOCI(t)
	runc, err := exec.LookPath("runc")
	if err != nil {
		t.Skip("runc writes the bundle here: apt-get install runc")
	}
	dir := bundle(t, r, "/bin/true")
	require.NoError(t, os.Remove(filepath.Join(dir, "config.json")))
	out, err := exec.Command(runc, "spec", "--bundle", dir).CombinedOutput()
	require.NoError(t, err, string(out))
	editSpec(t, dir, func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Process.Args = []string{"/bin/sh", "-c", "grep -c ' /sys/fs/cgroup.* ro,' /proc/self/mountinfo"}
	})
	got, code := r.run("run", "--bundle", dir, "runcspec")
	require.Equal(t, 0, code, got)
	assert.Regexp(t, `(?m)^[1-9][0-9]*$`, got, "the cgroup view is mounted read-only")
}

// Creates racing for one id: one wins, the others are told it is in use,
// and none of them removes the winner's directory as a killed create's.
func TestOCIConcurrentCreate(t *testing.T) {
	r := newOCI(t)
	dir := bundle(t, r, "/bin/sleep", "30")
	codes := make(chan int, 5)
	for i := 0; i < 5; i++ {
		// Not r.run: its require may not stop the test from a goroutine.
		go func() {
			cmd := exec.Command(r.bin, "--root", r.root, "create", "--bundle", dir, "race")
			_ = cmd.Run() // no output: a created container keeps it open
			codes <- cmd.ProcessState.ExitCode()
		}()
	}
	won := 0
	for i := 0; i < 5; i++ {
		if <-codes == 0 {
			won++
		}
	}
	defer r.run("delete", "--force", "race")
	assert.Equal(t, 1, won, "exactly one create wins the id")
	assert.Equal(t, specs.StateCreated, r.state("race").Status)
	entries, err := os.ReadDir(r.root)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary directory is left")
}

// linux.resources.devices that denies every device, without a device
// cgroup: the filter refuses to make a device node, even with CAP_MKNOD.
func TestOCIDeviceRuleEnforced(t *testing.T) {
	r := newOCI(t)
	dir := bundle(t, r, "/bin/sh", "-c", "mknod /tmp/fifo p && echo fifo-ok; mknod /tmp/sda b 8 0 && echo disk-made; exit 0")
	editSpec(t, dir, func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
	})
	out, code := r.run("run", "--bundle", dir, "devices")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "fifo-ok", "a FIFO is not a device")
	assert.NotContains(t, out, "disk-made", "no block device for the host's disk")
}
