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
// overlaid (go build -overlay). "Run" among them means lesson 10 is
// written: then run [FLAGS] -- COMMAND goes through the learner's own
// Run (yours.go), the order of the steps theirs too; the OCI verbs are
// always the library's assembly.
package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/internal/cli"
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
	if slices.Contains(names, "Run") && len(os.Args) > 1 && os.Args[1] == "run" && !cli.OCIRun(os.Args[2:]) {
		// Lesson 10 is written: its Run assembles the container.
		os.Exit(runYours(prog, os.Args[2:]))
	}
	code, handled := cli.ContainerVerb(prog, os.Args[1:])
	if !handled {
		fmt.Fprintf(os.Stderr, "%s: want a verb: run [FLAGS] -- COMMAND, diff, or an OCI verb (create, start, state, kill, delete, list, spec)\n", prog)
		code = 2
	}
	os.Exit(code)
}
