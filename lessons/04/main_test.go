//go:build linux

package mounts_test

import (
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/04"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// escapeChild is the child of TestEscapeFailsAfterPivotRoot: it changes its
// root and then tries lesson 02's chroot escape (see escape).
const escapeChild = "lesson04-escape"

func TestMain(m *testing.M) {
	lessontest.Child(escapeChild, escape)
	lessontest.Main(m, 4, container.Stages{
		MakePrivate:   mounts.MakePrivate,
		PivotRoot:     mounts.PivotRoot,
		MountStandard: mounts.MountStandard,
	})
}

// needRealRoot skips a test that builds whole containers when this process
// is only root of a user namespace: there the kernel refuses mknod(2) for
// the devices of /dev, and a fresh /proc once the host's /proc has left
// the mount namespace with the old root.
func needRealRoot(l *lessontest.T) {
	l.Helper()
	if lessontest.Privileges() == "rootless" {
		l.Skip("device nodes and a fresh /proc after pivot_root need real root, not root of a user namespace: run go test -exec sudo ./lessons/04")
	}
}
