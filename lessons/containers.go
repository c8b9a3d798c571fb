package main

import shared "github.com/unboxed-go/unboxed/internal/cli"

// The verbs that run containers live in internal/cli, shared with the
// runtime binary cmd/unboxed.
func init() {
	verbs["run"] = verb{run: func(args []string) int { return shared.Run("go run ./lessons", args) }, usage: shared.RunUsage, summary: shared.RunSummary}
	verbs["diff"] = verb{run: func(args []string) int { return shared.Diff("go run ./lessons", args) }, usage: shared.DiffUsage, summary: shared.DiffSummary}
}
