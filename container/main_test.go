package container

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// childEcho is a registered child for the re-exec tests: it prints its
// arguments so the parent can see that it ran.
const childEcho = "container-test-echo"

func TestMain(m *testing.M) {
	Register(childEcho, func() {
		fmt.Printf("child %s args=%s\n", os.Args[0], strings.Join(os.Args[1:], ","))
	})
	Init()
	os.Exit(m.Run())
}

// needRoot skips a test that creates namespaces when it cannot.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create namespaces: go test -exec sudo ./container")
	}
}
