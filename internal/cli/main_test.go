package cli

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container"
)

// TestMain lets the test binary be a container's init too: Run re-executes
// it (container.Init dispatches the child).
func TestMain(m *testing.M) {
	container.Init()
	os.Exit(m.Run())
}

// runCaptured calls Run with args and returns its status and what it wrote
// to stderr.
func runCaptured(t *testing.T, args ...string) (int, string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	saved := os.Stderr
	os.Stderr = f
	code := Run("unboxed", args)
	os.Stderr = saved
	data, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	return code, string(data)
}
