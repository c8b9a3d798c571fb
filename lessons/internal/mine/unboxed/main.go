// Command unboxed here is the learner's runtime: cmd/unboxed's container
// verbs (run and the OCI verbs) with the learner's written stages in
// place of the library's. go run ./lessons run --mine builds it, naming
// the stages to use at link time, because the container's init is this
// same binary re-executed with an empty environment and must plug in the
// same stages before container.Init:
//
//	go build -ldflags "-X main.yours=PivotRoot,MountStandard" \
//	    -o unboxed-mine ./lessons/internal/mine/unboxed
//
// yours "all" means every stage, for a build with every solution
// overlaid (go build -overlay).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/internal/cli"
	"github.com/unboxed-go/unboxed/internal/oci"
	"github.com/unboxed-go/unboxed/lessons/internal/mine"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// yours lists the stages to take from the lessons, comma-separated, or
// "all"; set with -ldflags "-X main.yours=...".
var yours string

func main() {
	names := strings.Split(yours, ",")
	if yours == "all" {
		names = workshop.StageNames()
	}
	container.Use(mine.Stages(names))
	container.Init()
	prog := "unboxed"
	if p := os.Getenv("UNBOXED_PROG"); p != "" {
		prog = p
	}
	os.Exit(dispatch(prog, os.Args[1:]))
}

// dispatch runs a verb as cmd/unboxed does (a copy of its switch, for
// the verbs that run containers).
func dispatch(prog string, args []string) int {
	root, rest := globalRoot(args)
	if len(rest) < 1 {
		fmt.Fprintf(os.Stderr, "usage: %s run [FLAGS] -- COMMAND, or an OCI verb (create, start, state, kill, delete, list, spec)\n", prog)
		return 2
	}
	switch verb, args := rest[0], rest[1:]; verb {
	case "run":
		if ociRun(args) {
			return oci.Main(prog, root, verb, args)
		}
		return cli.Run(prog, args)
	case "create", "start", "state", "kill", "delete", "list", "spec":
		return oci.Main(prog, root, verb, args)
	case "diff":
		return cli.Diff(prog, args)
	}
	fmt.Fprintf(os.Stderr, "%s: unknown verb %q; this runtime has run, diff and the OCI verbs (create, start, state, kill, delete, list, spec)\n", prog, rest[0])
	return 2
}

// globalRoot takes runc's global --root DIR (or --root=DIR) from before
// the verb.
func globalRoot(args []string) (root string, rest []string) {
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--root" && len(args) > 1:
			root, args = args[1], args[2:]
		case strings.HasPrefix(a, "--root="):
			root, args = strings.TrimPrefix(a, "--root="), args[1:]
		default:
			return root, args
		}
	}
	return root, args
}

// ociRun says whether run's arguments are the OCI verb's (a --bundle or
// -b flag before any "--").
func ociRun(args []string) bool {
	for _, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--bundle" || a == "-b" || strings.HasPrefix(a, "--bundle=") || strings.HasPrefix(a, "-b="):
			return true
		}
	}
	return false
}
