package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/unboxed-go/unboxed/container"
)

// contender is one way to run /bin/true in a container, timed.
type contender struct {
	name  string
	run   func(i int) *exec.Cmd
	times []time.Duration
	err   string
}

// demoStartup runs /bin/true in a container n times with each runtime in
// turn (interleaved, so that a busy moment of the machine hits them all)
// and prints the median, the spread and the ratios.
func demoStartup(prog string, args []string) int {
	fs := flag.NewFlagSet("demo startup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("n", 20, "runs of each runtime")
	if err := fs.Parse(args); err != nil || *n < 1 || *n > 1000 || fs.NArg() > 0 {
		return demoUsage(prog, "demo startup takes -n N, from 1 to 1000 (e.g. -n 20)")
	}
	if !needRoot(prog, "startup") {
		return 1
	}
	rootfs, err := container.DefaultRootfs()
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed demo startup: %v\n", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "unboxed-demo-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed demo startup: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	self, _ := os.Executable()

	contenders := []*contender{{
		name: "unboxed",
		run: func(int) *exec.Cmd {
			return exec.Command(self, "run", "--rootfs", rootfs, "--memory", "64M", "--pids", "64", "--", "/bin/true")
		},
	}}
	for _, oci := range []string{"runc", "crun"} {
		if c := ociContender(oci, rootfs, tmp); c != nil {
			contenders = append(contenders, c)
		}
	}
	if path, err := exec.LookPath("unshare"); err == nil {
		contenders = append(contenders, &contender{name: "floor: unshare", run: func(int) *exec.Cmd {
			return exec.Command(path, "--pid", "--fork", "--mount", "--uts", "--ipc", "--net", "/bin/true")
		}})
	}
	fmt.Printf("/bin/true in a container, %d runs each, interleaved, on %s\n", *n, rootfs)
	fmt.Println("unboxed: PID, mount, UTS, IPC and net namespaces, pivot_root with /proc /sys /dev,")
	fmt.Println("         a cgroup with memory and pids limits, an overlay on the rootfs,")
	fmt.Println("         Docker's 14 capabilities, no_new_privs and a seccomp filter")

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)
	for round := -1; round < *n; round++ { // round -1 warms up
		// Each round starts with the next runtime: a run pays for the
		// kernel's asynchronous cleanup of the one before it (a network
		// namespace's teardown holds locks the next one's creation needs),
		// so rotating spreads that evenly over the runtimes.
		for k := range contenders {
			c := contenders[(k+max(round, 0))%len(contenders)]
			if c.err != "" {
				continue
			}
			select {
			case <-stop:
				fmt.Println("interrupted: results so far")
				return report(contenders)
			default:
			}
			d, err := timeRun(c.run(round + 1))
			switch {
			case err != "":
				c.err = err
			case round >= 0:
				c.times = append(c.times, d)
			}
		}
	}
	return report(contenders)
}

// ociContender prepares a bundle with the runtime's own default config
// (runc spec / crun spec), changed to run /bin/true on the same rootfs.
// Nil when the runtime is not installed.
func ociContender(name, rootfs, tmp string) *contender {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil
	}
	bundle := filepath.Join(tmp, name)
	c := &contender{name: name}
	if err := os.Mkdir(bundle, 0o755); err != nil {
		c.err = err.Error()
		return c
	}
	if out, err := exec.Command(path, "spec", "--bundle", bundle).CombinedOutput(); err != nil {
		c.err = fmt.Sprintf("%s spec: %v %s", name, err, out)
		return c
	}
	if err := editSpec(filepath.Join(bundle, "config.json"), rootfs); err != nil {
		c.err = err.Error()
		return c
	}
	id := fmt.Sprintf("unboxed-demo-%d", os.Getpid())
	c.run = func(i int) *exec.Cmd {
		return exec.Command(path, "run", "--bundle", bundle, fmt.Sprintf("%s-%d", id, i))
	}
	return c
}

// editSpec points an OCI config at rootfs (read-only) and /bin/true.
func editSpec(file, rootfs string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	process, _ := spec["process"].(map[string]any)
	if process == nil {
		return fmt.Errorf("%s has no process", file)
	}
	process["args"], process["terminal"] = []string{"/bin/true"}, false
	spec["root"] = map[string]any{"path": rootfs, "readonly": true}
	data, err = json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}

// timeRun runs cmd and returns how long it took, or why it failed.
func timeRun(cmd *exec.Cmd) (time.Duration, string) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return d, fmt.Sprintf("%v: %s", err, msg)
	}
	return d, ""
}

func report(contenders []*contender) int {
	var runc time.Duration
	for _, c := range contenders {
		if c.name == "runc" && len(c.times) > 0 {
			runc = summarise(c.times).median
		}
	}
	fmt.Printf("\n%-16s %10s %22s %12s\n", "runtime", "median", "spread (p10 .. p90)", "vs runc")
	for _, c := range contenders {
		if c.err != "" || len(c.times) == 0 {
			why := c.err
			if why == "" {
				why = "no runs"
			}
			fmt.Printf("%-16s skipped: %s\n", c.name, why)
			continue
		}
		s := summarise(c.times)
		ratio := "-"
		if runc > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(s.median)/float64(runc))
		}
		fmt.Printf("%-16s %10s %22s %12s\n", c.name, ms(s.median), ms(s.p10)+" .. "+ms(s.p90), ratio)
	}
	return 0
}
