package container

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filesUnder lists the files (not directories) under dir.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}

// A container's writes land on a tmpfs of its own, not in the host's
// state directory (by default on the host's /run): while it runs, the host
// sees no file of it there, and it ends with nothing left.
func TestStorageIsTheContainersOwn(t *testing.T) {
	needRoot(t)
	stateDir := t.TempDir()
	cfg := overlayConfig(t, stateDir)
	cfg.Args = []string{"/bin/sh", "-c", `head -c 1048576 /dev/zero > /big && df -k / | tail -1 && echo written && { read x || true; }`}
	stdin, stdinW, err := os.Pipe()
	require.NoError(t, err)
	stdout, stdoutW, err := os.Pipe()
	require.NoError(t, err)
	cfg.Stdin, cfg.Stdout, cfg.Stderr = stdin, stdoutW, stdoutW
	c, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	stdin.Close()
	stdoutW.Close()
	out := bufio.NewReader(stdout)
	df, err := out.ReadString('\n')
	require.NoError(t, err)
	line, err := out.ReadString('\n')
	require.NoError(t, err, "df said %q", df)
	require.Equal(t, "written\n", line, "df said %q", df)
	assert.Empty(t, filesUnder(t, stateDir), "the container's 1 MiB file is not in the host's state directory")
	assert.Empty(t, c.Upper(), "no upper directory on the host to read")
	// An overlay reports its upper directory's filesystem to statfs(2):
	// the tmpfs, DefaultStorageSize big.
	fields := strings.Fields(df)
	require.GreaterOrEqual(t, len(fields), 2, "df said %q", df)
	assert.Equal(t, "524288", fields[1], "the root's size in KiB, as df shows it: DefaultStorageSize (df said %q)", df)
	stdinW.Close()
	_, _ = io.Copy(io.Discard, out)
	code, err := c.Wait()
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assertEmpty(t, stateDir)
}

// StorageSize caps what a container can write; writing more fails in the
// container with ENOSPC, and the container goes on.
func TestStorageSizeCapsWrites(t *testing.T) {
	needRoot(t)
	cfg := overlayConfig(t, t.TempDir())
	cfg.StorageSize = 2 << 20
	out, code := runIn(t, cfg, `head -c 4194304 /dev/zero > /big 2>/dev/null || echo refused; echo still here`)
	assert.Equal(t, 0, code)
	assert.Equal(t, "refused\nstill here\n", out, "4 MiB into a 2 MiB storage")
}

func TestStorageSizeErrors(t *testing.T) {
	stateDir := t.TempDir()
	for _, tc := range []struct {
		name string
		cfg  Config
		says string
	}{
		{"too small", Config{Overlay: true, StorageSize: 4096}, "storage size 4096 bytes is below the 1M minimum (want e.g. 512M"},
		{"negative", Config{Overlay: true, StorageSize: -1}, "storage size -1 bytes"},
		{"no overlay", Config{StorageSize: 64 << 20}, "needs Overlay"},
		{"kept upper", Config{Overlay: true, StorageSize: 64 << 20, KeepUpper: filepath.Join(stateDir, "kept")}, "does not apply to a kept upper"},
		{"rootless", Config{Overlay: true, StorageSize: 64 << 20, Namespaces: append([]Namespace{User}, AllNamespaces...)}, "does not apply in a user namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Args, cfg.Rootfs, cfg.StateDir = []string{"true"}, "/", stateDir
			if cfg.Namespaces == nil {
				cfg.Namespaces = AllNamespaces
			}
			code, err := Run(context.Background(), cfg)
			assert.Equal(t, ExitRuntimeError, code)
			assert.ErrorContains(t, err, tc.says)
		})
	}
	assertEmpty(t, stateDir)
}
