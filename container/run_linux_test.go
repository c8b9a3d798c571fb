package container

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		want   int
	}{
		{"own code", "exit 3", 3},
		{"killed", "kill -9 $$", 137},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := Run(context.Background(), Config{Args: []string{"sh", "-c", tc.script}})
			require.NoError(t, err)
			assert.Equal(t, tc.want, code)
		})
	}
}

func TestRunConfigReachesCommand(t *testing.T) {
	t.Setenv("UNBOXED_TEST_RUNTIME_ONLY", "leaked") // must not reach the command
	var out strings.Builder
	dir := t.TempDir()
	code, err := Run(context.Background(), Config{
		Args:   []string{"sh", "-c", `echo "$GREETING $(pwd)"; env`},
		Env:    []string{"PATH=/usr/bin:/bin", "GREETING=hi"},
		Dir:    dir,
		Stdout: &out,
	})
	require.NoError(t, err)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.NotEmpty(t, lines)
	assert.Equal(t, "hi "+dir, lines[0])
	// Only the two variables given, nothing of the runtime's environment;
	// sh may add PWD, OLDPWD, SHLVL and _ of its own.
	var names []string
	for _, kv := range lines[1:] {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "PWD", "OLDPWD", "SHLVL", "_":
		default:
			names = append(names, kv)
		}
	}
	sort.Strings(names)
	assert.Equal(t, []string{"GREETING=hi", "PATH=/usr/bin:/bin"}, names, "the command's environment")
}

func TestRunStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		code int
		says string
	}{
		{"not found", Config{Args: []string{"no-such-program"}}, ExitNotFound, "no-such-program"},
		{"not executable", Config{Args: []string{"/etc/hostname"}}, ExitNotExecutable, "/etc/hostname"},
		{"bad dir", Config{Args: []string{"true"}, Dir: "/no/such/dir"}, ExitRuntimeError, "/no/such/dir"},
		{"no args", Config{}, ExitRuntimeError, "no command given"},
		{"init without pid ns", Config{Args: []string{"true"}, Init: true}, ExitRuntimeError, "PID namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := Run(context.Background(), tc.cfg)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.code, e.Code)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}

func TestRunContextCancelKills(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	code, err := Run(ctx, Config{Args: []string{"sleep", "30"}})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 137, code)
}

func TestRunForwardsSignals(t *testing.T) {
	pr, pw := io.Pipe()
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := Run(context.Background(), Config{
			Args:           []string{"sh", "-c", `trap "exit 3" TERM; echo ready; while :; do sleep 0.02; done`},
			Stdout:         pw,
			ForwardSignals: true,
		})
		pw.Close()
		done <- result{code, err}
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "ready\n", line)
	go io.Copy(io.Discard, pr)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	r := <-done
	require.NoError(t, r.err)
	assert.Equal(t, 3, r.code, "the container should have received SIGTERM and run its trap")
}

func TestStagesOverride(t *testing.T) {
	var called []string
	Use(Stages{Command: func(name string, args ...string) *exec.Cmd {
		called = append(called, name)
		return Command(name, args...)
	}})
	t.Cleanup(func() { Use(Stages{}) })
	code, err := Run(context.Background(), Config{Args: []string{"true"}})
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Equal(t, []string{initName}, called)

	Use(Stages{Command: func(string, ...string) *exec.Cmd { return nil }})
	_, err = Run(context.Background(), Config{Args: []string{"true"}})
	assert.ErrorContains(t, err, "nil *exec.Cmd")
}

func TestRunInitAsPID1(t *testing.T) {
	needRoot(t)
	var out strings.Builder
	code, err := Run(context.Background(), Config{
		Args:       []string{"sh", "-c", `echo $PPID; exit 7`},
		Namespaces: []Namespace{PID},
		Init:       true,
		Stdout:     &out,
	})
	require.NoError(t, err)
	assert.Equal(t, 7, code)
	assert.Equal(t, "1", strings.TrimSpace(out.String()), "the command's parent is the init, PID 1")
}

func TestRunInitReapsOrphans(t *testing.T) {
	needRoot(t)
	c, err := Start(context.Background(), Config{
		// The subshell exits at once; its sleep becomes an orphan that the
		// kernel hands to PID 1, and that must not stay a zombie.
		Args:       []string{"sh", "-c", `(sleep 0.1 &); sleep 3`},
		Namespaces: []Namespace{PID},
		Init:       true,
	})
	require.NoError(t, err)
	defer func() { _ = c.Signal(syscall.SIGKILL); _, _ = c.Wait() }()
	children := func() []string {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", c.Pid()))
		var all []string
		for _, task := range tasks {
			data, _ := os.ReadFile(task)
			all = append(all, strings.Fields(string(data))...)
		}
		return all
	}
	require.Eventually(t, func() bool { return len(children()) == 2 }, 2*time.Second, 5*time.Millisecond, "the orphan should be reparented to the init")
	require.Eventually(t, func() bool { return len(children()) == 1 }, 2*time.Second, 10*time.Millisecond, "the orphan should be reaped, children: %v", children())
}

func TestRunCommandAsPID1IgnoresUnhandledTERM(t *testing.T) {
	needRoot(t)
	// Documented on Container.Signal: without an init, PID 1 gets no
	// default action for SIGTERM, so only SIGKILL stops a plain sleep.
	c, err := Start(context.Background(), Config{Args: []string{"sleep", "30"}, Namespaces: []Namespace{PID}})
	require.NoError(t, err)
	require.NoError(t, c.Signal(syscall.SIGTERM))
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, c.Signal(syscall.SIGKILL))
	code, err := c.Wait()
	require.NoError(t, err)
	assert.Equal(t, 137, code)
}

func TestErrorUnwraps(t *testing.T) {
	e := &Error{Code: 125, Op: "mount", Path: "/x", Err: syscall.EPERM}
	assert.True(t, errors.Is(e, syscall.EPERM))
	assert.Equal(t, "mount /x: operation not permitted", e.Error())
}
