package app

import (
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLinuxOnlyVerbsSayWhyElsewhere(t *testing.T) {
	called := false
	run := func([]string) int { called = true; return 0 }
	for _, goos := range []string{"darwin", "windows"} {
		out, code := captureStderr(t, func() int { return linuxOnly(goos, "check", run)([]string{"3"}) })
		assert.Equal(t, 1, code, "want exit 1 from check on %s", goos)
		assert.False(t, called, "want check not to run its tests on %s", goos)
		assert.Contains(t, out, "unboxed check: tests and containers need Linux (GOOS="+goos+")")
		assert.Contains(t, out, "vagrant up && vagrant ssh")
	}
	assert.Equal(t, 0, linuxOnly("linux", "check", run)(nil), "want the verb itself on linux")
	assert.True(t, called, "want check to run on linux")
}

// captureStderr runs f with os.Stderr going to a pipe and returns what f
// wrote there and what it returned.
func captureStderr(t *testing.T, f func() int) (string, int) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	code := f()
	os.Stderr = saved
	w.Close()
	out, _ := io.ReadAll(r)
	r.Close()
	return string(out), code
}
