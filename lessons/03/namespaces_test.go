//go:build linux

package namespaces_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/03"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

func TestCloneFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		nss  []container.Namespace
		want string
	}{
		{"uts is CLONE_NEWUTS", []container.Namespace{container.UTS}, "CLONE_NEWUTS"},
		{"pid is CLONE_NEWPID", []container.Namespace{container.PID}, "CLONE_NEWPID"},
		{"mnt is CLONE_NEWNS", []container.Namespace{container.Mount}, "CLONE_NEWNS"},
		{"ipc is CLONE_NEWIPC", []container.Namespace{container.IPC}, "CLONE_NEWIPC"},
		{"net is CLONE_NEWNET", []container.Namespace{container.Network}, "CLONE_NEWNET"},
		{"user is CLONE_NEWUSER", []container.Namespace{container.User}, "CLONE_NEWUSER"},
		{"none is 0", nil, "0"},
		{"uts and pid together", []container.Namespace{container.UTS, container.PID}, "CLONE_NEWUTS|CLONE_NEWPID"},
		{"all of AllNamespaces", container.AllNamespaces, "CLONE_NEWUTS|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWIPC|CLONE_NEWNET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "clone-flags")
			defer l.Recover()
			got := namespaces.CloneFlags(tc.nss...)
			l.Equal(fmt.Sprintf("CloneFlags(%s)", nsList(tc.nss)), tc.want, flagNames(got))
		})
	}
}

func TestHostnameChangesOnlyInside(t *testing.T) {
	l := lessontest.New(t, "uts-the-hostname")
	defer l.Recover()
	l.NeedPrivileges()
	before, err := os.Hostname()
	l.NoError(err, "reading the host's hostname")
	name := "box"
	if before == name {
		name = "another-box"
	}
	out, code := run(l, container.Config{Hostname: name}, "hostname")
	l.Equal("exit code of hostname", 0, code)
	l.Equal("the hostname inside the container", name, strings.TrimSpace(out))
	after, err := os.Hostname()
	l.NoError(err, "reading the host's hostname")
	l.Equal("the host's hostname after the container ran", before, after)
}

func TestFirstProcessIsPID1(t *testing.T) {
	l := lessontest.New(t, "pid-process-numbers")
	defer l.Recover()
	l.NeedPrivileges()
	out, code := run(l, container.Config{}, "echo $$ $PPID")
	l.Equal("exit code of echo $$ $PPID", 0, code)
	l.Equal("the shell's PID and parent PID inside the container (its parent is outside the namespace: 0)", "1 0", strings.TrimSpace(out))
}

func TestProcShowsOnlyTheContainer(t *testing.T) {
	l := lessontest.New(t, "a-fresh-proc")
	defer l.Recover()
	l.NeedPrivileges()
	out, code := run(l, container.Config{}, `ls /proc; echo ---; awk '$5 == "/proc" {print $6}' /proc/self/mountinfo`)
	l.Equal("exit code of ls /proc", 0, code)
	list, options, _ := strings.Cut(out, "---\n")
	inside := numericNames(strings.Fields(list))
	host := hostProcesses(l)
	l.True(len(inside) > 0 && inside[0] == 1,
		"PID 1 (the container's sh) listed in the container's /proc",
		fmt.Sprintf("the processes %v", inside))
	l.True(len(inside) <= 5,
		fmt.Sprintf("at most 5 processes in the container's /proc (the host's /proc lists %d)", len(host)),
		fmt.Sprintf("%d: %v", len(inside), inside))
	for _, pid := range inside {
		l.True(pid < 100,
			"only small PIDs, counted from 1 in the new PID namespace",
			fmt.Sprintf("%v (the host's numbers?)", inside))
	}
	opts := strings.Split(strings.TrimSpace(options), ",")
	for _, flag := range []string{"nosuid", "nodev", "noexec"} {
		l.True(slices.Contains(opts, flag), "/proc mounted "+flag, fmt.Sprintf("its mount options %q", strings.TrimSpace(options)))
	}
}

func TestNamespaceInodesDiffer(t *testing.T) {
	l := lessontest.New(t, "seeing-namespaces")
	defer l.Recover()
	l.NeedPrivileges()
	kinds := []string{"uts", "pid", "mnt", "ipc", "net"}
	out, code := run(l, container.Config{},
		"for n in "+strings.Join(kinds, " ")+"; do readlink /proc/self/ns/$n; done")
	l.Equal(fmt.Sprintf("exit code of readlink /proc/self/ns/* (output: %q)", out), 0, code)
	inside := strings.Fields(out)
	l.Equal("the number of links read inside the container", len(kinds), len(inside))
	for i, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			l := lessontest.New(t, "seeing-namespaces")
			defer l.Recover()
			host, err := os.Readlink("/proc/self/ns/" + kind)
			l.NoError(err, "readlink /proc/self/ns/"+kind+" on the host")
			l.True(strings.HasPrefix(inside[i], kind+":["),
				fmt.Sprintf("a link like %s:[4026531838]", kind), fmt.Sprintf("%q", inside[i]))
			l.NotEqual("the container's /proc/self/ns/"+kind+" (the host's is "+host+")", host, inside[i])
		})
	}
}

func TestMountInsideIsInvisibleOutside(t *testing.T) {
	l := lessontest.New(t, "mount-namespaces")
	defer l.Recover()
	l.NeedPrivileges()
	rootfs := l.Rootfs()
	needOwnNamespaces(l, container.Config{Namespaces: container.AllNamespaces, Rootfs: rootfs})
	before := lessontest.HostMounts(t)

	// The container mounts, says so, and then waits for a line (or EOF)
	// on stdin, so the host can look at its own mount table while the
	// container and its mount are alive.
	outR, outW, err := os.Pipe()
	l.NoError(err, "making a pipe for the container's output")
	defer outR.Close()
	defer outW.Close()
	inR, inW, err := os.Pipe()
	l.NoError(err, "making a pipe for the container's input")
	defer inR.Close()
	defer inW.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	script := "mount -t tmpfs none /tmp && echo mounted && grep -c ' /tmp ' /proc/self/mountinfo && { read x; true; }"
	c, err := container.Start(ctx, container.Config{
		Args:       []string{"/bin/sh", "-c", script},
		Namespaces: container.AllNamespaces,
		Rootfs:     rootfs,
		Stdin:      inR,
		Stdout:     outW,
		Stderr:     outW,
		// The container mounts for itself, which takes CAP_SYS_ADMIN:
		// the runtime drops it by default (lesson 08).
		Security: container.Security{CapAdd: []string{"SYS_ADMIN"}},
	})
	outW.Close() // the container has its own copies now
	inR.Close()
	l.NoError(err, "starting the container")
	finish := sync.OnceValues(func() (int, error) {
		inW.Close() // EOF on the container's stdin: it exits
		return c.Wait()
	})
	defer finish()

	lines := bufio.NewScanner(outR)
	lines.Scan()
	l.Equal("the container's first line after mount -t tmpfs none /tmp", "mounted", lines.Text())
	lines.Scan()
	l.Equal("the number of /tmp lines in the container's own /proc/self/mountinfo", "1", lines.Text())

	during := lessontest.HostMounts(t)
	hostTmp := filepath.Join(rootfs, "tmp")
	for _, line := range strings.Split(during, "\n") {
		if fields := strings.Fields(line); len(fields) > 4 && fields[4] == hostTmp {
			l.Fatalf("want no mount on %s (the container's /tmp) in the host's mount table while the container runs, got: %s", hostTmp, line)
		}
	}
	l.Equal("changes to the host's mount table while the container has its tmpfs", "", mountChanges(before, during))

	code, err := finish()
	l.NoError(err, "waiting for the container")
	l.Equal("the container's exit code", 0, code)
	l.Equal("changes to the host's mount table after the container ended", "", mountChanges(before, lessontest.HostMounts(t)))
}

func TestOnlyLoopbackInNetNamespace(t *testing.T) {
	l := lessontest.New(t, "network-namespaces")
	defer l.Recover()
	l.NeedPrivileges()
	out, code := run(l, container.Config{}, "echo $(ls /sys/class/net); cat /sys/class/net/lo/operstate")
	l.Equal("exit code of ls /sys/class/net", 0, code)
	var host []string
	entries, err := os.ReadDir("/sys/class/net")
	l.NoError(err, "listing the host's /sys/class/net")
	for _, e := range entries {
		host = append(host, e.Name())
	}
	devices, state, _ := strings.Cut(strings.TrimSpace(out), "\n")
	l.Equal(fmt.Sprintf("the container's network devices (the host's: %s)", strings.Join(host, " ")), "lo", devices)
	l.Equal("the state of lo in a new network namespace (nobody has set it up)", "down", state)
}

func TestIPCObjectsStayInside(t *testing.T) {
	l := lessontest.New(t, "ipc-namespaces")
	defer l.Recover()
	l.NeedPrivileges()
	flags := namespaces.CloneFlags(container.IPC)

	// A segment of the host's, which the child must not see.
	hostKey := randomKey()
	hostID, err := unix.SysvShmGet(hostKey, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	l.NoError(err, fmt.Sprintf("creating a shared memory segment with key %d on the host", hostKey))
	t.Cleanup(func() { _, _ = unix.SysvShmCtl(hostID, unix.IPC_RMID, nil) })

	// The child's segment: if it was made in the host's IPC namespace, it
	// outlives the child, so remove it from here.
	key := randomKey()
	t.Cleanup(func() {
		if listed, err := shmSegments(); err == nil {
			if id, ok := listed[strconv.Itoa(key)]; ok {
				_, _ = unix.SysvShmCtl(id, unix.IPC_RMID, nil)
			}
		}
	})
	r := l.InChild(ipcChild, flags, strconv.Itoa(key), strconv.Itoa(hostKey))
	l.Equal(fmt.Sprintf("whether the child's /proc/sysvipc/shm lists the segment it made (key %d)", key), "yes", r["sees its own"])
	l.Equal(fmt.Sprintf("whether the child's /proc/sysvipc/shm lists the host's segment (key %d)", hostKey), "no", r["sees the host's"])

	listed, err := shmSegments()
	l.NoError(err, "reading the host's /proc/sysvipc/shm")
	_, leaked := listed[strconv.Itoa(key)]
	l.True(!leaked,
		fmt.Sprintf("the child's segment (key %d) gone with its IPC namespace when the child exited", key),
		"it is still in the host's /proc/sysvipc/shm: the child made it in the host's IPC namespace")
}

// run runs script in a container made from cfg (every namespace of
// AllNamespaces and the default rootfs when left empty), after checking
// that CloneFlags creates the namespaces whose absence would change the
// host itself.
func run(l *lessontest.T, cfg container.Config, script string) (string, int) {
	l.Helper()
	if cfg.Namespaces == nil {
		cfg.Namespaces = container.AllNamespaces
	}
	if cfg.Rootfs == "" {
		cfg.Rootfs = l.Rootfs()
	}
	needOwnNamespaces(l, cfg)
	return l.RunContainer(cfg, script)
}

// needOwnNamespaces stops the test before a container would set itself up
// in the host's namespaces and change the host: without CLONE_NEWNS its
// set-up would move and remount the host's own mounts, and without
// CLONE_NEWUTS its sethostname would rename the host.
func needOwnNamespaces(l *lessontest.T, cfg container.Config) {
	l.Helper()
	flags := namespaces.CloneFlags(cfg.Namespaces...)
	if flags&unix.CLONE_NEWNS == 0 && (cfg.Rootfs != "" || hasNamespace(cfg, container.Mount)) {
		l.Fatalf("want CloneFlags(%s) to include CLONE_NEWNS, got %s: the container would mount its /proc and move its root in the host's mount namespace, so it is not started",
			nsList(cfg.Namespaces), flagNames(flags))
	}
	if flags&unix.CLONE_NEWUTS == 0 && cfg.Hostname != "" {
		l.Fatalf("want CloneFlags(%s) to include CLONE_NEWUTS, got %s: the container would rename the host, so it is not started",
			nsList(cfg.Namespaces), flagNames(flags))
	}
}

func hasNamespace(cfg container.Config, ns container.Namespace) bool {
	for _, n := range cfg.Namespaces {
		if n == ns {
			return true
		}
	}
	return false
}

// cloneFlagNames names the flags CloneFlags may return, in the order of
// AllNamespaces, then User.
var cloneFlagNames = []struct {
	flag uintptr
	name string
}{
	{unix.CLONE_NEWUTS, "CLONE_NEWUTS"},
	{unix.CLONE_NEWPID, "CLONE_NEWPID"},
	{unix.CLONE_NEWNS, "CLONE_NEWNS"},
	{unix.CLONE_NEWIPC, "CLONE_NEWIPC"},
	{unix.CLONE_NEWNET, "CLONE_NEWNET"},
	{unix.CLONE_NEWUSER, "CLONE_NEWUSER"},
}

// flagNames shows clone flags by name ("CLONE_NEWUTS|CLONE_NEWPID"), with
// any other bits in hex, and 0 as "0".
func flagNames(flags uintptr) string {
	if flags == 0 {
		return "0"
	}
	var names []string
	for _, f := range cloneFlagNames {
		if flags&f.flag != 0 {
			names = append(names, f.name)
			flags &^= f.flag
		}
	}
	if flags != 0 {
		names = append(names, fmt.Sprintf("%#x", flags))
	}
	return strings.Join(names, "|")
}

func nsList(nss []container.Namespace) string {
	var s []string
	for _, ns := range nss {
		s = append(s, string(ns))
	}
	return strings.Join(s, ", ")
}

// numericNames returns the names that are numbers (the PIDs of a /proc
// listing), sorted.
func numericNames(names []string) []int {
	var pids []int
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil {
			pids = append(pids, pid)
		}
	}
	for i := 1; i < len(pids); i++ {
		for j := i; j > 0 && pids[j] < pids[j-1]; j-- {
			pids[j], pids[j-1] = pids[j-1], pids[j]
		}
	}
	return pids
}

func hostProcesses(l *lessontest.T) []int {
	l.Helper()
	entries, err := os.ReadDir("/proc")
	l.NoError(err, "listing the host's /proc")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return numericNames(names)
}

// mountChanges lists the lines added to ("+ ") and removed from ("- ") a
// mount table, one a line; "" when there are none.
func mountChanges(before, now string) string {
	was := map[string]bool{}
	for _, line := range strings.Split(before, "\n") {
		was[line] = true
	}
	is := map[string]bool{}
	var changes []string
	for _, line := range strings.Split(now, "\n") {
		is[line] = true
		if !was[line] {
			changes = append(changes, "+ "+line)
		}
	}
	for _, line := range strings.Split(before, "\n") {
		if !is[line] {
			changes = append(changes, "- "+line)
		}
	}
	return strings.Join(changes, "\n")
}

// shmSegments reads /proc/sysvipc/shm (proc(5)), which lists the shared
// memory segments of the reader's IPC namespace: key to shmid.
func shmSegments() (map[string]int, error) {
	data, err := os.ReadFile("/proc/sysvipc/shm")
	if err != nil {
		return nil, err
	}
	segments := map[string]int{}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if id, err := strconv.Atoi(fields[1]); err == nil {
			segments[fields[0]] = id
		}
	}
	return segments, nil
}

// randomKey is a SysV IPC key that no other program is likely to use.
func randomKey() int { return 1<<20 + rand.IntN(1<<30) }
