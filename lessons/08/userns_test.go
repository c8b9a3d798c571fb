//go:build linux

package privileges_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/08"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// hostBase is the first host uid and gid of the test's mapping: far above
// any real user, as /etc/subuid ranges are.
const hostBase = 100000

// A shell runs as the unprivileged host uid hostBase and makes a user
// namespace (busybox unshare -U), where it waits. Your WriteIDMaps maps
// its uid 0 to hostBase; then the shell reports who it is and creates a
// file, which the host sees owned by hostBase.
func TestRootInsideIsNobodyOutside(t *testing.T) {
	l := lessontest.New(t, "user-namespaces")
	defer l.Recover()
	l.NeedPrivileges()
	if lessontest.Privileges() != "root" {
		l.Skip("mapping a range of host uids needs real root: go test -exec sudo ./lessons/08")
	}
	if err := container.UserNamespacesBlocked(); err != nil {
		l.Skipf("this kernel lets no unprivileged user make a user namespace (%v); see go run ./lessons doctor", err)
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		l.Skip("needs busybox on the host: apt-get install busybox-static")
	}
	// Not t.TempDir(): its parent is closed to other users.
	dir, err := os.MkdirTemp("", "lesson08-")
	l.NoError(err, "making a directory for the shell's file")
	defer os.RemoveAll(dir)
	l.NoError(os.Chmod(dir, 0o777), "making that directory writable for every uid")
	script := `read go; id -u; id -g; cat /proc/self/setgroups; tr -s ' ' < /proc/self/uid_map; touch ` + dir + `/made-inside`
	cmd := exec.Command(busybox, "unshare", "-U", "--", busybox, "sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: hostBase, Gid: hostBase}}
	stdin, err := cmd.StdinPipe()
	l.NoError(err, "making the shell's stdin")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	l.NoError(cmd.Start(), "starting busybox unshare -U as uid 100000")
	defer cmd.Process.Kill()
	pid := cmd.Process.Pid
	waitForOwnUserNamespace(l, pid)

	maps := []privileges.IDMap{{ContainerID: 0, HostID: hostBase, Size: 1}}
	err = privileges.WriteIDMaps(pid, maps, maps)
	stdin.Close() // the shell's read returns: it goes on either way
	l.NoError(err, fmt.Sprintf("WriteIDMaps(%d, %v, %v)", pid, maps, maps))
	_ = cmd.Wait()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	l.True(len(lines) == 4, "four lines from the shell: uid, gid, setgroups, uid_map", out.String())
	l.Equal("the uid inside (id -u)", "0", lines[0])
	l.Equal("the gid inside (id -g)", "0", lines[1])
	l.Equal("/proc/self/setgroups inside", "deny", lines[2])
	l.Equal("/proc/self/uid_map inside", " 0 100000 1", lines[3])
	info, err := os.Stat(filepath.Join(dir, "made-inside"))
	l.NoError(err, "finding the file the shell created")
	st := info.Sys().(*syscall.Stat_t)
	l.Equal("the owner, seen from the host, of the file root created inside", fmt.Sprintf("%d:%d", hostBase, hostBase), fmt.Sprintf("%d:%d", st.Uid, st.Gid))
}

// waitForOwnUserNamespace waits until process pid is in a user namespace
// other than this test's: busybox has run unshare(2).
func waitForOwnUserNamespace(l *lessontest.T, pid int) {
	l.Helper()
	ours, _ := os.Readlink("/proc/self/ns/user")
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pid)); err == nil && theirs != ours {
			return
		}
	}
	l.Fatalf("want busybox unshare -U to make its user namespace within 5s, got none")
}
