// Package container is a small, real container runtime: the library that
// the unboxed workshop's lessons build piece by piece.
//
// A container is a process that the kernel shows a different world. The
// runtime makes one in this order:
//
//  1. Start re-executes this binary (/proc/self/exe) as the child
//     "unboxed-init", with clone flags for the namespaces in Config (see
//     Register, Init and Command: Go cannot unshare its own threads safely).
//     The child starts its Go runtime and waits for its spec.
//  2. Meanwhile the parent makes the container's state directory (the
//     overlay's upper and work directories) and its cgroup (NewCgroup),
//     puts the waiting child in the cgroup, and sends the spec over a pipe.
//     With NetBridge it first makes the bridge, binds the published ports
//     and leases an address, and then plugs the waiting child in with a
//     veth pair (SetupVeth).
//  3. Inside its new namespaces the child sets the container up, one stage
//     after another: ConfigureNetwork (lo up; eth0's address and default
//     route), MakePrivate, SetHostname, MountOverlay over the rootfs
//     and layers, volumes, PivotRoot (or Chroot), MountStandard (which
//     calls MountProc), a read-only root on request.
//  4. The child becomes the command with execve(2), or, with Config.Init,
//     stays as PID 1 and runs the command through the process stage
//     (RunProcess), reaping orphans and passing signals on.
//  5. Wait reports the command's exit status the way Docker does
//     (ExitStatus: the command's code, 128+N for signal N, 125, 126, 127),
//     reads the cgroup's Stats, and removes the cgroup and the state. The
//     overlay and every other mount lived in the container's own mount
//     namespace and went with it.
//
// Root filesystems come from BuildRootfs (host programs and the libraries
// they need) or BuildBusyboxRootfs; DefaultRootfs builds one once into the
// user's cache. Changes reads what a container wrote, as docker diff does.
// In a user namespace (rootless) the init mounts /proc, /sys and a /dev of
// bind-mounted host devices before the root moves, as the kernel requires.
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
