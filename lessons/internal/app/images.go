package app

import (
	"runtime"

	shared "github.com/unboxed-go/unboxed/internal/cli"
)

// The image verbs (lesson 09) live in internal/cli, shared with the
// runtime binary cmd/unboxed.
func init() {
	const prog = "go run ./lessons"
	verbs["pull"] = verb{run: linuxOnly(runtime.GOOS, "pull", func(args []string) int { return shared.Pull(prog, args) }), usage: shared.PullUsage, summary: shared.PullSummary}
	verbs["images"] = verb{run: linuxOnly(runtime.GOOS, "images", func(args []string) int { return shared.Images(prog, args) }), usage: shared.ImagesUsage, summary: shared.ImagesSummary}
	verbs["rmi"] = verb{run: linuxOnly(runtime.GOOS, "rmi", func(args []string) int { return shared.Rmi(prog, args) }), usage: shared.RmiUsage, summary: shared.RmiSummary}
	verbs["prune"] = verb{run: linuxOnly(runtime.GOOS, "prune", func(args []string) int { return shared.Prune(prog, args) }), usage: shared.PruneUsage, summary: shared.PruneSummary}
}
