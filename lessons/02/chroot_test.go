//go:build linux

package rootfs_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestShellRunsInYourRootfs(t *testing.T) {
	l := lessontest.New(t, "chroot")
	defer l.Recover()
	l.NeedPrivileges()
	dir := build(l, "sh", "ls", "cat", "echo")
	before := lessontest.HostMounts(t)
	// NoPivot: the runtime changes the root with your Chroot.
	out, code := l.RunContainer(container.Config{Rootfs: dir, NoPivot: true}, "echo hello from inside; ls /bin")
	l.Equal("exit code of the script in your rootfs (output: "+out+")", 0, code)
	l.Contains("the container's output", out, "hello from inside")
	l.True(hasLine(out, "sh"), "ls /bin to list sh", out)
	l.Equal("the host's mount table after the container", before, lessontest.HostMounts(t))
}

func TestHostFilesAreOutOfSight(t *testing.T) {
	l := lessontest.New(t, "chroot")
	defer l.Recover()
	l.NeedPrivileges()
	marker := filepath.Join(t.TempDir(), "host-marker")
	l.NoError(os.WriteFile(marker, []byte("on the host\n"), 0o644), "writing "+marker)
	dir := build(l, "sh", "ls", "cat")
	before := lessontest.HostMounts(t)

	out, code := l.RunContainer(container.Config{Rootfs: dir, NoPivot: true}, "cat "+marker)
	l.NotEqual("exit code of cat "+marker+" inside (the host file must be out of sight; output: "+out+")", 0, code)
	l.True(!strings.Contains(out, "on the host"), "no trace of the host file's content", out)

	out, code = l.RunContainer(container.Config{Rootfs: dir, NoPivot: true}, "ls -1 /")
	l.Equal("exit code of ls -1 / (output: "+out+")", 0, code)
	entries, err := os.ReadDir(dir)
	l.NoError(err, "listing the rootfs on the host")
	var want []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") { // ls hides dot files
			want = append(want, e.Name())
		}
	}
	got := strings.Fields(out)
	sort.Strings(got)
	l.Equal("what ls / shows inside (the top of your rootfs, nothing of the host's /)", strings.Join(want, " "), strings.Join(got, " "))
	l.Equal("the host's mount table after the containers", before, lessontest.HostMounts(t))
}

func TestChrootNamesWhatFailed(t *testing.T) {
	l := lessontest.New(t, "chroot")
	defer l.Recover()
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	r := l.InChild(chrootErrChild, 0, missing)
	l.NotEqual("Chroot of a directory that does not exist", "nil", r["err"])
	l.Contains("the error of Chroot", r["err"], "chroot")
	l.Contains("the error of Chroot", r["err"], missing)
}

func TestChrootCanBeEscaped(t *testing.T) {
	l := lessontest.New(t, "escaping-a-chroot")
	defer l.Recover()
	l.NeedPrivileges()
	marker := filepath.Join(t.TempDir(), "host-secret")
	l.NoError(os.WriteFile(marker, []byte("host only"), 0o600), "writing "+marker)
	dir := filepath.Join(t.TempDir(), "rootfs")
	l.NoError(os.Mkdir(dir, 0o755), "making an empty rootfs")
	before := lessontest.HostMounts(t)

	// A mount namespace of its own, so that nothing the child does to the
	// root can reach the host.
	r := l.InChild(escapeChild, unix.CLONE_NEWNS, dir, marker)
	l.Equal("the working directory right after your Chroot", "/", r["cwd"])
	l.Contains("reading the host file right after your Chroot (it must be out of sight)", r["before"], "no such file or directory")
	l.Equal("reading the host file after the escape (chroot alone is no wall)", "read: host only", r["after"])
	l.Equal("the host's mount table after the escape", before, lessontest.HostMounts(t))
}

// hasLine says whether one of the lines of out is line.
func hasLine(out, line string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
