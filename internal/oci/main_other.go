//go:build !linux

package oci

import (
	"fmt"
	"os"
	"runtime"
)

// Main says that the OCI verbs need Linux, and returns 125.
func Main(prog, root, verb string, args []string) int {
	fmt.Fprintf(os.Stderr, "%s %s: unboxed needs Linux (GOOS=%s): use the Vagrant VM\n", prog, verb, runtime.GOOS)
	return 125
}
