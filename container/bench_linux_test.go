package container

import (
	"context"
	"os"
	"testing"
)

// BenchmarkRun times one container running /bin/true, with the stages
// switched on one after another, so that each stage's cost shows as the
// difference to the line before. The last is the full path: PID, mount,
// UTS, IPC and network namespaces, pivot_root with /proc /sys /dev, a
// cgroup with memory and pids limits, and an overlay on the rootfs.
//
//	go test -run XXX -bench Run -benchtime 100x ./container
func BenchmarkRun(b *testing.B) {
	if !isRoot() {
		b.Skip("needs root: go test -exec sudo -bench Run ./container")
	}
	rootfs := benchRootfs(b)
	steps := []struct {
		name string
		cfg  Config
	}{
		{"1-process", Config{}},
		{"2-namespaces", Config{Namespaces: AllNamespaces}},
		{"3-pivot-root-and-mounts", Config{Namespaces: AllNamespaces, Rootfs: rootfs}},
		{"4-cgroup", Config{Namespaces: AllNamespaces, Rootfs: rootfs, Limits: Limits{Memory: 64 << 20, Pids: 64}}},
		{"5-overlay-full", Config{Namespaces: AllNamespaces, Rootfs: rootfs, Limits: Limits{Memory: 64 << 20, Pids: 64}, Overlay: true}}, // the default state dir, as run uses
	}
	for _, s := range steps {
		b.Run(s.name, func(b *testing.B) {
			cfg := s.cfg
			cfg.Args = []string{"/bin/true"}
			for i := 0; i < b.N; i++ {
				if code, err := Run(context.Background(), cfg); err != nil || code != 0 {
					b.Fatalf("run: %d %v", code, err)
				}
			}
		})
	}
}

func isRoot() bool { return os.Geteuid() == 0 }

func benchRootfs(b *testing.B) string {
	dir, err := DefaultRootfs()
	if err != nil {
		b.Fatal(err)
	}
	return dir
}
