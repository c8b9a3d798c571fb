// Command startup measures what a learner waits for before a container
// does anything: go run ./lessons run -- /bin/true, the same workshop
// binary built (without the go command's own work), and cmd/unboxed, run
// interleaved in this one process, with medians, p90s and ratios to
// cmd/unboxed; then the package initialisation of each binary
// (GODEBUG=inittrace=1: the sum of every package's init clock time, for
// "help"). Given several checkouts (an old commit exported with git
// archive, and this one), it measures their workshops side by side, and
// cmd/unboxed of the last.
//
// A measurement to read, not a test. As root (containers need it), from
// the checkout:
//
//	go run ./hack/startup [-n 20] [CHECKOUT...]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 20, "runs of each command")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	if err := measure(dirs, *n); err != nil {
		fmt.Fprintf(os.Stderr, "startup: %v\n", err)
		os.Exit(1)
	}
}

// A subject is one way to start a container.
type subject struct {
	name, dir string
	label     string // which checkout, when there are several
	argv      []string
	times     []time.Duration
	bin       string // the binary, for its package init time
}

func measure(dirs []string, n int) error {
	if n < 1 {
		return fmt.Errorf("-n %d: want at least 1 run, e.g. -n 20", n)
	}
	tmp, err := os.MkdirTemp("", "unboxed-startup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	container := []string{"run", "--", "/bin/true"}
	var subjects []*subject
	for i, dir := range dirs {
		if dir, err = filepath.Abs(dir); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			return fmt.Errorf("no checkout at %s (want the directory of go.mod, e.g. .)", dir)
		}
		workshop := filepath.Join(tmp, fmt.Sprintf("workshop-%d", i))
		if err := run(dir, "go", "build", "-o", workshop, "./lessons"); err != nil {
			return err
		}
		label := ""
		if len(dirs) > 1 {
			label = " [" + dirs[i] + "]"
		}
		subjects = append(subjects,
			&subject{name: "go run ./lessons run", label: label, dir: dir, argv: append([]string{"go", "run", "./lessons"}, container...)},
			&subject{name: "workshop binary run", label: label, dir: dir, argv: append([]string{workshop}, container...), bin: workshop})
	}
	last := subjects[len(subjects)-1].dir
	unboxed := filepath.Join(tmp, "unboxed")
	if err := run(last, "go", "build", "-o", unboxed, "./cmd/unboxed"); err != nil {
		return err
	}
	// The floor of the design, light and with cmd/unboxed's packages
	// linked: what two starts of a Go binary into five namespaces cost.
	for _, f := range []struct{ name, tags string }{
		{"floor: Go re-exec, 5 namespaces", ""},
		{"floor, linking cmd/unboxed's packages", "heavy"},
	} {
		bin := filepath.Join(tmp, "floor"+f.tags)
		if err := run(last, "go", "build", "-tags", f.tags, "-o", bin, "./hack/startup/floor"); err != nil {
			return err
		}
		subjects = append(subjects, &subject{name: f.name, dir: last, argv: []string{bin}})
	}
	subjects = append(subjects, &subject{name: "cmd/unboxed run", dir: last, argv: append([]string{unboxed}, container...), bin: unboxed})
	for _, s := range subjects { // warm the caches: go's build cache, the rootfs
		if err := run(s.dir, s.argv...); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		for j := range subjects {
			s := subjects[(i+j)%len(subjects)] // rotate who goes first
			start := time.Now()
			if err := run(s.dir, s.argv...); err != nil {
				return err
			}
			s.times = append(s.times, time.Since(start))
		}
	}
	base := median(subjects[len(subjects)-1].times)
	fmt.Printf("run -- /bin/true, %d runs each, interleaved\n", n)
	for _, s := range subjects {
		m := median(s.times)
		fmt.Printf("  %-40s median %6.1f ms  p90 %6.1f ms  %5.2fx cmd/unboxed (its ratio to this: %.2f)\n",
			s.name+s.label, ms(m), ms(percentile(s.times, 0.9)), float64(m)/float64(base), float64(base)/float64(m))
	}
	fmt.Printf("package init, help, GODEBUG=inittrace=1 (sum of the packages' init clock time)\n")
	for _, s := range subjects {
		if s.bin == "" {
			continue
		}
		var sums []time.Duration
		for i := 0; i < n; i++ {
			sum, err := initTime(s.dir, s.bin)
			if err != nil {
				return err
			}
			sums = append(sums, sum)
		}
		fmt.Printf("  %-40s median %5.1f ms\n", strings.TrimSuffix(s.name, " run")+s.label, ms(median(sums)))
	}
	return nil
}

// run runs argv in dir and says what it printed if it failed.
func run(dir string, argv ...string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	// Static binaries, as the demos build cmd/unboxed: no C library to
	// load at each start.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, out)
	}
	return nil
}

// initTime runs "bin help" with GODEBUG=inittrace=1 and adds up the clock
// time of every package's init; the runtime prints one line per package:
//
//	init github.com/alecthomas/chroma/v2/lexers @3.0 ms, 4.9 ms clock, ...
func initTime(dir, bin string) (time.Duration, error) {
	cmd := exec.Command(bin, "help")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s help: %v: %s", bin, err, stderr.String())
	}
	var sum float64
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 7 && f[0] == "init" && f[6] == "clock," {
			v, err := strconv.ParseFloat(f[4], 64)
			if err != nil {
				return 0, fmt.Errorf("inittrace line %q: %v", sc.Text(), err)
			}
			sum += v
		}
	}
	return time.Duration(sum * float64(time.Millisecond)), nil
}

func median(d []time.Duration) time.Duration { return percentile(d, 0.5) }

// percentile returns the p-th (0..1) of d, by rank.
func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
