package mine

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"

	"github.com/unboxed-go/unboxed/container"
	process "github.com/unboxed-go/unboxed/lessons/01"
	rootfs "github.com/unboxed-go/unboxed/lessons/02"
	namespaces "github.com/unboxed-go/unboxed/lessons/03"
	mounts "github.com/unboxed-go/unboxed/lessons/04"
	overlay "github.com/unboxed-go/unboxed/lessons/06"
	network "github.com/unboxed-go/unboxed/lessons/07"
	privileges "github.com/unboxed-go/unboxed/lessons/08"
	images "github.com/unboxed-go/unboxed/lessons/09"
)

// Stages returns the learner's functions for the stages named in yours
// (container.Stages' field names, as Written returns them), and nil, the
// library's own step, for every other field. Each of the learner's steps
// is wrapped so that its error, or its panic, names it: "your PivotRoot:
// ...". Unknown names are ignored.
func Stages(yours []string) container.Stages {
	var s container.Stages
	has := func(name string) bool { return slices.Contains(yours, name) }
	if has("RunProcess") {
		s.RunProcess = func(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int, err error) {
			err = step("RunProcess", func() (err error) {
				code, err = process.Run(args, stdin, stdout, stderr)
				return err
			})
			return code, err
		}
	}
	if has("Command") {
		s.Command = func(name string, args ...string) *exec.Cmd {
			defer repanic("Command")
			return process.ChildCommand(name, args...)
		}
	}
	if has("Chroot") {
		s.Chroot = func(dir string) error { return step("Chroot", func() error { return rootfs.Chroot(dir) }) }
	}
	if has("CloneFlags") {
		s.CloneFlags = func(ns ...container.Namespace) uintptr {
			defer repanic("CloneFlags")
			return namespaces.CloneFlags(ns...)
		}
	}
	if has("SetHostname") {
		s.SetHostname = func(name string) error {
			return step("SetHostname", func() error { return namespaces.SetHostname(name) })
		}
	}
	if has("MountProc") {
		s.MountProc = func() error { return step("MountProc", namespaces.MountProc) }
	}
	if has("Supervise") {
		s.Supervise = supervisor(namespaces.Supervise)
	}
	if has("MakePrivate") {
		s.MakePrivate = func() error { return step("MakePrivate", mounts.MakePrivate) }
	}
	if has("PivotRoot") {
		s.PivotRoot = func(dir string) error { return step("PivotRoot", func() error { return mounts.PivotRoot(dir) }) }
	}
	if has("MountStandard") {
		s.MountStandard = func() error { return step("MountStandard", mounts.MountStandard) }
	}
	if has("MountOverlay") {
		s.MountOverlay = func(lowers []string, upper, work, target string) error {
			return step("MountOverlay", func() error { return overlay.MountOverlay(lowers, upper, work, target) })
		}
	}
	if has("NewCgroup") {
		s.NewCgroup = newCgroup
	}
	if has("SetNoNewPrivs") {
		s.SetNoNewPrivs = func() error { return step("SetNoNewPrivs", privileges.SetNoNewPrivs) }
	}
	if has("DropCapabilities") {
		s.DropCapabilities = func(keep []int) error {
			return step("DropCapabilities", func() error { return privileges.DropCapabilities(keep) })
		}
	}
	if has("LoadSeccomp") {
		s.LoadSeccomp = func(deny []uint32) error {
			return step("LoadSeccomp", func() error { return privileges.LoadSeccomp(deny) })
		}
	}
	if has("SetupVeth") {
		s.SetupVeth = func(hostEnd, bridge string, pid int) error {
			return step("SetupVeth", func() error { return network.SetupVeth(hostEnd, bridge, pid) })
		}
	}
	if has("ConfigureNetwork") {
		s.ConfigureNetwork = func(address *net.IPNet, gateway net.IP) error {
			return step("ConfigureNetwork", func() error { return network.ConfigureNetwork(address, gateway) })
		}
	}
	if has("ApplyLayer") {
		s.ApplyLayer = func(layer io.Reader, dir string) error {
			return step("ApplyLayer", func() error { return images.ApplyLayer(layer, dir) })
		}
	}
	return s
}

// step runs one of the learner's steps and names it in its error or
// panic.
func step(name string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("your %s panicked: %v", name, p)
		}
	}()
	if err := f(); err != nil {
		return fmt.Errorf("your %s: %w", name, err)
	}
	return nil
}

// repanic names the step in the panic of a step that returns no error.
func repanic(name string) {
	if p := recover(); p != nil {
		panic(fmt.Sprintf("your %s panicked: %v", name, p))
	}
}

// supervisor wraps the learner's Supervise, which runs in the init once
// the command runs, where no error reaches the runtime: a panic is said
// on the container's stderr and the init exits with 125.
func supervisor(f func(int, <-chan os.Signal, bool) int) func(int, <-chan os.Signal, bool) int {
	return func(command int, sigs <-chan os.Signal, terminalKeys bool) (code int) {
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(os.Stderr, "your Supervise panicked: %v\n", p)
				code = container.ExitRuntimeError
			}
		}()
		return f(command, sigs, terminalKeys)
	}
}
