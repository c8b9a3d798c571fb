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
//  2. Before that, the parent makes the container's cgroup (NewCgroup), so
//     the child is born in it; meanwhile it makes the state directory (the
//     mount point of its storage; with KeepUpper or rootless, the
//     overlay's upper and work directories), puts the child in the cgroup
//     if it could not be born there, and sends the spec over a pipe.
//     With NetBridge it first makes the bridge, binds the published ports
//     and leases an address, and then plugs the waiting child in with a
//     veth pair (SetupVeth).
//  3. Inside its new namespaces the child sets the container up, one stage
//     after another: ConfigureNetwork (lo up; eth0's address and default
//     route), MakePrivate, SetHostname, a size-capped tmpfs for the
//     container's writes (Config.StorageSize), MountOverlay over the
//     rootfs and layers, volumes, PivotRoot (or Chroot), MountStandard (which
//     calls MountProc), a read-only root on request.
//  4. The security stage (Security, Config.User): no_new_privs, the
//     capability drop to Docker's 14 (SetNoNewPrivs, DropCapabilities),
//     the user, and a seccomp filter last (LoadSeccomp), on the init's
//     locked thread. Then the child becomes the command with execve(2),
//     or, with Config.Init, stays as PID 1: it starts the command, passes
//     signals on (but not the ones a shared terminal delivers itself),
//     and reaps every child with one wait4(-1) loop that keeps the
//     command's status when the reaped PID is the command's (Supervise,
//     as tini does). That init starts the command itself rather than
//     through the process stage (RunProcess, lesson 01), which waits for
//     its child on its own: two waiters on one zombie, and the init's
//     loop could steal the command's status; lesson 01's RunProcess is
//     the same program run outside a container.
//  5. Wait reports the command's exit status the way Docker does
//     (ExitStatus: the command's code, 128+N for signal N, 125, 126, 127),
//     reads the cgroup's Stats, and removes the cgroup and the state. The
//     overlay and every other mount lived in the container's own mount
//     namespace and went with it.
//
// An OCI bundle (internal/oci) asks for more than Docker's flags do:
// Config.Extras. The init joins its namespace paths first (net, IPC,
// UTS), its mounts replace MountStandard, its sysctls, rlimits and
// oom_score_adj are set before the stages run, its five capability
// sets after the drop, and with a Gate the init stops, set up, before
// its seccomp filter and execve(2) until another process opens the gate
// (unboxed start); Start returns while it waits there.
//
// Root filesystems come from BuildRootfs (host programs and the libraries
// they need) or BuildBusyboxRootfs; DefaultRootfs builds one once into the
// user's cache. Changes reads what a container wrote, as docker diff does.
// Images come through an ImageStore (OpenImageStore): Pull reads an OCI
// layout, an archive or a registry, checks every digest and unpacks each
// layer once (ApplyLayer); Image.Apply makes the layers an overlay's
// lowers, without a copy, and the image's config the command.
// In a user namespace (rootless) the init mounts /proc, /sys and a /dev of
// bind-mounted host devices before the root moves, as the kernel requires.
//
// Each step is a stage with one home in this package, and each lesson asks
// the learner to write one stage's core function with the same signature.
// Use puts the learner's functions in place of the library's (Stages), so
// a real container runs on their code; call Init first thing in main and
// in TestMain so the re-executed child finds its function. Each stage runs
// on one side of the re-exec:
//
//	stage             lesson  file                     side
//	RunProcess        01      process_linux.go         (lesson 01 alone: the init reaps itself)
//	Command           01      reexec_linux.go          runtime
//	Chroot            02      mounts_linux.go          init (Config.NoPivot)
//	CloneFlags        03      namespace_linux.go       runtime
//	SetHostname       03      hostname_linux.go        init
//	MountProc         03      hostname_linux.go        init
//	Supervise         03      reap_linux.go            init (Config.Init: PID 1 once the command runs)
//	MakePrivate       04      mounts_linux.go          init
//	PivotRoot         04      mounts_linux.go          init
//	MountStandard     04      devices_linux.go         init
//	NewCgroup         05      package cgroups          runtime (the init writes a pids limit last)
//	MountOverlay      06      overlay_linux.go         init (the runtime makes its directories)
//	SetupVeth         07      network_bridge_linux.go  runtime (after the bridge and a lease)
//	ConfigureNetwork  07      network_bridge_linux.go  init (lo, eth0, the default route)
//	SetNoNewPrivs     08      security_linux.go        init, near the end
//	DropCapabilities  08      security_linux.go        init, near the end
//	LoadSeccomp       08      seccomp_linux.go         init, last before execve (a lesson's filter)
//	ApplyLayer        09      image_unpack_linux.go    runtime (ImageStore.Pull, once per layer)
//
// Lesson 10 assembles a runtime of its own from the same table (Steps),
// with DefaultKeep, DefaultDeny and PrepareRootless for the arguments and
// the rootless preparation that the library's init works out itself.
//
// The cgroups stage is the one big enough for a package of its own,
// container/cgroups: v1 and v2 share its tree, kill and rmdir code. The
// runtime makes the container's cgroup before it starts the init, so the
// init is born inside it where the cgroup can do that
// (cgroups.StartsInside), and the cgroup view of the container is mounted
// by the init (cgroupns_linux.go). A caller that picks the cgroup's path
// itself (an OCI bundle's linux.cgroupsPath) places it with cgroups.Place
// and hands the placement over in Config.Cgroup: that cgroup is not a
// stage, and it outlives a container that detaches.
//
// Linux only: on other systems the package compiles, and Start says to use
// the workshop's Vagrant VM.
package container
