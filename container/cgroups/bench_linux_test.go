package cgroups

import (
	"os"
	"testing"
)

// BenchmarkCleanStale is what every run pays for its sweep, with n live
// cgroups of this process's beside it (each held, so each is a readdir
// entry, a stat and a flock that fails).
func BenchmarkCleanStale(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root to make cgroups: go test -exec sudo -bench CleanStale ./container/cgroups")
	}
	for _, n := range []int{0, 10} {
		b.Run(map[int]string{0: "none", 10: "10-live"}[n], func(b *testing.B) {
			var live []Cgroup
			for i := 0; i < n; i++ {
				cg, err := New(testIDPrefix()+"bench-"+string(rune('a'+i)), Limits{Memory: 64 << 20})
				if err != nil {
					b.Skipf("cannot make cgroups here: %v", err)
				}
				live = append(live, cg)
			}
			b.Cleanup(func() {
				for _, cg := range live {
					_ = cg.Destroy()
				}
			})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := CleanStale(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
