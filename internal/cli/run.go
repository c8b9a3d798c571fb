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
	"strconv"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// RunUsage and RunSummary describe the run verb.
const (
	RunUsage   = "run [FLAGS] [--image REF] [--] [COMMAND [ARG...]]"
	RunSummary = "run a command in a container built by the library (rootless where the kernel allows)"
)

// runOptions are the flags of run; they come before the command.
type runOptions struct {
	rootfs, hostname        string
	init, noPivot, readOnly bool
	layers                  []string
	limits                  cgroups.Limits
	volumes                 []container.Volume
	keep                    string
	security                container.Security
	user                    string
	verbose                 bool
	userns                  string
	storageSize             int64
	net                     netOptions
	image                   string   // --image: run this image's layers and config
	entrypoint              []string // --entrypoint: nil when not given
	insecure                []string // --insecure-registry, for pulling the image
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
	userRange, namespaces, err := userRange(opts.userns, namespaces)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
		return container.ExitRuntimeError
	}
	var img *container.Image
	if opts.image != "" {
		if img, err = imageFor(opts.image, opts.insecure, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
			return container.ExitStatusOf(err)
		}
	} else if opts.rootfs == "" {
		dir, err := container.DefaultRootfs()
		if err != nil {
			fmt.Fprintf(os.Stderr, "unboxed run: default rootfs: %v (or give one: --rootfs DIR)\n", err)
			return container.ExitRuntimeError
		}
		opts.rootfs = dir
	}
	if opts.limits != (cgroups.Limits{}) {
		// What a killed runtime left: its cgroups, and any container that
		// outlived it. The sweep is a readdir and a non-blocking flock per
		// cgroup (BenchmarkCleanStale), and it touches only cgroups no
		// runtime holds, so it runs at every start, beside this container.
		swept := make(chan struct{})
		go func() { _, _ = cgroups.CleanStale(); close(swept) }()
		defer func() { <-swept }()
	}
	if opts.noPivot {
		fmt.Fprintln(os.Stderr, "unboxed run: warning: --no-pivot uses chroot(2), which a root process in the container can escape (lesson 02)")
	}
	// The library catches the signals before the container starts (its
	// command may be running, and someone may press Ctrl-C, before Start
	// returns) and passes them on.
	cfg := container.Config{
		Args:        command,
		Rootfs:      opts.rootfs,
		Hostname:    opts.hostname,
		Namespaces:  namespaces,
		Init:        opts.init,
		NoPivot:     opts.noPivot,
		ReadOnly:    opts.readOnly,
		Overlay:     true,
		Layers:      opts.layers,
		KeepUpper:   opts.keep,
		StorageSize: opts.storageSize,
		Volumes:     opts.volumes,
		Limits:      opts.limits,
		User:        opts.user,
		UserRange:   userRange,
		Security:    opts.security,
		Network:     opts.net.mode,
		Publish:     opts.net.publish,
		Subnet:      opts.net.subnet,
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,

		ForwardSignals: true,
	}
	lowers := append([]string{opts.rootfs}, opts.layers...)
	if img != nil {
		img.Apply(&cfg, opts.entrypoint, command)
		lowers = append(img.Layers, opts.layers...)
		if len(cfg.Args) == 0 {
			fmt.Fprintf(os.Stderr, "unboxed run: image %s has no Entrypoint or Cmd: give a command (e.g. run --image %s -- /bin/sh)\n", img.Name, opts.image)
			return container.ExitRuntimeError
		}
	}
	c, err := container.Start(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
		return container.ExitStatusOf(err)
	}
	if opts.verbose {
		printSecurity(os.Stderr, c.Pid())
	}
	code, err := c.Wait()
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
	}
	if opts.keep != "" {
		printChanges(os.Stderr, opts.keep, lowers)
	}
	if st, ok := c.Stats(); ok && st.OOMKills > 0 {
		fmt.Fprintf(os.Stderr, "unboxed: container killed: out of memory (limit %s, peak %s)\n", humanSize(st.MemoryLimit), humanSize(st.MemoryPeak))
	}
	return code
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
		n, err := cgroups.ParseSize(s)
		if err == nil && n < cgroups.MinMemory {
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
		f, err := cgroups.ParseCPUs(s)
		o.limits.CPUs = f
		return err
	})
	securityFlags(fs, &o)
	fs.StringVar(&o.image, "image", "", "run the image `REF` (pulled first when not in the store): e.g. docker.io/library/alpine:3.20, oci:DIR:TAG, docker-archive:FILE")
	fs.Func("entrypoint", "replace the image's Entrypoint with `PROGRAM` (\"\" removes it)", func(s string) error {
		o.entrypoint = []string{}
		if s != "" {
			o.entrypoint = []string{s}
		}
		return nil
	})
	fs.Func("insecure-registry", "pull the image from `HOST[:PORT]` over plain HTTP (localhost and 127.0.0.1 always)", func(h string) error {
		o.insecure = append(o.insecure, h)
		return nil
	})
	fs.Func("storage-opt", storageOptUsage, func(s string) (err error) {
		o.storageSize, err = parseStorageOpt(s)
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
	switch {
	case o.image != "" && o.rootfs != "":
		return o, nil, errors.New("--image and --rootfs both give the root: choose one")
	case o.entrypoint != nil && o.image == "":
		return o, nil, errors.New("--entrypoint needs --image")
	case fs.NArg() == 0 && o.image == "":
		return o, nil, errors.New("no command given (e.g. run -- /bin/sh, or run --image alpine)")
	}
	return o, fs.Args(), nil
}
