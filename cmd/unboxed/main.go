// Command unboxed is the runtime on its own: the container verbs of the
// workshop CLI without the notes, the map or the doctor. Every container
// re-executes this binary as its init; the demos run here so that they
// measure the runtime alone.
//
//	CGO_ENABLED=0 go build -o unboxed ./cmd/unboxed   (static: no C library to load at each start)
//	sudo ./unboxed run -- /bin/sh
package main

import (
	"fmt"
	"os"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/internal/cli"
	"github.com/unboxed-go/unboxed/internal/oci"
)

func main() {
	container.Init()
	prog := "unboxed"
	if p := os.Getenv("UNBOXED_PROG"); p != "" {
		prog = p // started by the workshop CLI, for its demos
	}
	if code, handled := cli.ContainerVerb(prog, os.Args[1:]); handled {
		os.Exit(code)
	}
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch verb, args := os.Args[1], os.Args[2:]; verb {
	case "demo":
		os.Exit(cli.Demo(prog, args))
	case "pull":
		os.Exit(cli.Pull(prog, args))
	case "images":
		os.Exit(cli.Images(prog, args))
	case "rmi":
		os.Exit(cli.Rmi(prog, args))
	case "prune":
		os.Exit(cli.Prune(prog, args))
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "unboxed: unknown verb %q; the verbs are: run, diff, demo, pull, images, rmi, prune, create, start, state, kill, delete, list, spec (unboxed help)\n", verb)
		os.Exit(2)
	}
}

func usage() {
	fmt.Printf("unboxed: a small container runtime\n\n")
	for _, v := range [][2]string{{cli.RunUsage, cli.RunSummary}, {cli.DiffUsage, cli.DiffSummary}, {cli.DemoUsage, cli.DemoSummary},
		{cli.PullUsage, cli.PullSummary}, {cli.ImagesUsage, cli.ImagesSummary}, {cli.RmiUsage, cli.RmiSummary}, {cli.PruneUsage, cli.PruneSummary}} {
		fmt.Printf("  unboxed %-56s %s\n", v[0], v[1])
	}
	fmt.Printf("\nOCI runtime verbs (runc's; state under --root DIR, before the verb):\n")
	for _, v := range oci.Usage {
		fmt.Printf("  unboxed %-46s %s\n", v[0], v[1])
	}
	fmt.Printf("\nThe workshop: go run ./lessons\n")
}
