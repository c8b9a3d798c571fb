//go:build linux

package capstone_test

import (
	"fmt"
	"strings"
	"testing"

	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// The command runs with Docker's 14 capabilities, no_new_privs and a
// seccomp filter, and a mount fails with EPERM.
func TestWallsAreUp(t *testing.T) {
	l := lessontest.New(t, "the-walls-go-up-last")
	defer l.Recover()
	l.NeedPrivileges()
	out, code := run(l, capstone.Config{}, `grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; mount -t tmpfs none /mnt 2>&1 || echo refused`)
	l.Equal(fmt.Sprintf("the exit code of the check (output %q)", out), 0, code)
	got := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			got[k] = strings.TrimSpace(v)
		}
	}
	l.Equal("CapEff (Docker's 14)", "00000000a80425fb", got["CapEff"])
	l.Equal("NoNewPrivs", "1", got["NoNewPrivs"])
	l.Equal("Seccomp (2: a filter)", "2", got["Seccomp"])
	// busybox says EPERM as "permission denied (are you root?)".
	l.True(strings.Contains(out, "Operation not permitted") || strings.Contains(out, "permission denied"),
		"mount -t tmpfs inside to fail with EPERM", fmt.Sprintf("%q", out))
	l.Contains("the output of mount -t tmpfs inside", out, "refused")
}
