package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/unboxed-go/unboxed/container"
)

// DiffUsage and DiffSummary describe the diff verb.
const (
	DiffUsage   = "diff [--rootfs DIR] [--layer DIR...] UPPER"
	DiffSummary = "list what a container changed, from a directory kept with run --keep"
)

// Diff prints the changes recorded in an upper directory kept with
// run --keep, against the rootfs and layers the container ran on.
func Diff(prog string, args []string) int {
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "unboxed diff: %s (usage: %s %s)\n", fmt.Sprintf(format, a...), prog, DiffUsage)
		return 2
	}
	var rootfs string
	var layers []string
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&rootfs, "rootfs", "", "the rootfs the container ran on (default: the default rootfs)")
	fs.Func("layer", "a layer the container had on top of the rootfs (repeatable)", func(dir string) error {
		layers = append(layers, dir)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	if fs.NArg() != 1 {
		return usageError("want one directory kept with run --keep DIR, got %d arguments", fs.NArg())
	}
	upper := fs.Arg(0)
	if info, err := os.Stat(upper); err != nil || !info.IsDir() {
		return usageError("%s is not a directory (want one kept with run --keep DIR)", upper)
	}
	if rootfs == "" {
		dir, err := container.DefaultRootfs()
		if err != nil {
			fmt.Fprintf(os.Stderr, "unboxed diff: default rootfs: %v (or give one: --rootfs DIR)\n", err)
			return 1
		}
		rootfs = dir
	}
	if !printChanges(os.Stdout, upper, append([]string{rootfs}, layers...)) {
		return 1
	}
	return 0
}

// printChanges lists an upper directory's changes against its lowers, a
// line each as docker diff prints them.
func printChanges(w io.Writer, upper string, lowers []string) bool {
	changes, err := container.Changes(upper, lowers...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed: %v\n", err)
		return false
	}
	for _, c := range changes {
		fmt.Fprintln(w, c)
	}
	return true
}
