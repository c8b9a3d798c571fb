package container

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A container with UIDMappings and GIDMappings runs in a user namespace
// with exactly those maps, on its rootfs as it is (not a shifted copy),
// with working device nodes (the host's, bound in: mknod is refused
// there), with the standard mounts and with a bundle's own.
func TestIDMappingsAreTheNamespacesMaps(t *testing.T) {
	needRoot(t)
	if err := UserNamespacesBlocked(); err != nil {
		t.Skipf("needs user namespaces: %v", err)
	}
	// Not t.TempDir(): its parent is closed to the maps' root, host uid 100000.
	parent, err := os.MkdirTemp("", "idmaps-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(parent) })
	require.NoError(t, os.Chmod(parent, 0o711))
	rootfs := filepath.Join(parent, "rootfs")
	require.NoError(t, BuildBusyboxRootfs(rootfs))
	bundleMounts := []MountSpec{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=755"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"ro", "nosuid", "noexec", "nodev"}},
	}
	for _, c := range []struct {
		name   string
		mounts []MountSpec
	}{{"standard mounts", nil}, {"a bundle's mounts", bundleMounts}} {
		t.Run(c.name, func(t *testing.T) {
			before := hostMounts(t)
			cfg := Config{
				Namespaces: append([]Namespace{User}, AllNamespaces...), Rootfs: rootfs,
				Extras: Extras{
					Mounts:      c.mounts,
					UIDMappings: []IDMap{{ContainerID: 0, HostID: 100000, Size: 2000}},
					GIDMappings: []IDMap{{ContainerID: 0, HostID: 100000, Size: 3000}, {ContainerID: 5000, HostID: 300000, Size: 1}},
				},
			}
			out, code := runIn(t, cfg, `id -u; tr -s ' ' < /proc/self/uid_map; tr -s ' ' < /proc/self/gid_map; echo x > /dev/null && head -c1 /dev/zero | wc -c; ls -d /dev/ptmx /dev/fd`)
			require.Equal(t, 0, code, out)
			assert.Equal(t, "0\n 0 100000 2000\n 0 100000 3000\n 5000 300000 1\n1\n/dev/fd\n/dev/ptmx\n", out)
			assert.Equal(t, before, hostMounts(t), "the host's mount table is as it was")
		})
	}
}

func TestIDMappingsRefused(t *testing.T) {
	ok := []IDMap{{ContainerID: 0, HostID: 100000, Size: 10}}
	for _, c := range []struct {
		name     string
		ns       []Namespace
		uid, gid []IDMap
		says     string
	}{
		{"without the User namespace", AllNamespaces, ok, ok, "need the User namespace"},
		{"a uid map alone", append([]Namespace{User}, AllNamespaces...), ok, nil, "a gid map"},
		{"root unmapped", append([]Namespace{User}, AllNamespaces...), []IDMap{{ContainerID: 1, HostID: 100000, Size: 10}}, ok, "id 0"},
		{"an empty range", append([]Namespace{User}, AllNamespaces...), ok, []IDMap{{HostID: 100000}}, "no range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{Args: []string{"/bin/true"}, Namespaces: c.ns, Extras: Extras{UIDMappings: c.uid, GIDMappings: c.gid}}
			code, err := Run(context.Background(), cfg)
			assert.Equal(t, ExitRuntimeError, code)
			require.ErrorContains(t, err, c.says)
			assert.True(t, strings.Contains(err.Error(), "want e.g."), err)
		})
	}
}
