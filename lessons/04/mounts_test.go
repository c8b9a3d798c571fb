//go:build linux

package mounts_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestDevNullAndZeroWork(t *testing.T) {
	l := lessontest.New(t, "dev")
	defer l.Recover()
	l.NeedPrivileges()
	needRealRoot(l)
	out, code := l.RunContainer(container.Config{}, `echo hi > /dev/null && head -c 8 /dev/zero | wc -c || exit 1
echo ---
stat -c '%n %F %t:%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
echo ---
for f in fd stdin stdout stderr ptmx; do echo "/dev/$f -> $(readlink /dev/$f)"; done
echo ---
awk '$2 ~ "^/dev" {print $2, $3}' /proc/mounts
echo ---
ls -1A /dev`)
	l.True(code == 0, "`echo hi > /dev/null && head -c 8 /dev/zero | wc -c` to succeed",
		fmt.Sprintf("exit code %d, output %q", code, out))
	parts := strings.Split(out, "---\n")
	l.True(len(parts) == 5, "five parts of output, split by ---", fmt.Sprintf("%q", out))
	l.Equal("the bytes read from /dev/zero", "8", strings.TrimSpace(parts[0]))

	for _, want := range []string{
		"/dev/null character special file 1:3 666",
		"/dev/zero character special file 1:5 666",
		"/dev/full character special file 1:7 666",
		"/dev/random character special file 1:8 666",
		"/dev/urandom character special file 1:9 666",
		"/dev/tty character special file 5:0 666",
	} {
		l.Contains("the device nodes (name, type, major:minor, mode)", parts[1], want+"\n")
	}
	for _, want := range []string{
		"/dev/fd -> /proc/self/fd",
		"/dev/stdin -> /proc/self/fd/0",
		"/dev/stdout -> /proc/self/fd/1",
		"/dev/stderr -> /proc/self/fd/2",
		"/dev/ptmx -> pts/ptmx",
	} {
		l.Contains("the symlinks in /dev", parts[2], want+"\n")
	}
	for _, want := range []string{"/dev tmpfs", "/dev/pts devpts", "/dev/shm tmpfs"} {
		l.Contains("the mounts under /dev (mount point, type)", parts[3], want+"\n")
	}

	names := strings.Fields(parts[4])
	for _, want := range []string{"null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "fd", "stdin", "stdout", "stderr", "ptmx"} {
		l.True(slices.Contains(names, want), "/dev to contain "+want, strings.Join(names, " "))
	}
	// Nothing that reaches a disk or the host's memory.
	forbidden := map[string]bool{"mem": true, "kmem": true, "port": true}
	if blocks, err := os.ReadDir("/sys/class/block"); err == nil {
		for _, b := range blocks {
			forbidden[b.Name()] = true
		}
	}
	for _, name := range names {
		disk := forbidden[name]
		for _, prefix := range []string{"sd", "vd", "xvd", "hd", "nvme", "mmcblk", "loop"} {
			disk = disk || strings.HasPrefix(name, prefix)
		}
		l.True(!disk, "no host disk or memory device in /dev", "/dev/"+name+" in "+strings.Join(names, " "))
	}
}

func TestSysIsReadOnly(t *testing.T) {
	l := lessontest.New(t, "sys-read-only")
	defer l.Recover()
	l.NeedPrivileges()
	needRealRoot(l)
	out, _ := l.RunContainer(container.Config{}, `touch /sys/x 2>&1 && echo "touch worked"
echo ---
awk '$5 == "/sys" {o = $6} END {print o}' /proc/self/mountinfo`)
	result, options, _ := strings.Cut(out, "---\n")
	l.True(!strings.Contains(result, "touch worked"), "touch /sys/x to fail", "it worked")
	l.Contains("the error of touch /sys/x", result, "Read-only file system")
	options = strings.TrimSpace(options)
	l.True(options != "", "a mount on /sys in /proc/self/mountinfo", "none")
	l.Equal("the first mount option of /sys", "ro", strings.Split(options, ",")[0])
}

func TestKernelWindowsAreMasked(t *testing.T) {
	l := lessontest.New(t, "masking")
	defer l.Recover()
	l.NeedPrivileges()
	needRealRoot(l)
	// Only opens /proc/sysrq-trigger for writing (": >"), never writes a
	// command into it: on a solution that forgets it, nothing happens. The
	// open is in a subshell because a failed redirection of the special
	// built-in ":" ends a POSIX shell (sh(1p), "Consequences of Shell
	// Errors"), and the script would stop there.
	out, _ := l.RunContainer(container.Config{}, `for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
	[ -e $f ] && echo "$f $(head -c 64 $f | wc -c)"
done
for d in /proc/acpi /proc/scsi /sys/firmware; do
	[ -e $d ] && echo "$d $(ls -A $d | wc -l)"
done
before=$(hostname)
{ echo box > /proc/sys/kernel/hostname; } 2>/dev/null && echo "hostname written" || echo "hostname refused"
[ "$(hostname)" = "$before" ] || echo "hostname changed"
if [ -e /proc/sysrq-trigger ]; then
	( : > /proc/sysrq-trigger ) 2>/dev/null && echo "sysrq opened" || echo "sysrq refused"
fi
awk '$5 == "/proc" || $5 == "/proc/sys" {print "mount", $5, $6, $NF}' /proc/self/mountinfo
true`)
	lines := strings.Split(out, "\n")
	for _, p := range []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug"} {
		if _, err := os.Stat(p); err == nil {
			l.True(slices.Contains(lines, p+" 0"), fmt.Sprintf("%s to read as empty inside (masked by /dev/null)", p), fmt.Sprintf("%q", out))
		}
	}
	for _, p := range []string{"/proc/acpi", "/proc/scsi", "/sys/firmware"} {
		if _, err := os.Stat(p); err == nil {
			l.True(slices.Contains(lines, p+" 0"), fmt.Sprintf("%s to be an empty directory inside (masked by a tmpfs)", p), fmt.Sprintf("%q", out))
		}
	}
	l.True(slices.Contains(lines, "hostname refused") && !slices.Contains(lines, "hostname changed"),
		"writing /proc/sys/kernel/hostname to fail (/proc/sys read-only)", fmt.Sprintf("%q", out))
	if _, err := os.Stat("/proc/sysrq-trigger"); err == nil {
		l.True(slices.Contains(lines, "sysrq refused"), "/proc/sysrq-trigger not to open for writing (read-only)", fmt.Sprintf("%q", out))
	}
	// The remount flags (notes, "Masking"): /proc/sys read-only and still
	// nosuid, nodev, noexec; /proc itself, the same procfs, still writable.
	mounts := map[string][]string{}
	for _, line := range lines {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "mount" {
			mounts[f[1]] = []string{f[2], f[3]}
		}
	}
	l.True(len(mounts["/proc/sys"]) == 2, "a mount of its own at /proc/sys", fmt.Sprintf("mounts %v", mounts))
	for _, flag := range []string{"ro", "nosuid", "nodev", "noexec"} {
		l.True(slices.Contains(strings.Split(mounts["/proc/sys"][0], ","), flag),
			"/proc/sys mounted "+flag+" (a remount sets every per-mount flag anew)",
			fmt.Sprintf("its mount options %q", mounts["/proc/sys"][0]))
	}
	l.True(len(mounts["/proc"]) == 2 && strings.HasPrefix(mounts["/proc"][1], "rw"),
		"the procfs behind /proc still read-write (remount /proc/sys with MS_BIND, or the whole procfs turns read-only)",
		fmt.Sprintf("mounts %v", mounts))
}
