package app

import (
	"fmt"
	"os"
	"runtime"
)

// testsRunHere is whether this system can run the lessons' tests and
// containers: they need Linux's namespaces, cgroups and overlayfs. On macOS
// and Windows the notes, the hints and the map still work.
var testsRunHere = runtime.GOOS == "linux"

// linuxOnly wraps the verb name, which runs tests or containers, so that on
// a system other than Linux (goos) it says why it cannot and where to go,
// and exits 1 before doing any work.
func linuxOnly(goos, name string, run func(args []string) int) func(args []string) int {
	if goos == "linux" {
		return run
	}
	return func([]string) int {
		fmt.Fprintf(os.Stderr, "unboxed %s: %s\n", name, notLinux(goos))
		return 1
	}
}

// notLinux is what the workshop says on macOS or Windows (goos).
func notLinux(goos string) string {
	return fmt.Sprintf("tests and containers need Linux (GOOS=%s): use the workshop VM (vagrant up && vagrant ssh, then cd unboxed); notes, hint and the map work here", goos)
}
