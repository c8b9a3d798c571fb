//go:build !linux

package main

import (
	"fmt"
	"os"
)

// runYours says that containers need Linux.
func runYours(prog string, _ []string) int {
	fmt.Fprintf(os.Stderr, "%s run: containers need Linux\n", prog)
	return 125
}
