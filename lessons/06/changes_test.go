//go:build linux

package overlay_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/06"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

// opaqueXattr is where overlayfs marks an opaque directory: trusted.*,
// or user.* when this process is root only of a user namespace (the
// overlay is then mounted with userxattr).
func opaqueXattr() string {
	if lessontest.Privileges() == "rootless" {
		return "user.overlay.opaque"
	}
	return "trusted.overlay.opaque"
}

func TestDeleteLeavesAWhiteout(t *testing.T) {
	l := lessontest.New(t, "whiteouts")
	defer l.Recover()
	l.NeedPrivileges()
	app := layer(l, map[string]string{"etc/motd": "welcome\n"})
	state := l.TempDir()
	writeCanary(l, onLayers(state, app), l.Rootfs(), app)
	kept := filepath.Join(l.TempDir(), "kept")
	cfg := onLayers(state, app)
	cfg.KeepUpper = kept
	out, code := l.RunContainer(cfg, `rm /etc/motd && [ ! -e /etc/motd ] && echo gone`)
	l.Equal(fmt.Sprintf("the output of rm /etc/motd and a look for it (exit code %d)", code), "gone\n", out)

	var st unix.Stat_t
	whiteout := filepath.Join(kept, "etc/motd")
	l.NoError(unix.Lstat(whiteout, &st), "lstat of "+whiteout+" in the kept upper directory")
	l.Equal("the file type of "+whiteout, "character device", fileType(st.Mode))
	l.Equal(fmt.Sprintf("the device number of %s (major:minor)", whiteout), "0:0",
		fmt.Sprintf("%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev)))
	l.Equal("the layer's /etc/motd after the container", "welcome\n", readFile(l, filepath.Join(app, "etc/motd")))
}

func TestOpaqueDirHidesTheLower(t *testing.T) {
	l := lessontest.New(t, "opaque-directories")
	defer l.Recover()
	l.NeedPrivileges()
	app := layer(l, map[string]string{"data/a": "a\n", "data/b": "b\n"})
	state := l.TempDir()
	writeCanary(l, onLayers(state, app), l.Rootfs(), app)
	kept := filepath.Join(l.TempDir(), "kept")
	cfg := onLayers(state, app)
	cfg.KeepUpper = kept
	out, code := l.RunContainer(cfg, `rm -rf /data && mkdir /data && touch /data/c && ls /data`)
	l.Equal(fmt.Sprintf("ls /data after rm -rf /data; mkdir /data; touch /data/c (exit code %d)", code), "c\n", out)

	dir := filepath.Join(kept, "data")
	buf := make([]byte, 16)
	n, err := unix.Lgetxattr(dir, opaqueXattr(), buf)
	l.NoError(err, "reading the xattr "+opaqueXattr()+" of "+dir)
	l.Equal("the value of "+opaqueXattr()+" on "+dir, "y", string(buf[:n]))
	entries, err := os.ReadDir(dir)
	l.NoError(err, "reading "+dir)
	l.True(len(entries) == 1 && entries[0].Name() == "c", dir+" to hold only c",
		fmt.Sprintf("%d entries", len(entries)))
	l.Equal("the layer's /data/a after the container", "a\n", readFile(l, filepath.Join(app, "data/a")))
}

func TestChangesIsExact(t *testing.T) {
	l := lessontest.New(t, "changes")
	defer l.Recover()
	l.NeedPrivileges()
	app := layer(l, map[string]string{
		"etc/motd":     "welcome\n",
		"etc/app.conf": "port=80\n",
		"data/a":       "a\n",
		"data/b":       "b\n",
	})
	state := l.TempDir()
	writeCanary(l, onLayers(state, app), l.Rootfs(), app)
	kept := filepath.Join(l.TempDir(), "kept")
	cfg := onLayers(state, app)
	cfg.KeepUpper = kept
	out, code := l.RunContainer(cfg, `set -e
echo new > /new
echo port=8080 >> /etc/app.conf
rm /etc/motd
rm -rf /data; mkdir /data; echo c > /data/c
echo done`)
	l.Equal(fmt.Sprintf("the container's output (exit code %d)", code), "done\n", out)

	got, err := overlay.Changes(kept, l.Rootfs(), app)
	l.NoError(err, "Changes("+kept+", rootfs, layer)")
	l.Equal("Changes of the kept upper directory", changes(
		"C /data",   // opaque now, but the layer has a /data
		"D /data/a", // hidden by the opaque /data
		"D /data/b",
		"A /data/c",
		"C /etc", // copied up to hold what changed below it
		"C /etc/app.conf",
		"D /etc/motd", // a whiteout
		"A /new",
	), got)
	library, err := container.Changes(kept, l.Rootfs(), app)
	l.NoError(err, "container.Changes (the library's)")
	l.Equal("Changes compared with the library's container.Changes", library, got)
}

func TestChangesReadsAHandMadeUpper(t *testing.T) {
	l := lessontest.New(t, "changes")
	defer l.Recover()
	l.NeedPrivileges()
	if lessontest.Privileges() == "rootless" {
		l.Skip("setting trusted.* xattrs needs real root, not root of a user namespace: run go test -exec sudo ./lessons/06")
	}
	lower := layer(l, map[string]string{
		"etc/passwd": "root:x:0:0::/root:/bin/sh\n",
		"etc/motd":   "welcome\n",
		"etc/hosts":  "127.0.0.1 localhost\n",
		"etc/group":  "root:x:0:\n",
		"var/log/a":  "a\n",
		"var/log/b":  "b\n",
		"opt/tool":   "#!/bin/sh\n",
	})
	site := layer(l, map[string]string{"srv/site/index.html": "<h1>hi</h1>\n"})
	upper := layer(l, map[string]string{
		"etc/passwd":     "root:x:0:0::/root:/bin/sh\nme:x:1000:1000::/home/me:/bin/sh\n",
		"etc/issue":      "unboxed\n",
		"etc/hosts":      "",
		"etc/group":      "",
		"etc/empty":      "",
		"home/me/notes":  "todo\n",
		"var/log/a":      "a again\n",
		"srv/site/":      "",
		"opt/":           "",
		"empty-new-dir/": "",
	})
	mark := func(what string, err error) { l.NoError(err, what) }
	mark("mknod a whiteout (0/0) at etc/motd", unix.Mknod(filepath.Join(upper, "etc/motd"), unix.S_IFCHR, 0))
	mark("mknod a whiteout (0/0) at opt/tool", unix.Mknod(filepath.Join(upper, "opt/tool"), unix.S_IFCHR, 0))
	mark("mknod a character device 1:3 (a /dev/null, not a whiteout) at null",
		unix.Mknod(filepath.Join(upper, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	mark("setxattr trusted.overlay.whiteout on the empty file etc/hosts (a whiteout since Linux 6.7)",
		unix.Lsetxattr(filepath.Join(upper, "etc/hosts"), "trusted.overlay.whiteout", nil, 0))
	mark("setxattr user.overlay.whiteout on the empty file etc/group (a whiteout since Linux 6.7)",
		unix.Lsetxattr(filepath.Join(upper, "etc/group"), "user.overlay.whiteout", nil, 0))
	mark("symlink etc/localtime", os.Symlink("/usr/share/zoneinfo/UTC", filepath.Join(upper, "etc/localtime")))
	mark("setxattr trusted.overlay.opaque=y on var/log",
		unix.Lsetxattr(filepath.Join(upper, "var/log"), "trusted.overlay.opaque", []byte("y"), 0))
	mark("setxattr user.overlay.opaque=y on srv/site",
		unix.Lsetxattr(filepath.Join(upper, "srv/site"), "user.overlay.opaque", []byte("y"), 0))

	for _, tc := range []struct {
		name   string
		lowers []string
		want   []container.Change
	}{
		{"with its two lower layers", []string{lower, site}, changes(
			"A /empty-new-dir",
			"C /etc",
			"A /etc/empty",
			"D /etc/group",
			"D /etc/hosts",
			"A /etc/issue",
			"A /etc/localtime",
			"D /etc/motd",
			"C /etc/passwd",
			"A /home",
			"A /home/me",
			"A /home/me/notes",
			"A /null",
			"C /opt",
			"D /opt/tool",
			"C /srv",
			"C /srv/site",
			"D /srv/site/index.html",
			"C /var",
			"C /var/log",
			"C /var/log/a",
			"D /var/log/b",
		)},
		{"with no lower layers", nil, changes(
			"A /empty-new-dir",
			"A /etc",
			"A /etc/empty",
			"D /etc/group",
			"D /etc/hosts",
			"A /etc/issue",
			"A /etc/localtime",
			"D /etc/motd",
			"A /etc/passwd",
			"A /home",
			"A /home/me",
			"A /home/me/notes",
			"A /null",
			"A /opt",
			"D /opt/tool",
			"A /srv",
			"A /srv/site",
			"A /var",
			"A /var/log",
			"A /var/log/a",
		)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "changes")
			defer l.Recover()
			got, err := overlay.Changes(upper, tc.lowers...)
			l.NoError(err, "Changes of a hand-made upper directory")
			l.Equal("Changes of a hand-made upper directory "+tc.name, tc.want, got)
		})
	}
	t.Run("an empty upper directory", func(t *testing.T) {
		l := lessontest.New(t, "changes")
		defer l.Recover()
		got, err := overlay.Changes(t.TempDir(), lower)
		l.NoError(err, "Changes of an empty upper directory")
		l.Equal("the number of changes in an empty upper directory", 0, len(got))
	})
}

// changes turns lines as docker diff prints them ("A /etc/issue") into
// a list of changes.
func changes(lines ...string) []container.Change {
	var list []container.Change
	for _, line := range lines {
		list = append(list, container.Change{Kind: container.ChangeKind(line[0]), Path: line[2:]})
	}
	return list
}

// fileType names the type bits of a stat mode.
func fileType(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFCHR:
		return "character device"
	case unix.S_IFREG:
		return "regular file"
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFLNK:
		return "symlink"
	}
	return fmt.Sprintf("type %o", mode&unix.S_IFMT)
}
