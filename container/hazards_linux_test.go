package container

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// TestInitKeepsTheCommandsStatus runs the init where it cannot list its
// children (the command unmounted the container's /proc) while orphans
// exit all the time around the command's own exit. An init that guesses
// the command among its children from /proc reaped the command now and
// then and reported 125; one that knows the command's PID never does.
func TestInitKeepsTheCommandsStatus(t *testing.T) {
	needRoot(t)
	cfg := Config{
		Args:       []string{"/bin/sh", "-c", `umount -l /proc; (while :; do (true &); done &); sleep 0.03; exit 7`},
		Namespaces: AllNamespaces,
		Rootfs:     testRootfs(t),
		Init:       true,
	}
	var codes []int
	for i := 0; i < 30; i++ {
		code, err := Run(context.Background(), cfg)
		require.NoError(t, err)
		codes = append(codes, code)
	}
	for i, code := range codes {
		assert.Equal(t, 7, code, "run %d of %d: the command's own code, not the init's (codes: %v)", i+1, len(codes), codes)
	}
}

// TestInitReportsTheSignalThatKilledTheCommand: 128+N, as without an init.
func TestInitReportsTheSignalThatKilledTheCommand(t *testing.T) {
	needRoot(t)
	code, err := Run(context.Background(), Config{
		Args:       []string{"sh", "-c", `(sleep 0.01 &); kill -TERM $$; sleep 1`},
		Namespaces: []Namespace{PID},
		Init:       true,
	})
	require.NoError(t, err)
	assert.Equal(t, 128+15, code)
}

// TestWaitTwiceWhileOthersRead calls Wait from two goroutines while
// another reads the container's cgroup and upper directory: the second
// Wait gets the first one's result (it used to panic closing a closed
// channel), and go test -race finds no unguarded field.
func TestWaitTwiceWhileOthersRead(t *testing.T) {
	needRoot(t)
	c, err := Start(context.Background(), Config{
		Args:       []string{"sh", "-c", "sleep 0.1; exit 4"},
		Namespaces: AllNamespaces,
		Rootfs:     testRootfs(t),
		Overlay:    true,
		StateDir:   t.TempDir(),
		KeepUpper:  filepath.Join(t.TempDir(), "kept"), // an upper the host can see
		Limits:     cgroups.Limits{Memory: 64 << 20},
	})
	require.NoError(t, err)
	require.NotEmpty(t, c.Upper(), "an upper directory while it runs")
	_, ok := c.Usage()
	require.True(t, ok, "the cgroup's usage while it runs")
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
				c.Usage()
				c.Upper()
				c.Stats()
			}
		}
	}()
	var waiters sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		waiters.Add(1)
		go func() {
			defer waiters.Done()
			codes[i], _ = c.Wait()
		}()
	}
	waiters.Wait()
	close(stop)
	readers.Wait()
	assert.Equal(t, []int{4, 4}, codes)
	code, err := c.Wait()
	assert.NoError(t, err)
	assert.Equal(t, 4, code, "a third Wait, after the others")
	assert.Empty(t, c.Upper(), "no upper directory once it ended")
	_, ok = c.Usage()
	assert.False(t, ok, "no cgroup to read once it ended")
	_, ok = c.Stats()
	assert.True(t, ok, "the cgroup's last numbers once it ended")
}

// overlayOptionsChild mounts an overlay through overlayStage in a mount
// namespace of its own, with the library's stages (this test binary's init
// puts testOverlayStage in place), volatile or not as os.Args[2] says, and
// prints the overlay's options from mountinfo.
const overlayOptionsChild = "container-test-overlay-options"

func init() {
	Register(overlayOptionsChild, func() {
		Use(Stages{})
		if err := MakePrivate(); err != nil { // nothing reaches the host
			fmt.Println(err)
			return
		}
		dir := os.Args[1]
		for _, d := range []string{"lower", "upper", "work", "merged"} {
			if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
				fmt.Println(err)
				return
			}
		}
		mount := overlayStage(spec{Volatile: os.Args[2] == "volatile"})
		if err := mount([]string{filepath.Join(dir, "lower")}, filepath.Join(dir, "upper"), filepath.Join(dir, "work"), filepath.Join(dir, "merged")); err != nil {
			fmt.Println(err)
			return
		}
		data, _ := os.ReadFile("/proc/self/mountinfo")
		for _, line := range strings.Split(string(data), "\n") {
			if fields := strings.Fields(line); len(fields) > 4 && fields[4] == filepath.Join(dir, "merged") {
				fmt.Println(fields[len(fields)-1])
			}
		}
	})
}

// TestOverlayIsVolatileOnlyWhenThrownAway: the library's overlay stage
// gets the volatile option (no sync of the upper directory; shown as
// "volatile" or "fsync=volatile") from the spec, explicitly.
func TestOverlayIsVolatileOnlyWhenThrownAway(t *testing.T) {
	needRoot(t)
	for _, want := range []string{"volatile", "kept"} {
		cmd := Command(overlayOptionsChild, t.TempDir(), want)
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Contains(t, string(out), "upperdir=", "the overlay's options")
		if want == "volatile" {
			assert.Contains(t, string(out), "volatile", "thrown away: no sync")
		} else {
			assert.NotContains(t, string(out), "volatile", "kept: synced")
		}
	}
}
