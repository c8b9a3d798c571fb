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

// running is a container of your runtime that a test started.
type running struct {
	l    *lessontest.T
	out  *output
	done chan result
	r    *result
}

type result struct {
	code int
	err  error
	pan  any
}

// ended says whether Run has returned.
func (c *running) ended() bool {
	if c.r != nil {
		return true
	}
	select {
	case r := <-c.done:
		c.r = &r
		return true
	default:
		return false
	}
}

// wait waits for Run and returns the output, exit status and error. A Run
// that takes more than 30 seconds, or panics, fails the test.
func (c *running) wait() (string, int, error) {
	c.l.Helper()
	if c.r == nil {
		select {
		case r := <-c.done:
			c.r = &r
		case <-time.After(30 * time.Second):
			c.l.Fatalf("want your Run to return within 30s, got none (output so far: %q)", c.out.String())
		}
	}
	if c.r.pan != nil {
		c.l.Fatalf("your code panicked: %v", c.r.pan)
	}
	return c.out.String(), c.r.code, c.r.err
}

// start runs script with /bin/sh in a container of your runtime, on the
// default rootfs unless cfg names one (or the command cfg.Args), in a
// goroutine of its own.
func start(l *lessontest.T, cfg capstone.Config, script string) *running {
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
	c := &running{l: l, out: out, done: make(chan result, 1)}
	go func() {
		var r result
		defer func() {
			r.pan = recover()
			c.done <- r
		}()
		r.code, r.err = capstone.Run(cfg)
	}()
	return c
}

// run runs script in a container of your runtime and returns its output
// and exit status; an error from Run fails the test.
func run(l *lessontest.T, cfg capstone.Config, script string) (string, int) {
	l.Helper()
	out, code, err := start(l, cfg, script).wait()
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
