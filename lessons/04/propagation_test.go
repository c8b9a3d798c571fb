//go:build linux

package mounts_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

// sharedRootfs returns the default rootfs seen through a path under a
// shared mount that the test makes on the host (and removes at the end).
// On a systemd host "/" is shared anyway; this makes any host behave like
// one, so that a mount that leaks out of a container shows on the host.
func sharedRootfs(l *lessontest.T) string {
	l.Helper()
	rootfs := l.Rootfs()
	dir := l.TempDir()
	l.NoError(unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=64k,mode=755"), "mounting a tmpfs on "+dir)
	// Registered after TempDir, so it runs before TempDir's removal.
	// MNT_DETACH takes everything mounted below dir along.
	l.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	l.NoError(unix.Mount("", dir, "", unix.MS_SHARED, ""), "making "+dir+" shared")
	root := filepath.Join(dir, "rootfs")
	l.NoError(os.Mkdir(root, 0o755), "mkdir "+root)
	l.NoError(unix.Mount(rootfs, root, "", unix.MS_BIND|unix.MS_REC, ""), "binding the rootfs onto "+root)
	return root
}

func TestHostMountTableUnchanged(t *testing.T) {
	l := lessontest.New(t, "mount-propagation")
	defer l.Recover()
	l.NeedPrivileges()
	needRealRoot(l)
	rootfs := sharedRootfs(l)
	before := lessontest.HostMounts(t)

	for _, c := range []struct {
		what, script string
		init         bool
		want         int
	}{
		{"exits normally", "true", false, 0},
		{"exits with 3", "exit 3", false, 3},
		// With Init, sh is not PID 1, which ignores even SIGKILL from
		// inside its namespace.
		{"is killed by SIGKILL", "kill -9 $$", true, 137},
		{"mounts a tmpfs on /tmp", "mount -t tmpfs tmpfs /tmp && touch /tmp/x", false, 0},
	} {
		// The container mounts for itself, which takes CAP_SYS_ADMIN:
		// the runtime drops it by default (lesson 08).
		sec := container.Security{CapAdd: []string{"SYS_ADMIN"}}
		_, code := l.RunContainer(container.Config{Rootfs: rootfs, Init: c.init, Security: sec}, c.script)
		l.Equal("the exit code of a container that "+c.what+" ("+c.script+")", c.want, code)
	}

	// One that is set up completely and then cannot exec its command.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := container.Run(ctx, container.Config{
		Args:       []string{"/no/such/program"},
		Rootfs:     rootfs,
		Namespaces: container.AllNamespaces,
	})
	l.Error(err, "container.Run of /no/such/program")
	l.Equal("the exit code of a container whose program is missing", 127, code)

	sameHostMounts(l, before, "the containers")
}

// sameHostMounts fails the test, with the lines that differ, unless the
// host's mount table is the same as before.
func sameHostMounts(l *lessontest.T, before, after string) {
	l.Helper()
	if now := lessontest.HostMounts(l.T); now != before {
		l.Fatalf("want the host's mount table unchanged after %s, got these lines changed (- gone, + new):\n%s", after, mountDiff(before, now))
	}
}

// mountDiff lists the lines of a mount table that only before (-) or only
// after (+) has.
func mountDiff(before, after string) string {
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out []string
	for _, line := range b {
		if !slices.Contains(a, line) {
			out = append(out, "- "+line)
		}
	}
	for _, line := range a {
		if !slices.Contains(b, line) {
			out = append(out, "+ "+line)
		}
	}
	return strings.Join(out, "\n")
}
