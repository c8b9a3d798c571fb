//go:build linux

package privileges_test

import (
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/08"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// The runtime calls your SetNoNewPrivs, DropCapabilities (with Docker's 14
// capabilities to keep) and LoadSeccomp (with the numbers of the default
// deny list) in each container's init, right before it execs the command:
// the library's own steps do everything else.
func TestMain(m *testing.M) {
	lessontest.Main(m, 8, container.Stages{
		SetNoNewPrivs:    privileges.SetNoNewPrivs,
		DropCapabilities: privileges.DropCapabilities,
		LoadSeccomp:      privileges.LoadSeccomp,
	})
}

// status runs a container and returns the lines of its /proc/self/status
// that these tests read, by name.
func status(l *lessontest.T, cfg container.Config) map[string]string {
	l.Helper()
	out, code := l.RunContainer(cfg, `grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status`)
	l.True(code == 0, "the container to run grep on /proc/self/status", out)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			got[k] = strings.TrimSpace(v)
		}
	}
	return got
}
