//go:build !linux

package app

import (
	"fmt"
	"runtime"
)

// checkKernel reports the one thing missing on macOS and Windows: Linux.
// The notes, hints and the map work here; containers need the VM.
func checkKernel(doctorEnv) []finding {
	return []finding{{
		status: statusMissing,
		name:   "kernel",
		detail: fmt.Sprintf("GOOS=%s: containers need a Linux kernel (namespaces, cgroups, overlayfs); notes, hint and the map work here", runtime.GOOS),
		fix:    "use the workshop VM: vagrant up && vagrant ssh, then cd unboxed && go run ./lessons doctor",
	}}
}

// The kernel-facing checks have nothing to probe without Linux.
func checkNamespaces(doctorEnv) []finding { return nil }
func checkCgroups(doctorEnv) []finding    { return nil }
func checkOverlay(doctorEnv) []finding    { return nil }
func checkPivotRoot(doctorEnv) []finding  { return nil }
