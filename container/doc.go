// Package container is a small, real container runtime: the library that
// the unboxed workshop's lessons build piece by piece.
//
// A container is a process that the kernel shows a different world. The
// runtime makes one in this order:
//
//  1. Start re-executes this binary (/proc/self/exe) as the child
//     "unboxed-init", with clone flags for the namespaces in Config (see
//     Register, Init and Command: Go cannot unshare its own threads safely).
//  2. The parent sends the child a spec over a pipe; the child sets the
//     container up inside its new namespaces.
//  3. The child becomes the command with execve(2), or, with Config.Init,
//     stays as PID 1 and runs the command through the process stage
//     (RunProcess), reaping orphans and passing signals on.
//  4. Wait reports the command's exit status the way Docker does
//     (ExitStatus: the command's code, 128+N for signal N, 125, 126, 127).
//
// Each step is a stage with one home in this package, and each lesson asks
// the learner to write one stage's core function with the same signature.
// Use puts the learner's functions in place of the library's (Stages), so
// a real container runs on their code; call Init first thing in main and
// in TestMain so the re-executed child finds its function.
//
// Linux only: on other systems the package compiles, and Start says to use
// the workshop's Vagrant VM.
package container
