package container

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunProcessExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		want   int
	}{
		{"success", "exit 0", 0},
		{"own code", "exit 3", 3},
		{"killed by SIGKILL", "kill -9 $$", 137},
		{"killed by SIGTERM", "kill -15 $$", 143},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := RunProcess([]string{"sh", "-c", tc.script}, nil, nil, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, code)
		})
	}
}

func TestRunProcessStreams(t *testing.T) {
	var out, errOut bytes.Buffer
	code, err := RunProcess([]string{"sh", "-c", "cat; echo err >&2"}, strings.NewReader("in\n"), &out, &errOut)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Equal(t, "in\n", out.String())
	assert.Equal(t, "err\n", errOut.String())
}

func TestRunProcessCannotStart(t *testing.T) {
	noExec := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(noExec, []byte("#!/bin/sh\n"), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"no such path", []string{"/no/such/program"}, ExitNotFound},
		{"not in PATH", []string{"no-such-program-anywhere"}, ExitNotFound},
		{"no execute bit", []string{noExec}, ExitNotExecutable},
		{"a directory", []string{"/"}, ExitNotExecutable},
		{"empty", nil, ExitNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := RunProcess(tc.args, nil, nil, nil)
			require.Error(t, err)
			assert.Equal(t, tc.want, code, "error: %v", err)
		})
	}
}

func TestCommandRunsRegisteredChild(t *testing.T) {
	out, err := Command(childEcho, "a", "b").Output()
	require.NoError(t, err)
	assert.Equal(t, "child "+childEcho+" args=a,b\n", string(out))
}

func TestExitStatusOfNil(t *testing.T) {
	assert.Equal(t, ExitRuntimeError, ExitStatus(nil))
}
