//go:build linux

package privileges_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// dockerDefault is CapEff of root in a Docker container: its 14
// capabilities as a bit mask.
const dockerDefault = "00000000a80425fb"

func TestCapabilitySets(t *testing.T) {
	l := lessontest.New(t, "capabilities")
	defer l.Recover()
	l.NeedPrivileges()
	got := status(l, container.Config{})
	for _, set := range []string{"CapPrm", "CapEff", "CapBnd"} {
		l.Equal(set+" in the container's /proc/self/status", dockerDefault, got[set])
	}
	l.Equal("CapInh (nothing inheritable)", "0000000000000000", got["CapInh"])
	l.Equal("CapAmb (nothing ambient)", "0000000000000000", got["CapAmb"])
}

func TestNoNewPrivs(t *testing.T) {
	l := lessontest.New(t, "no-new-privileges")
	defer l.Recover()
	l.NeedPrivileges()
	got := status(l, container.Config{})
	l.Equal("NoNewPrivs in the container's /proc/self/status", "1", got["NoNewPrivs"])
}

// probes are what root in a container tries in order to undo its walls:
// each prints its name and what it got. The root is read-only: they write
// in /dev/shm, the container's own tmpfs.
const probes = `mkdir -p /dev/shm/m
probe() { name=$1; shift; if "$@" 2>/dev/shm/err; then echo "$name: done"; else echo "$name: $(cat /dev/shm/err)"; fi; }
probe mount-tmpfs mount -t tmpfs none /dev/shm/m
probe umount-mask umount /proc/keys
probe remount-sys mount -o remount,rw /sys
probe sethostname hostname x
probe mknod-block mknod /dev/shm/b b 8 0
`

func TestProbesFailWithEPERM(t *testing.T) {
	l := lessontest.New(t, "the-wall-holds")
	defer l.Recover()
	l.NeedPrivileges()
	out, code := l.RunContainer(container.Config{ReadOnly: true}, probes)
	l.True(code == 0, "the probe script to run to its end", fmt.Sprintf("exit code %d, output %q", code, out))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	l.Equal("the number of probes that reported", 5, len(lines))
	for _, line := range lines {
		name, said, _ := strings.Cut(line, ": ")
		refused := strings.Contains(said, "Operation not permitted") || strings.Contains(said, "permission denied (are you root?)")
		l.True(refused, "probe "+name+" to fail with EPERM", said)
	}
}

// unshare(CLONE_NEWUSER) needs no capability at all: only your filter can
// refuse it. personality(2), which linux32 calls, is on no list.
func TestSeccompDenyList(t *testing.T) {
	l := lessontest.New(t, "seccomp")
	defer l.Recover()
	l.NeedPrivileges()
	got := status(l, container.Config{})
	l.Equal("Seccomp in the container's /proc/self/status (2: a filter)", "2", got["Seccomp"])
	out, code := l.RunContainer(container.Config{}, `unshare -U true 2>&1; echo "unshare: $?"; linux32 true; echo "linux32: $?"`)
	l.True(code == 0, "the script to run", out)
	l.Contains("unshare -U (a call on the deny list)", out, "Operation not permitted")
	l.Contains("linux32 (personality, off the list) to work", out, "linux32: 0")
}
