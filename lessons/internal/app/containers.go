package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	shared "github.com/unboxed-go/unboxed/internal/cli"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// The verbs that run containers live in internal/cli, shared with the
// runtime binary cmd/unboxed.
func init() {
	verbs["run"] = verb{run: linuxOnly(runtime.GOOS, "run", runVerb), usage: "run [--mine [--only-mine]] [FLAGS] [--] [CMD...]", summary: shared.RunSummary + "; --mine: on the stages you wrote, the library's for the rest (--only-mine: yours alone)"}
	verbs["diff"] = verb{run: linuxOnly(runtime.GOOS, "diff", func(args []string) int { return shared.Diff("go run ./lessons", args) }), usage: shared.DiffUsage, summary: shared.DiffSummary}
	verbs["demo"] = verb{run: linuxOnly(runtime.GOOS, "demo", demoVerb), usage: shared.DemoUsage, summary: shared.DemoSummary}
}

// demoVerb builds the runtime binary and runs the demo in it: the demos
// measure containers, and every container re-executes the binary that
// starts it, so they run in cmd/unboxed, the runtime with nothing else
// linked in, to measure the runtime's own start.
// runLibrary is run on the library's own stages.
func runLibrary(args []string) int { return shared.Run("go run ./lessons", args) }

func demoVerb(args []string) int {
	root, err := workshop.FindRoot(".")
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed demo: %v\n", err)
		return 2
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "unboxed", "bin", "unboxed")
	build := exec.Command("go", "build", "-o", bin, "./cmd/unboxed")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	// Static, as the README builds it: the runtime links package net
	// (netlink, the registry client), and with cgo each of its two
	// processes a container starts would load the C library first.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "unboxed demo: build cmd/unboxed: %v\n", err)
		return 1
	}
	cmd := exec.Command(bin, append([]string{"demo"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "UNBOXED_PROG=go run ./lessons")
	_ = cmd.Run()
	if cmd.ProcessState == nil {
		return 1
	}
	return cmd.ProcessState.ExitCode()
}
