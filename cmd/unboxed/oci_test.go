package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGlobalRoot(t *testing.T) {
	for _, c := range []struct {
		args []string
		root string
		rest []string
	}{
		{[]string{"state", "box"}, "", []string{"state", "box"}},
		{[]string{"--root", "/r", "state", "box"}, "/r", []string{"state", "box"}},
		{[]string{"--root=/r", "list"}, "/r", []string{"list"}},
		{[]string{"run", "--root", "/r"}, "", []string{"run", "--root", "/r"}},
	} {
		root, rest := globalRoot(c.args)
		assert.Equal(t, c.root, root, "%v", c.args)
		assert.Equal(t, c.rest, rest, "%v", c.args)
	}
}

func TestOCIRunOrWorkshopRun(t *testing.T) {
	assert.True(t, ociRun([]string{"--bundle", "b", "id"}), "runc's run --bundle DIR ID")
	assert.True(t, ociRun([]string{"-b=b", "id"}))
	assert.False(t, ociRun([]string{"--", "/bin/sh"}), "the workshop's run")
	assert.False(t, ociRun([]string{"--memory", "32M", "--", "/bin/sh", "--bundle"}), "a --bundle after -- is the command's")
}

// The runtime must not link package net: its resolver brings in cgo and
// the C library, whose thread set-up aborts under a seccomp filter that
// allows no rseq(2) (an OCI bundle's) when the init starts a thread
// while it waits at its gate.
func TestNoCgoLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	assert.NotContains(t, deps, "net")
	assert.NotContains(t, deps, "runtime/cgo")
}
