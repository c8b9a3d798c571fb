//go:build linux

package capstone_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container/cgroups"
	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"github.com/unboxed-go/unboxed/lessons/internal/mine"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
	"golang.org/x/sys/unix"
)

// Every stage you have written in lessons 01 to 09 is in the table your
// Run and Init call (container.Steps), and the library's where a stage is
// still a TODO: the tests below judge the runtime you assembled, on as
// much of your own code as there is.
func TestMain(m *testing.M) {
	var yours []string
	if root, err := workshop.FindRoot("."); err == nil {
		yours, _, _ = mine.Written(root)
	}
	lessontest.Main(m, 10, mine.Stages(yours), lessontest.DelegatedCgroup)
}

// output collects a container's stdout and stderr, safely for the test to
// read while the container runs.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// start runs script with /bin/sh in a container of your runtime, on the
// default rootfs unless cfg names one, and returns a function that waits
// for it: its output, exit status and error. A Run that takes more than
// 30 seconds fails the test.
func start(l *lessontest.T, cfg capstone.Config, script string) func() (string, int, error) {
	l.Helper()
	if cfg.Rootfs == "" {
		cfg.Rootfs = l.Rootfs()
	}
	if cfg.StateDir == "" {
		cfg.StateDir = l.TempDir()
	}
	if cfg.Args == nil {
		cfg.Args = []string{"/bin/sh", "-c", script}
	}
	out := &output{}
	cfg.Stdout, cfg.Stderr = out, out
	type result struct {
		code int
		err  error
		pan  any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			r.pan = recover()
			done <- r
		}()
		r.code, r.err = capstone.Run(cfg)
	}()
	return func() (string, int, error) {
		l.Helper()
		select {
		case r := <-done:
			if r.pan != nil {
				l.Fatalf("your code panicked: %v", r.pan)
			}
			return out.String(), r.code, r.err
		case <-time.After(30 * time.Second):
			l.Fatalf("want your Run to return within 30s, got none (output so far: %q)", out.String())
		}
		return "", 0, nil
	}
}

// run runs script in a container of your runtime and returns its output
// and exit status; an error from Run fails the test.
func run(l *lessontest.T, cfg capstone.Config, script string) (string, int) {
	l.Helper()
	out, code, err := start(l, cfg, script)()
	if err != nil {
		l.NoError(err, fmt.Sprintf("your Run of a container running %q (output %q)", script, out))
	}
	return out, code
}

// cgroupsHere skips the test, with the fix, when this process cannot make
// cgroups with a pids limit.
func cgroupsHere(l *lessontest.T) {
	l.Helper()
	version, roots, err := cgroups.Roots()
	if err != nil {
		l.Skipf("cannot make cgroups here: %v (see go run ./lessons doctor)", err)
	}
	if lessontest.Privileges() != "root" && version != "v2" {
		l.Skip("cgroup v1 has no safe delegation, so limits need real root: go test -exec sudo ./lessons/10")
	}
	if version == "v1" && roots["pids"] == "" {
		l.Skip("the pids controller is not mounted here, see go run ./lessons doctor")
	}
}

// newID returns an id for a test's container, so that the test can look
// for what the container left under its name.
func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// cgroupsOf lists the cgroup directories of container id that exist now:
// <root>/unboxed/<id> for every root of cgroups.Roots.
func cgroupsOf(id string) []string {
	_, roots, err := cgroups.Roots()
	if err != nil {
		return nil
	}
	var list []string
	for _, root := range roots {
		dir := filepath.Join(root, "unboxed", id)
		if _, err := os.Stat(dir); err == nil {
			list = append(list, dir)
		}
	}
	return list
}

// left lists what is in dir.
func left(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// sweepCgroups removes, when the test ends, the cgroups of container id
// that are still there: a Run that forgets Destroy fails the test, and
// the host is still left clean.
func sweepCgroups(l *lessontest.T, id string) {
	l.Cleanup(func() {
		for _, dir := range cgroupsOf(id) {
			data, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
			for _, f := range strings.Fields(string(data)) {
				if pid, err := strconv.Atoi(f); err == nil {
					_ = unix.Kill(pid, unix.SIGKILL)
				}
			}
			for i := 0; i < 100 && unix.Rmdir(dir) == unix.EBUSY; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			_ = unix.Rmdir(filepath.Dir(dir)) // the unboxed parent, once empty
		}
	})
}
