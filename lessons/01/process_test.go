//go:build linux

package process_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/01"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestRunKeepsStreamsApart(t *testing.T) {
	l := lessontest.New(t, "standard-streams")
	defer l.Recover()
	var out, errOut strings.Builder
	code, err := process.Run([]string{"sh", "-c", "echo out; echo err >&2"}, nil, &out, &errOut)
	l.NoError(err, `Run(sh -c "echo out; echo err >&2")`)
	l.Equal("exit code", 0, code)
	l.Equal("stdout", "out\n", out.String())
	l.Equal("stderr", "err\n", errOut.String())
}

func TestRunFeedsStdin(t *testing.T) {
	l := lessontest.New(t, "standard-streams")
	defer l.Recover()
	var out strings.Builder
	code, err := process.Run([]string{"cat"}, strings.NewReader("through the pipe\n"), &out, nil)
	l.NoError(err, "Run(cat)")
	l.Equal("exit code", 0, code)
	l.Equal("what cat read from stdin and wrote back", "through the pipe\n", out.String())
}

func TestRunPassesExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         int
	}{
		{"exit 0", "exit 0", 0},
		{"exit 3", "exit 3", 3},
		{"killed by SIGKILL is 128+9", "kill -KILL $$", 137},
		{"killed by SIGTERM is 128+15", "kill -TERM $$", 143},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "exit-codes")
			defer l.Recover()
			code, err := process.Run([]string{"sh", "-c", tc.script}, nil, nil, nil)
			l.NoError(err, "Run(sh -c "+tc.script+") (a program that ran is no error)")
			l.Equal("exit code of sh -c '"+tc.script+"'", tc.want, code)
		})
	}
}

func TestRunMissingProgram(t *testing.T) {
	for _, name := range []string{"/no/such/program", "no-such-program-in-path"} {
		t.Run(name, func(t *testing.T) {
			l := lessontest.New(t, "missing-programs")
			defer l.Recover()
			code, err := process.Run([]string{name}, nil, nil, nil)
			l.Error(err, "Run("+name+")")
			l.Equal("exit code for a missing program", 127, code)
			l.Contains("the error", err.Error(), name)
		})
	}
}

func TestRunNotExecutable(t *testing.T) {
	l := lessontest.New(t, "missing-programs")
	defer l.Recover()
	path := filepath.Join(t.TempDir(), "not-executable")
	l.NoError(os.WriteFile(path, []byte("#!/bin/sh\necho hi\n"), 0o644), "writing a test file")
	code, err := process.Run([]string{path}, nil, nil, nil)
	l.Error(err, "Run of a file without the execute bit")
	l.Equal("exit code for a file that cannot be executed", 126, code)
}

func TestChildCommandRunsRegisteredFunction(t *testing.T) {
	l := lessontest.New(t, "re-exec")
	defer l.Recover()
	cmd := process.ChildCommand(helloChild, "from", "the parent")
	l.True(cmd != nil, "a *exec.Cmd", "nil")
	l.True(cmd.Process == nil, "a command that is not started yet", "one already started")
	l.Equal("the command's Args[0] (the child's name)", helloChild, cmd.Args[0])
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	l.NoError(cmd.Run(), "running the child command")
	l.Equal("the child's output", "hello from the child: from the parent\n", out.String())
}

func TestContainerRunsOnYourCode(t *testing.T) {
	l := lessontest.New(t, "a-container-is-a-process")
	defer l.Recover()
	l.NeedPrivileges()
	// The library's runtime starts its init through your ChildCommand;
	// the init (PID 1 of a new PID namespace) then runs the command and
	// reaps it with a loop of its own (lesson 03), not through your Run.
	var out strings.Builder
	code, err := container.Run(context.Background(), container.Config{
		Args:       []string{"sh", "-c", "echo $PPID; exit 7"},
		Namespaces: []container.Namespace{container.PID},
		Init:       true,
		Stdout:     &out,
	})
	l.NoError(err, "container.Run")
	l.Equal("the container's exit code", 7, code)
	l.Equal("the command's parent PID (the container's init)", "1", strings.TrimSpace(out.String()))
}
