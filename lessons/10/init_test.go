//go:build linux

package capstone_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// Inside: the hostname asked for, and the command is PID 1 of a PID
// namespace of its own, as the fresh /proc shows too; outside, the host's hostname is unchanged.
func TestHostnameAndPID1(t *testing.T) {
	l := lessontest.New(t, "the-init-side")
	defer l.Recover()
	l.NeedPrivileges()
	host, _ := os.Hostname()
	out, code := run(l, capstone.Config{Hostname: "box"}, "echo $(hostname) $$ $(tr '\\0' ' ' </proc/1/cmdline)")
	l.Equal(fmt.Sprintf("the exit code of the container (output %q)", out), 0, code)
	l.True(strings.HasPrefix(out, "box 1 /bin/sh -c "), "hostname box, PID 1, and /proc/1 the command (box 1 /bin/sh -c ...)", fmt.Sprintf("%q", out))
	after, _ := os.Hostname()
	l.Equal("the host's hostname after the container", host, after)
}

// After pivot_root, the host's files are out of reach: a file the test
// makes on the host is not there inside, by its path or through any
// mount, and the root is the overlay.
func TestHostFilesGone(t *testing.T) {
	l := lessontest.New(t, "the-init-side")
	defer l.Recover()
	l.NeedPrivileges()
	marker := filepath.Join(l.TempDir(), "host-marker")
	l.NoError(os.WriteFile(marker, []byte("host"), 0o644), "writing a file on the host")
	script := fmt.Sprintf("test -e %s && echo visible || echo gone; grep -c host-marker /proc/self/mountinfo; awk '$5 == \"/\" { for (i = 6; i < NF; i++) if ($i == \"-\") print $(i+1) }' /proc/self/mountinfo | tail -1", marker)
	out, code := run(l, capstone.Config{}, script)
	l.Equal(fmt.Sprintf("the exit code of the check (output %q)", out), 0, code)
	lines := strings.Fields(out)
	l.True(len(lines) == 3, "three lines: gone, 0, overlay", fmt.Sprintf("%q", out))
	l.Equal("the host's file, seen from inside", "gone", lines[0])
	l.Equal("mounts inside that lead to the host's file", "0", lines[1])
	l.Equal("the filesystem mounted on / inside", "overlay", lines[2])
}

// /proc inside is fresh, and what reaches past the container is masked:
// the first of these that the host has is /dev/null inside (char 1:3).
func TestProcMasked(t *testing.T) {
	l := lessontest.New(t, "the-init-side")
	defer l.Recover()
	l.NeedPrivileges()
	masked := ""
	for _, p := range []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug"} {
		if _, err := os.Stat(p); err == nil {
			masked = p
			break
		}
	}
	script := "true"
	if masked != "" {
		script = "stat -c %t:%T " + masked
	}
	out, code := run(l, capstone.Config{}, script)
	l.Equal(fmt.Sprintf("the exit code of the check (output %q)", out), 0, code)
	if masked == "" {
		l.NotOnThisHost("none of /proc/kcore, /proc/keys, /proc/timer_list or /proc/sched_debug exists on this kernel")
	}
	l.Equal("the device numbers of "+masked+" inside (/dev/null is 1:3)", "1:3", strings.TrimSpace(out))
}
