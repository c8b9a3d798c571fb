package container

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Root inside a container with a user range is the range's first uid
// outside: a file it creates in a volume is owned by that uid on the host.
// Inside it is still root of a writable overlay.
func TestUserRangeRootIsUnprivilegedOutside(t *testing.T) {
	needRoot(t)
	if err := UserNamespacesBlocked(); err != nil {
		t.Skipf("needs user namespaces: %v", err)
	}
	vol, err := os.MkdirTemp("", "userrange-")
	require.NoError(t, err)
	defer os.RemoveAll(vol)
	require.NoError(t, os.Chmod(vol, 0o777))
	// A state directory of the test's own, where the shifted copy of the
	// rootfs stays (not t.TempDir(): its parent is closed to other uids).
	state, err := os.MkdirTemp("", "userrange-state-")
	require.NoError(t, err)
	defer os.RemoveAll(state)
	defer os.RemoveAll(state + "-shifted")
	cfg := Config{
		Namespaces: append([]Namespace{User}, AllNamespaces...), Overlay: true, UserRange: DefaultUserRange,
		Volumes: []Volume{{Host: vol, Container: "/out"}}, StateDir: state,
	}
	out, code := runIn(t, cfg, `id -u; tr -s ' ' < /proc/self/uid_map; touch /out/made-inside; echo hi > /new && cat /new; stat -c %u /bin/busybox; grep CapEff /proc/self/status`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "0\n 0 100000 65536\nhi\n0\nCapEff:\t00000000a80425fb\n", out)
	info, err := os.Stat(filepath.Join(vol, "made-inside"))
	require.NoError(t, err)
	st := info.Sys().(*syscall.Stat_t)
	assert.Equal(t, [2]uint32{100000, 100000}, [2]uint32{st.Uid, st.Gid}, "the owner on the host")
	_, err = os.Stat(filepath.Join(testRootfs(t), "new"))
	assert.ErrorIs(t, err, os.ErrNotExist, "the rootfs itself is untouched")
}

func TestUserRangeErrors(t *testing.T) {
	needRoot(t)
	for _, tc := range []struct {
		cfg  Config
		says string
	}{
		{Config{Namespaces: AllNamespaces, Overlay: true, UserRange: DefaultUserRange}, "needs the User namespace"},
		{Config{Namespaces: append([]Namespace{User}, AllNamespaces...), UserRange: DefaultUserRange}, "needs the User namespace, a rootfs and Overlay"},
		{Config{Namespaces: append([]Namespace{User}, AllNamespaces...), Overlay: true, UserRange: IDRange{HostUID: -1, HostGID: 1, Size: 1}}, "no range of host ids"},
	} {
		cfg := tc.cfg
		cfg.Args, cfg.Rootfs = []string{"/bin/true"}, testRootfs(t)
		code, err := Run(context.Background(), cfg)
		assert.Equal(t, ExitRuntimeError, code)
		assert.ErrorContains(t, err, tc.says)
		assert.True(t, err == nil || strings.Contains(err.Error(), "want e.g."), err)
	}
}

func TestSubordinateRange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "subuid")
	require.NoError(t, os.WriteFile(path, []byte("alice:200000:65536\nroot:300000:1000\n"), 0o644))
	start, count, ok := subordinate(path, "root")
	assert.True(t, ok)
	assert.Equal(t, [2]int{300000, 1000}, [2]int{start, count})
	_, _, ok = subordinate(path, "bob")
	assert.False(t, ok)
}
