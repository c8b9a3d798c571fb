//go:build !unix

package app

import (
	"fmt"
	"os"
	"runtime"
)

// execRuntime says that containers need Linux.
func execRuntime(string, []string) int {
	fmt.Fprintf(os.Stderr, "unboxed run: %s\n", notLinux(runtime.GOOS))
	return 1
}
