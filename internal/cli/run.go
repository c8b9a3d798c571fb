// Package cli holds the verbs that run containers, shared by the workshop
// CLI (go run ./lessons) and the runtime binary (cmd/unboxed): run, diff
// and the demos. Each takes the program's name, as the user typed it, for
// its messages, and returns the exit status.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/term"
)

// RunUsage and RunSummary describe the run verb.
const (
	RunUsage   = "run [FLAGS] [--] COMMAND [ARG...]"
	RunSummary = "run a command in a container built by the library (rootless where the kernel allows)"
)

// runOptions are the flags of run; they come before the command.
type runOptions struct {
	rootfs, hostname        string
	init, noPivot, readOnly bool
	layers                  []string
	limits                  container.Limits
	volumes                 []container.Volume
	keep                    string
	net                     netOptions
}

// Run runs a container and returns its status, as Docker does: the
// command's own code, 125 when the runtime failed, 126 when the command
// cannot be executed, 127 when it does not exist, 128+N when signal N
// killed it. prog is how the user started this program ("go run ./lessons").
func Run(prog string, args []string) int {
	opts, command, err := parseRun(prog, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed run: %v (usage: %s %s; flags: %s run -h)\n", err, prog, RunUsage, prog)
		return container.ExitRuntimeError
	}
	namespaces := container.AllNamespaces
	if os.Geteuid() != 0 {
		// Rootless: a user namespace in which the caller is root.
		if err := container.UserNamespacesBlocked(); err != nil {
			fmt.Fprintf(os.Stderr, "unboxed run: not root, and %v; or run as root: sudo %s run -- %s\n", err, prog, strings.Join(command, " "))
			return container.ExitRuntimeError
		}
		namespaces = append([]container.Namespace{container.User}, namespaces...)
	}
	if opts.rootfs == "" {
		dir, err := container.DefaultRootfs()
		if err != nil {
			fmt.Fprintf(os.Stderr, "unboxed run: default rootfs: %v (or give one: --rootfs DIR)\n", err)
			return container.ExitRuntimeError
		}
		opts.rootfs = dir
	}
	if opts.limits != (container.Limits{}) && os.Geteuid() == 0 && sweepDue() {
		// What a killed runtime left: its cgroups, and any container that
		// outlived it. The sweep touches only cgroups no runtime holds, so
		// it runs beside this container rather than before it.
		swept := make(chan struct{})
		go func() { _, _ = container.CleanStaleCgroups(); close(swept) }()
		defer func() { <-swept }()
	}
	if opts.noPivot {
		fmt.Fprintln(os.Stderr, "unboxed run: warning: --no-pivot uses chroot(2), which a root process in the container can escape (lesson 02)")
	}
	// Catch the signals before the container starts: its command may
	// be running, and someone may press Ctrl-C, before Start returns.
	sigs := catchSignals()
	c, err := container.Start(context.Background(), container.Config{
		Args:       command,
		Rootfs:     opts.rootfs,
		Hostname:   opts.hostname,
		Namespaces: namespaces,
		Init:       opts.init,
		NoPivot:    opts.noPivot,
		ReadOnly:   opts.readOnly,
		Overlay:    true,
		Layers:     opts.layers,
		KeepUpper:  opts.keep,
		Volumes:    opts.volumes,
		Limits:     opts.limits,
		Network:    opts.net.mode,
		Publish:    opts.net.publish,
		Subnet:     opts.net.subnet,
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
	})
	if err != nil {
		signal.Stop(sigs)
		fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
		return container.ExitStatusOf(err)
	}
	stop := passSignals(c, sigs, term.IsTerminal(int(os.Stdin.Fd())))
	code, err := c.Wait()
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
	}
	if opts.keep != "" {
		printChanges(os.Stderr, opts.keep, append([]string{opts.rootfs}, opts.layers...))
	}
	if st, ok := c.Stats(); ok && st.OOMKills > 0 {
		fmt.Fprintf(os.Stderr, "unboxed: container killed: out of memory (limit %s, peak %s)\n", humanSize(st.MemoryLimit), humanSize(st.MemoryPeak))
	}
	return code
}

// sweepEvery is how often runs look for what killed runtimes left: the
// sweep costs a run about 0.4 ms, and leftovers are rare.
const sweepEvery = time.Minute

// sweepDue says whether the last sweep is older than sweepEvery, and marks
// this one; it costs one stat(2) when not due.
func sweepDue() bool {
	mark := filepath.Join(container.DefaultStateDir(), ".last-sweep")
	if info, err := os.Stat(mark); err == nil && time.Since(info.ModTime()) < sweepEvery {
		return false
	}
	_ = os.MkdirAll(filepath.Dir(mark), 0o700)
	_ = os.WriteFile(mark, nil, 0o600)
	now := time.Now()
	_ = os.Chtimes(mark, now, now)
	return true
}

// humanSize writes bytes the way the flags take them: 32M, 1G, 512K.
func humanSize(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.suffix)
		}
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1fM", float64(n)/(1<<20))
	}
	return strconv.FormatInt(n, 10)
}

// catchSignals starts catching SIGINT, SIGTERM, SIGHUP and SIGQUIT, for
// passSignals to hand on; until then they wait in the channel.
func catchSignals() chan os.Signal {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	return sigs
}

// passSignals hands the signals caught on sigs on to the container until
// stop is called. On a terminal, Ctrl-C already reaches
// every process of the container (they share the terminal's foreground
// process group), so SIGINT is not sent twice. Elsewhere a second SIGINT
// kills the container: PID 1 of a PID namespace ignores signals it has no
// handler for (pid_namespaces(7)), so a plain sleep never sees the first.
func passSignals(c *container.Container, sigs chan os.Signal, terminal bool) (stop func()) {
	done := make(chan struct{})
	go func() {
		interrupts := 0
		for {
			select {
			case sig := <-sigs:
				if sig == syscall.SIGINT {
					interrupts++
					if terminal {
						continue
					}
					if interrupts > 1 {
						sig = syscall.SIGKILL
					}
				}
				_ = c.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

// parseRun reads the flags, which end at the first argument that is not
// one (or at "--"), and the command after them.
func parseRun(prog string, args []string) (runOptions, []string, error) {
	var o runOptions
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors get one line of ours
	fs.Usage = func() {}
	fs.StringVar(&o.rootfs, "rootfs", "", "the container's root directory (default: a busybox rootfs built once in the cache)")
	fs.StringVar(&o.hostname, "hostname", "unboxed", "the container's hostname")
	fs.BoolVar(&o.init, "init", false, "keep a small init as PID 1 that reaps orphans and passes signals on")
	fs.BoolVar(&o.noPivot, "no-pivot", false, "change root with chroot instead of pivot_root (escapable)")
	fs.BoolVar(&o.readOnly, "read-only", false, "mount the root read-only")
	fs.Func("layer", "a read-only `DIR` stacked on the rootfs (repeatable; the last is on top)", func(dir string) error {
		o.layers = append(o.layers, dir)
		return nil
	})
	fs.Func("volume", "bind `HOST:CONTAINER[:ro]` into the container (repeatable)", func(s string) error {
		v, err := container.ParseVolume(s)
		o.volumes = append(o.volumes, v)
		return err
	})
	fs.Func("memory", "limit memory to `SIZE` (64M, 1G, 512K or bytes; at least 6M)", func(s string) error {
		n, err := container.ParseSize(s)
		if err == nil && n < container.MinMemory {
			err = fmt.Errorf("memory %q is below 6M, too little for a process to start (want e.g. 64M)", s)
		}
		o.limits.Memory = n
		return err
	})
	fs.Func("pids", "limit the container to `N` processes", func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return fmt.Errorf("pids %q is not a whole number above 0 (want e.g. 64)", s)
		}
		o.limits.Pids = n
		return nil
	})
	fs.Func("cpus", "limit CPU time to `F` CPUs (e.g. 0.5)", func(s string) error {
		f, err := container.ParseCPUs(s)
		o.limits.CPUs = f
		return err
	})
	addNetFlags(fs, &o.net)
	fs.StringVar(&o.keep, "keep", "", "keep the container's changes (its overlay upper directory) in `DIR` and list them")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Printf("usage: %s %s\n\n", prog, RunUsage)
			fs.SetOutput(os.Stdout)
			fs.PrintDefaults()
		}
		return o, nil, err
	}
	if fs.NArg() == 0 {
		return o, nil, errors.New("no command given (e.g. run -- /bin/sh)")
	}
	return o, fs.Args(), nil
}
