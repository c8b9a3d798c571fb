package container

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// needStaticBusybox skips a test on a host without a static busybox.
func needStaticBusybox(t *testing.T) {
	t.Helper()
	if _, err := staticBusybox(); err != nil {
		t.Skipf("%v", err)
	}
}

func TestBuildBusyboxRootfsFiles(t *testing.T) {
	needStaticBusybox(t)
	dir := filepath.Join(t.TempDir(), "rootfs")
	require.NoError(t, BuildBusyboxRootfs(dir))

	fi, err := os.Stat(resolveInRootfs(t, dir, "/bin/busybox"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode().Perm()&0o111, "want /bin/busybox executable")
	for _, applet := range []string{"/bin/sh", "/bin/ls", "/usr/bin/env"} {
		sh := resolveInRootfs(t, dir, applet)
		assert.Equal(t, resolveInRootfs(t, dir, "/bin/busybox"), sh, "want %s to lead to /bin/busybox", applet)
	}
	assert.FileExists(t, filepath.Join(dir, "etc/passwd"))
	fi, err = os.Stat(filepath.Join(dir, "tmp"))
	require.NoError(t, err)
	assert.Equal(t, fs.ModeDir|fs.ModeSticky|0o777, fi.Mode())
}

func TestBuildBusyboxRootfsRunsUnderChroot(t *testing.T) {
	needRoot(t)
	needStaticBusybox(t)
	dir := filepath.Join(t.TempDir(), "rootfs")
	require.NoError(t, BuildBusyboxRootfs(dir))
	out, err := exec.Command("chroot", dir, "/bin/sh", "-c", "echo ok; ls /").CombinedOutput()
	require.NoError(t, err, "chroot %s /bin/sh: %s", dir, out)
	lines := strings.Fields(string(out))
	require.NotEmpty(t, lines)
	assert.Equal(t, "ok", lines[0])
	for _, d := range []string{"bin", "etc", "proc", "tmp", "usr"} {
		assert.Contains(t, lines[1:], d, "want %s in ls / inside the rootfs", d)
	}
}

func TestBuildBusyboxRootfsWithoutBusybox(t *testing.T) {
	fake := t.TempDir()
	dynamic := filepath.Join(fake, "busybox")
	ls, err := exec.LookPath("ls")
	require.NoError(t, err)
	data, err := os.ReadFile(ls)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dynamic, data, 0o755))

	for _, tc := range []struct {
		name  string
		paths []string
		says  string
	}{
		{"none", []string{filepath.Join(fake, "missing")}, "none at"},
		{"dynamically linked", []string{dynamic}, "dynamically linked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := busyboxPaths
			busyboxPaths = tc.paths
			t.Cleanup(func() { busyboxPaths = saved })

			dir := filepath.Join(t.TempDir(), "rootfs")
			err := BuildBusyboxRootfs(dir)
			require.True(t, errors.Is(err, ErrNoBusybox), "want an error wrapping ErrNoBusybox, got %v", err)
			assert.Contains(t, err.Error(), tc.says)
			assert.NoDirExists(t, dir, "want nothing made")
		})
	}
}
