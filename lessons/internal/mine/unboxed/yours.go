//go:build linux

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
	capstone "github.com/unboxed-go/unboxed/lessons/10"
)

// runYours is run [FLAGS] -- COMMAND through the learner's own assembly,
// lesson 10's Run, once it is written: the container is then theirs from
// the order of its steps to the steps themselves. It takes the flags that
// Run's Config has; any other is refused by name, with the way out.
func runYours(prog string, args []string) int {
	fs := flag.NewFlagSet(prog+" run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg capstone.Config
	fs.StringVar(&cfg.Rootfs, "rootfs", "", "")
	fs.StringVar(&cfg.Hostname, "hostname", "unboxed", "")
	fs.Func("memory", "", func(s string) (err error) {
		cfg.Limits.Memory, err = cgroups.ParseSize(s)
		if err == nil && cfg.Limits.Memory < cgroups.MinMemory {
			err = fmt.Errorf("memory %q is below 6M, too little for a process to start (want e.g. 64M)", s)
		}
		return err
	})
	fs.Func("pids", "", func(s string) (err error) {
		cfg.Limits.Pids, err = strconv.ParseInt(s, 10, 64)
		if err != nil || cfg.Limits.Pids < 1 {
			return fmt.Errorf("pids %q is not a whole number above 0 (want e.g. 64)", s)
		}
		return nil
	})
	fs.Func("cpus", "", func(s string) (err error) {
		cfg.Limits.CPUs, err = cgroups.ParseCPUs(s)
		return err
	})
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(os.Stderr, "%s run: %v; your runtime (lesson 10's Run) takes --rootfs, --hostname, --memory, --pids and --cpus, then -- COMMAND (for the rest, run without --mine)\n", prog, err)
		return container.ExitRuntimeError
	}
	cfg.Args = fs.Args()
	if len(cfg.Args) == 0 {
		fmt.Fprintf(os.Stderr, "%s run: no command given (want e.g. %s run --mine -- /bin/sh)\n", prog, prog)
		return container.ExitRuntimeError
	}
	if cfg.Rootfs == "" {
		dir, err := container.DefaultRootfs()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s run: default rootfs: %v (or give one: --rootfs DIR)\n", prog, err)
			return container.ExitRuntimeError
		}
		cfg.Rootfs = dir
	}
	state, err := os.MkdirTemp("", "unboxed-mine-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s run: %v\n", prog, err)
		return container.ExitRuntimeError
	}
	defer os.RemoveAll(state)
	cfg.StateDir = state
	cfg.Stdin, cfg.Stdout, cfg.Stderr = os.Stdin, os.Stdout, os.Stderr
	code, err := capstone.Run(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s run: your Run: %v\n", prog, err)
		if code == 0 {
			code = container.ExitStatusOf(err)
		}
	}
	return code
}
