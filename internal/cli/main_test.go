package cli

import (
	"os"
	"testing"

	"github.com/unboxed-go/unboxed/container"
)

// TestMain lets the test binary be a container's init too: Run re-executes
// it (container.Init dispatches the child).
func TestMain(m *testing.M) {
	container.Init()
	os.Exit(m.Run())
}
