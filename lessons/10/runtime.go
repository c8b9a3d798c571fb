//go:build linux

// Package capstone is lesson 10: your runtime. Lessons 01 to 09 each
// wrote one stage of a container; here you assemble them into a runtime
// of your own: which stage runs on which side of the re-exec, in which
// order, and how a failure at any step leaves the host as it was.
//
// Read the notes first: go run ./lessons notes 10
package capstone

// Run runs a container and returns its exit status: the command's own,
// or 128+N when signal N killed it. When the container cannot start it
// returns an error and the status container.ExitStatusOf gives it (125,
// 126 for a command that is not executable, 127 for one not found), and
// nothing it made is left behind: no cgroup, no directory, no device.
//
// It is the runtime side. Every stage comes from steps() (plumbing.go),
// container.Steps() with a guard: yours where you wrote it, the library's
// elsewhere.
func Run(cfg Config) (int, error) {
	// TODO(lesson 10): the runtime side. Its pieces: NewCgroup (when
	// cfg.Limits is not zero) and its Add and Destroy; makeLayers and
	// os.RemoveAll; the init, Command(initName) with cfg.Stdin,
	// cfg.Stdout and cfg.Stderr, and CloneFlags and Pdeathsig in its
	// SysProcAttr, started by startInit, released by release with its
	// Orders
	// (Lowers is []string{cfg.Rootfs}; Address and Gateway only with a
	// bridge), reaped by wait or kill; SetupVeth (with cfg.Bridge, host
	// end "ub"+id) and removeLink. The order is yours to find: the
	// notes' timeline, and every way out must leave the host clean.
	panic("TODO(lesson 10): write Run in lessons/10/runtime.go")
}

// Init sets the container up from inside its new namespaces and becomes
// the command: it returns only when a step failed. It is the init side.
func Init(o Orders) error {
	// TODO(lesson 10): the init side. Its pieces: ConfigureNetwork
	// (always: lo comes up; o.address() gives eth0's), MakePrivate,
	// SetHostname (only when o.Hostname is not ""), MountOverlay,
	// prepareRoot, PivotRoot, MountStandard, SetNoNewPrivs,
	// DropCapabilities(keep()), LoadSeccomp(deny()), and execCommand
	// last. Each needs something an earlier one gives, or takes away
	// something a later one needs: find the order.
	panic("TODO(lesson 10): write Init in lessons/10/runtime.go")
}
