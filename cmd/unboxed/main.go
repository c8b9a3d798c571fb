// Command unboxed is the runtime on its own: the container verbs of the
// workshop CLI without the notes, so that it starts fast. Every container
// re-executes this binary as its init, and the workshop CLI links a
// Markdown renderer whose package initialisation alone takes about 10 ms.
//
//	go build -o unboxed ./cmd/unboxed
//	sudo ./unboxed run -- /bin/sh
package main

import (
	"fmt"
	"os"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/internal/cli"
)

func main() {
	container.Init()
	const prog = "unboxed"
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch verb, args := os.Args[1], os.Args[2:]; verb {
	case "run":
		os.Exit(cli.Run(prog, args))
	case "diff":
		os.Exit(cli.Diff(prog, args))
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "unboxed: unknown verb %q; the verbs are: run, diff (unboxed help)\n", verb)
		os.Exit(2)
	}
}

func usage() {
	fmt.Printf("unboxed: a small container runtime\n\n  unboxed %-40s %s\n  unboxed %-40s %s\n\nThe workshop: go run ./lessons\n",
		cli.RunUsage, cli.RunSummary, cli.DiffUsage, cli.DiffSummary)
}
