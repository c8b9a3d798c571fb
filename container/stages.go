package container

import (
	"io"
	"net"
	"os"
	"os/exec"
	"sync"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// Stages are the steps the runtime is built from, one field per lesson
// exercise. The runtime calls the step through this table, so a lesson's test
// binary can put the learner's function in place of the library's and watch
// it work inside a real container, with the library's steps everywhere else.
//
// A nil field means the library's own step. The parent (the runtime) and the
// child (the container's init) are the same binary, so Use must run in both:
// call it in main or TestMain before Init.
type Stages struct {
	// RunProcess runs a program and reports its exit status (lesson 01).
	// The container's init does not call it: the init's own wait4(-1)
	// loop must be the only waiter for the command (see doc.go).
	RunProcess func(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error)
	// Command builds the re-exec of this binary as a named child (lesson 01).
	// The runtime starts every container's init through it.
	Command func(name string, args ...string) *exec.Cmd
	// Chroot changes the root directory (lesson 02). Used with
	// Config.NoPivot.
	Chroot func(dir string) error
	// CloneFlags turns namespaces into clone(2) flags (lesson 03).
	CloneFlags func(namespaces ...Namespace) uintptr
	// SetHostname names the UTS namespace (lesson 03).
	SetHostname func(name string) error
	// MountProc mounts /proc for the PID namespace (lesson 03). Used
	// without a rootfs, and by the library's MountStandard.
	MountProc func() error
	// Supervise is the init's PID 1 loop once the command runs, with
	// Config.Init (lesson 03): it forwards what arrives on sigs to the
	// namespace, reaps every child, and returns the command's status.
	Supervise func(command int, sigs <-chan os.Signal, terminalKeys bool) int
	// MakePrivate stops mount propagation to the host (lesson 04).
	MakePrivate func() error
	// PivotRoot moves the root to the container's rootfs (lesson 04).
	PivotRoot func(newRoot string) error
	// MountStandard mounts /proc, /sys, /dev and masks (lesson 04).
	MountStandard func() error
	// MountOverlay stacks the layers under a writable upper (lesson 06).
	MountOverlay func(lowers []string, upper, work, target string) error
	// NewCgroup makes the container's cgroup with its limits (lesson 05).
	NewCgroup func(id string, limits cgroups.Limits) (cgroups.Cgroup, error)
	// SetNoNewPrivs sets no_new_privs (lesson 08).
	SetNoNewPrivs func() error
	// DropCapabilities limits the bounding, permitted and effective sets
	// to keep (lesson 08).
	DropCapabilities func(keep []int) error
	// LoadSeccomp loads a filter that fails the calls numbered deny with
	// EPERM (lesson 08). In its place the runtime hands it the default
	// deny list's numbers with mknod and mknodat; the library's own
	// filter instead refuses only device nodes, refuses clone with
	// namespace flags, and makes clone3 fail with ENOSYS.
	LoadSeccomp func(deny []uint32) error
	// SetupVeth plugs the container into the bridge, from the host's side
	// (lesson 07): a veth pair, the host end on the bridge, the other end
	// in the network namespace of pid as eth0. Used with NetBridge.
	SetupVeth func(hostEnd, bridge string, pid int) error
	// ConfigureNetwork sets the container's network up from inside
	// (lesson 07): lo up and, with an address, eth0 and a default route.
	// The init calls it in every new network namespace.
	ConfigureNetwork func(address *net.IPNet, gateway net.IP) error
	// ApplyLayer unpacks one image layer's tar into a directory (lesson
	// 09). ImageStore.Pull uses it for every layer it unpacks.
	ApplyLayer func(layer io.Reader, dir string) error
}

var (
	stagesMu sync.RWMutex
	override Stages
)

// Use replaces the library's steps with the non-nil fields of s, for every
// container this process starts from now on. Use(Stages{}) restores the
// library's own steps.
func Use(s Stages) {
	stagesMu.Lock()
	defer stagesMu.Unlock()
	override = s
}

// overrideLoadSeccomp is a lesson's LoadSeccomp, or nil for the library's
// own filter.
func overrideLoadSeccomp() func([]uint32) error {
	stagesMu.RLock()
	defer stagesMu.RUnlock()
	return override.LoadSeccomp
}

// steps returns the table in force: the overrides, with the library's own
// steps filled in where there is none.
func steps() Stages {
	stagesMu.RLock()
	s := override
	stagesMu.RUnlock()
	if s.RunProcess == nil {
		s.RunProcess = RunProcess
	}
	if s.Command == nil {
		s.Command = Command
	}
	if s.Chroot == nil {
		s.Chroot = Chroot
	}
	if s.CloneFlags == nil {
		s.CloneFlags = CloneFlags
	}
	if s.SetHostname == nil {
		s.SetHostname = SetHostname
	}
	if s.MountProc == nil {
		s.MountProc = MountProc
	}
	if s.Supervise == nil {
		s.Supervise = Supervise
	}
	if s.MakePrivate == nil {
		s.MakePrivate = MakePrivate
	}
	if s.PivotRoot == nil {
		s.PivotRoot = PivotRoot
	}
	if s.MountStandard == nil {
		s.MountStandard = MountStandard
	}
	if s.MountOverlay == nil {
		s.MountOverlay = MountOverlay
	}
	if s.NewCgroup == nil {
		s.NewCgroup = cgroups.New
	}
	if s.SetNoNewPrivs == nil {
		s.SetNoNewPrivs = SetNoNewPrivs
	}
	if s.DropCapabilities == nil {
		s.DropCapabilities = DropCapabilities
	}
	if s.SetupVeth == nil {
		s.SetupVeth = SetupVeth
	}
	if s.ConfigureNetwork == nil {
		s.ConfigureNetwork = ConfigureNetwork
	}
	if s.ApplyLayer == nil {
		s.ApplyLayer = ApplyLayer
	}
	return s
}
