package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	code := m.Run()
	if sharedRootfs != "" {
		os.RemoveAll(filepath.Dir(sharedRootfs))
	}
	os.Exit(code)
}

var (
	rootfsOnce   sync.Once
	sharedRootfs string
	rootfsErr    error
)

// testRootfs is a root filesystem the tests share, built once: busybox
// when the host has a static one, else host programs and their libraries.
// Containers never write to it unless a test says so.
func testRootfs(t *testing.T) string {
	t.Helper()
	rootfsOnce.Do(func() {
		parent, err := os.MkdirTemp("", "unboxed-container-test-")
		if err != nil {
			rootfsErr = err
			return
		}
		dir := filepath.Join(parent, "rootfs")
		if err := BuildBusyboxRootfs(dir); errors.Is(err, ErrNoBusybox) {
			err = BuildRootfs(dir, AvailablePrograms(DefaultPrograms...)...)
			rootfsErr = err
		} else {
			rootfsErr = err
		}
		sharedRootfs = dir
	})
	if rootfsErr != nil {
		t.Fatalf("build the test rootfs: %v", rootfsErr)
	}
	return sharedRootfs
}

// needRoot skips a test that creates namespaces when it cannot.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create namespaces: go test -exec sudo ./container")
	}
}
