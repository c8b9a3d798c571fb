package lessontest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"time"

	"github.com/unboxed-go/unboxed/container"
)

var (
	rootfsOnce sync.Once
	rootfsDir  string
	rootfsErr  error
)

// Rootfs is the library's default root filesystem (busybox when the host
// has it), built once into the user's cache directory and shared by every
// lesson. Containers of the lessons never write to it.
func (l *T) Rootfs() string {
	l.Helper()
	rootfsOnce.Do(func() { rootfsDir, rootfsErr = container.DefaultRootfs() })
	if rootfsErr != nil {
		l.Fatalf("want the default rootfs, got: %v", rootfsErr)
	}
	return rootfsDir
}

// RunContainer runs script with /bin/sh in a container made from cfg, with
// the learner's steps in place, and returns its output (stdout and stderr)
// and exit status. Empty fields get: every namespace of
// container.AllNamespaces and the default rootfs. A container that cannot
// start fails the test, with the reason.
func (l *T) RunContainer(cfg container.Config, script string) (string, int) {
	l.Helper()
	if cfg.Namespaces == nil {
		cfg.Namespaces = container.AllNamespaces
	}
	if cfg.Rootfs == "" {
		cfg.Rootfs = l.Rootfs()
	}
	cfg.Args = []string{"/bin/sh", "-c", script}
	var out strings.Builder
	cfg.Stdout, cfg.Stderr = &out, &out
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := container.Run(ctx, cfg)
	if err != nil {
		// The error first: the script can run to hundreds of characters.
		l.fatalStep(fmt.Sprintf("got error: %v; want the container to start and run the script %q (output: %q)", err, script, out.String()), err.Error())
	}
	return out.String(), code
}
