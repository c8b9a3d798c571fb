package cli

import (
	"fmt"
	"os"
	"sort"
	"time"
)

// DemoUsage and DemoSummary describe the demo verb.
const (
	DemoUsage   = "demo startup [-n N] | demo density [--count N]"
	DemoSummary = "measure it yourself: start time against runc, and N containers against N VMs"
)

// Demo runs one of the measurements. They are benchmarks to read, not
// tests: nothing here asserts a time.
func Demo(prog string, args []string) int {
	if len(args) == 0 {
		return demoUsage(prog, "which demo? startup or density")
	}
	switch args[0] {
	case "startup":
		return demoStartup(prog, args[1:])
	case "density":
		return demoDensity(prog, args[1:])
	}
	return demoUsage(prog, fmt.Sprintf("no demo %q; the demos are startup and density", args[0]))
}

func demoUsage(prog, why string) int {
	fmt.Fprintf(os.Stderr, "unboxed demo: %s (usage: %s %s)\n", why, prog, DemoUsage)
	return 2
}

// needRoot says how to run a demo that needs root, or returns true.
func needRoot(prog, demo string) bool {
	if os.Geteuid() == 0 {
		return true
	}
	fmt.Fprintf(os.Stderr, "unboxed demo %s: needs root (for cgroups, and runc needs it too): sudo %s demo %s\n", demo, prog, demo)
	return false
}

// spread summarises run times: the median, and the 10th and 90th
// percentiles.
type spread struct{ median, p10, p90 time.Duration }

func summarise(d []time.Duration) spread {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)] }
	return spread{median: at(0.5), p10: at(0.1), p90: at(0.9)}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(bytes int64) string { return fmt.Sprintf("%.2f MiB", float64(bytes)/(1<<20)) }
