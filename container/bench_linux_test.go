package container

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// BenchmarkRun times one container running /bin/true, with the stages
// switched on one after another, so that each stage's cost shows as the
// difference to the line before. The fifth is the full path: PID, mount,
// UTS, IPC and network namespaces, pivot_root with /proc /sys /dev, a
// cgroup with memory and pids limits, an overlay on the rootfs, and the
// security stage; the sixth is the same without the security stage, and
// the seventh the full path on the bridge network (in a network namespace
// of the benchmark's own, which stands in for the host's).
//
// Read the differences more than the totals: every container re-executes
// this test binary as its init, and the test binary's package
// initialisation (testify brings in net/http) costs about 1.5 ms that the
// runtime's own binary, cmd/unboxed, does not pay.
//
//	go test -run XXX -bench Run -benchtime 100x ./container
func BenchmarkRun(b *testing.B) {
	if !isRoot() {
		b.Skip("needs root: go test -exec sudo -bench Run ./container")
	}
	if !benchInOwnNetns(b) { // for 6-bridge's bridge and veths
		return
	}
	rootfs := benchRootfs(b)
	steps := []struct {
		name string
		cfg  Config
	}{
		{"1-process", Config{}},
		{"2-namespaces", Config{Namespaces: AllNamespaces}},
		{"3-pivot-root-and-mounts", Config{Namespaces: AllNamespaces, Rootfs: rootfs}},
		{"4-cgroup", Config{Namespaces: AllNamespaces, Rootfs: rootfs, Limits: cgroups.Limits{Memory: 64 << 20, Pids: 64}}},
		{"5-overlay-full", Config{Namespaces: AllNamespaces, Rootfs: rootfs, Limits: cgroups.Limits{Memory: 64 << 20, Pids: 64}, Overlay: true}}, // the default state dir, as run uses
		// The full path less the security stage's work: every capability
		// kept, no no_new_privs, no seccomp filter. 5 less 6 is its cost.
		{"6-full-without-security", Config{Namespaces: AllNamespaces, Rootfs: rootfs, Limits: cgroups.Limits{Memory: 64 << 20, Pids: 64}, Overlay: true,
			Security: Security{CapAdd: []string{"ALL"}, NewPrivileges: true, SeccompUnconfined: true}}},
		{"7-bridge", Config{Namespaces: AllNamespaces, Rootfs: rootfs, Limits: cgroups.Limits{Memory: 64 << 20, Pids: 64}, Overlay: true, Network: NetBridge}},
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

// BenchmarkRunAfterPause times the full path of BenchmarkRun once the
// machine has been idle for a moment, as it is between two commands a
// learner types. Back-to-back runs hide costs that an idle kernel charges
// again: moving a process into a cgroup used to wait out an RCU grace
// period then (see cgroup_inside_linux.go). The pause is not timed.
//
//	go test -run XXX -bench RunAfterPause -benchtime 50x ./container
func BenchmarkRunAfterPause(b *testing.B) {
	if !isRoot() {
		b.Skip("needs root: go test -exec sudo -bench RunAfterPause ./container")
	}
	cfg := Config{Args: []string{"/bin/true"}, Namespaces: AllNamespaces, Rootfs: benchRootfs(b),
		Limits: cgroups.Limits{Memory: 64 << 20, Pids: 64}, Overlay: true}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		time.Sleep(100 * time.Millisecond)
		b.StartTimer()
		if code, err := Run(context.Background(), cfg); err != nil || code != 0 {
			b.Fatalf("run: %d %v", code, err)
		}
	}
}
