package container

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// treeSum hashes every path, mode, link target and file content under dir.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s %v %d\n", rel, info.Mode(), info.Size())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			fmt.Fprintln(h, target)
		case info.Mode().IsRegular():
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(h, f)
			return err
		}
		return nil
	})
	require.NoError(t, err)
	return fmt.Sprintf("%x", h.Sum(nil))
}

func overlayConfig(t *testing.T, stateDir string) Config {
	return Config{Rootfs: testRootfs(t), Namespaces: AllNamespaces, Overlay: true, StateDir: stateDir}
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "left in %s", dir)
}

// Containers write, delete and rename; the rootfs stays byte-for-byte as
// it was, the mount table too, and the state directory ends empty.
func TestOverlayLeavesTheRootfsAlone(t *testing.T) {
	needRoot(t)
	stateDir := t.TempDir()
	rootfs := testRootfs(t)
	before, mounts := treeSum(t, rootfs), hostMounts(t)
	for _, run := range []struct {
		script, out string
		code        int
	}{
		{`echo new > /etc/new && echo more >> /etc/passwd && cat /etc/new`, "new\n", 0},
		{`rm /bin/ls && mv /etc/hostname /etc/renamed && cat /etc/renamed >/dev/null && { ls /bin/ls 2>/dev/null || echo gone; }`, "gone\n", 0},
		{`rm -rf /usr && mkdir /usr && echo replaced > /usr/x && cat /usr/x`, "replaced\n", 0},
		{`exit 3`, "", 3},
	} {
		cfg := overlayConfig(t, stateDir)
		out, code := runIn(t, cfg, run.script)
		// The writes happened (in the container's view), or an unchanged
		// rootfs below would prove nothing.
		assert.Equal(t, run.code, code, run.script)
		assert.Equal(t, run.out, out, run.script)
	}
	code, err := Run(context.Background(), Config{Args: []string{"/no/such"}, Rootfs: rootfs, Namespaces: AllNamespaces, Overlay: true, StateDir: stateDir})
	assert.Equal(t, ExitNotFound, code, err)
	assert.Equal(t, before, treeSum(t, rootfs), "the rootfs changed")
	assert.Equal(t, mounts, hostMounts(t))
	assertEmpty(t, stateDir)
}

func TestOverlayContainersDoNotSeeEachOther(t *testing.T) {
	needRoot(t)
	stateDir := t.TempDir()
	cfg := overlayConfig(t, stateDir)
	cfg.Args = []string{"/bin/sh", "-c", "echo mine > /shared && echo written && read x"}
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	stdout, stdoutW, err := os.Pipe()
	require.NoError(t, err)
	cfg.Stdin, cfg.Stdout = pr, stdoutW
	first, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	pr.Close()
	stdoutW.Close()
	line := make([]byte, 8)
	_, err = io.ReadFull(stdout, line)
	require.NoError(t, err)
	require.Equal(t, "written\n", string(line))

	seen, code := runIn(t, overlayConfig(t, stateDir), "cat /shared 2>/dev/null || echo absent")
	assert.Equal(t, 0, code)
	assert.Equal(t, "absent\n", seen, "the second container sees the first one's file")

	pw.Close()
	_, err = first.Wait()
	require.NoError(t, err)
	assertEmpty(t, stateDir)
}

func TestOverlayLastLayerWins(t *testing.T) {
	needRoot(t)
	one, two := t.TempDir(), t.TempDir()
	for dir, word := range map[string]string{one: "one", two: "two"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "greeting"), []byte(word+"\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "only-"+word), nil, 0o644))
	}
	cfg := overlayConfig(t, t.TempDir())
	cfg.Layers = []string{one, two}
	out, code := runIn(t, cfg, "cat /etc/greeting; ls / | grep only")
	assert.Equal(t, 0, code)
	assert.Equal(t, "two\nonly-one\nonly-two\n", out)
}

func TestChangesLikeDockerDiff(t *testing.T) {
	needRoot(t)
	layer := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(layer, "home", "user"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(layer, "home", "user", "notes"), []byte("x"), 0o644))
	keep := filepath.Join(t.TempDir(), "changes")
	cfg := overlayConfig(t, t.TempDir())
	cfg.Layers, cfg.KeepUpper = []string{layer}, keep
	_, code := runIn(t, cfg, `echo hi > /new; echo x >> /etc/passwd; rm /etc/group; rm -rf /home; mkdir /home; touch /home/fresh`)
	require.Equal(t, 0, code)
	changes, err := Changes(keep, testRootfs(t), layer)
	require.NoError(t, err)
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	assert.Equal(t, []string{
		"C /etc", "D /etc/group", "C /etc/passwd",
		"C /home", "A /home/fresh", "D /home/user",
		"A /new",
	}, got)
	matches, _ := filepath.Glob(keep + ".work-*")
	assert.Empty(t, matches, "the work directory next to the kept upper is removed")
}

func TestChangesWithoutLowersAreAdditions(t *testing.T) {
	needRoot(t) // mknod for the whiteout
	upper := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(upper, "f"), nil, 0o644))
	require.NoError(t, unix.Mknod(filepath.Join(upper, "gone"), unix.S_IFCHR, 0))
	require.NoError(t, os.Mkdir(filepath.Join(upper, "d"), 0o755))
	require.NoError(t, unix.Setxattr(filepath.Join(upper, "d"), "trusted.overlay.opaque", []byte("y"), 0))
	changes, err := Changes(upper)
	require.NoError(t, err)
	assert.Equal(t, []Change{{Added, "/d"}, {Added, "/f"}, {Deleted, "/gone"}}, changes)
}

func TestVolumes(t *testing.T) {
	needRoot(t)
	rw, ro := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(ro, "in"), []byte("from host\n"), 0o644))
	cfg := overlayConfig(t, t.TempDir())
	cfg.Volumes = []Volume{{Host: rw, Container: "/data"}, {Host: ro, Container: "/srv/in", ReadOnly: true}}
	out, code := runIn(t, cfg, "echo out > /data/f && cat /srv/in/in && { touch /srv/in/x 2>/dev/null || echo read-only; }")
	assert.Equal(t, 0, code)
	assert.Equal(t, "from host\nread-only\n", out)
	data, err := os.ReadFile(filepath.Join(rw, "f"))
	require.NoError(t, err)
	assert.Equal(t, "out\n", string(data))
}

func TestParseVolume(t *testing.T) {
	v, err := ParseVolume("./data:/data:ro")
	require.NoError(t, err)
	assert.Equal(t, Volume{Host: "./data", Container: "/data", ReadOnly: true}, v)
	for _, bad := range []string{"data", "a:b", "a:/b:rx", ":/b", "a:/b:ro:x"} {
		_, err := ParseVolume(bad)
		assert.ErrorContains(t, err, "want e.g. ./data:/data", bad)
	}
}

// A crashed runtime leaves its state behind; the next run removes it.
func TestStaleStateIsRemoved(t *testing.T) {
	needRoot(t)
	stateDir := t.TempDir()
	stale := filepath.Join(stateDir, "deadbeef0000-999999999") // a runtime PID that is gone
	require.NoError(t, os.MkdirAll(filepath.Join(stale, "work", "work"), 0o755))
	require.NoError(t, os.Chmod(filepath.Join(stale, "work", "work"), 0))
	_, code := runIn(t, overlayConfig(t, stateDir), "true")
	assert.Equal(t, 0, code)
	assertEmpty(t, stateDir)
}

func TestOverlayConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		says string
	}{
		{"layers without overlay", Config{Layers: []string{"/"}}, "need Overlay"},
		{"missing layer", Config{Overlay: true, Layers: []string{"/no/such/layer"}}, "/no/such/layer"},
		{"missing volume", Config{Volumes: []Volume{{Host: "/no/such/dir", Container: "/x"}}}, "/no/such/dir"},
		{"relative volume target", Config{Volumes: []Volume{{Host: "/", Container: "x"}}}, "not an absolute path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Args, cfg.Rootfs, cfg.Namespaces = []string{"true"}, "/", AllNamespaces
			code, err := Run(context.Background(), cfg)
			assert.Equal(t, ExitRuntimeError, code)
			assert.ErrorContains(t, err, tc.says)
		})
	}
}

// Installed at init, before TestMain's Init, so that the re-executed init
// has it too (Use in a test function changes only the parent).
func init() { Use(Stages{MountOverlay: testOverlayStage, Supervise: testSupervise}) }

// badOverlayLayer names a layer for which testOverlayStage misbehaves.
const badOverlayLayer = "bind-instead-of-overlay"

// testOverlayStage is the library's MountOverlay, except that when the top
// layer is named badOverlayLayer it bind-mounts the rootfs instead, as a
// learner's broken stage might.
func testOverlayStage(lowers []string, upper, work, target string) error {
	if filepath.Base(lowers[len(lowers)-1]) == badOverlayLayer {
		return unix.Mount(lowers[0], target, "", unix.MS_BIND, "")
	}
	return MountOverlay(lowers, upper, work, target)
}

// A MountOverlay stage that binds the rootfs instead would let containers
// write into it: the runtime refuses to go on.
func TestOverlayStageMustMountAnOverlay(t *testing.T) {
	needRoot(t)
	rootfs := testRootfs(t)
	before := treeSum(t, rootfs)
	cfg := overlayConfig(t, t.TempDir())
	bad := filepath.Join(t.TempDir(), badOverlayLayer)
	require.NoError(t, os.Mkdir(bad, 0o755))
	cfg.Layers = []string{bad}
	cfg.Args = []string{"/bin/sh", "-c", "echo oops > /oops"}
	code, err := Run(context.Background(), cfg)
	assert.Equal(t, ExitRuntimeError, code)
	assert.ErrorContains(t, err, "left no overlay filesystem")
	assert.Equal(t, before, treeSum(t, rootfs))
}
