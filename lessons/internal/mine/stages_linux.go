package mine

import (
	"io"
	"net"
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
	"github.com/unboxed-go/unboxed/lessons/internal/yourstep"
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
			err = yourstep.Step("RunProcess", func() (err error) {
				code, err = process.Run(args, stdin, stdout, stderr)
				return err
			})
			return code, err
		}
	}
	if has("Command") {
		s.Command = func(name string, args ...string) *exec.Cmd {
			defer yourstep.Repanic("Command")
			return process.ChildCommand(name, args...)
		}
	}
	if has("Chroot") {
		s.Chroot = func(dir string) error { return yourstep.Step("Chroot", func() error { return rootfs.Chroot(dir) }) }
	}
	if has("CloneFlags") {
		s.CloneFlags = func(ns ...container.Namespace) uintptr {
			defer yourstep.Repanic("CloneFlags")
			return namespaces.CloneFlags(ns...)
		}
	}
	if has("SetHostname") {
		s.SetHostname = func(name string) error {
			return yourstep.Step("SetHostname", func() error { return namespaces.SetHostname(name) })
		}
	}
	if has("MountProc") {
		s.MountProc = func() error { return yourstep.Step("MountProc", namespaces.MountProc) }
	}
	if has("Supervise") {
		s.Supervise = yourstep.Supervisor(namespaces.Supervise)
	}
	if has("MakePrivate") {
		s.MakePrivate = func() error { return yourstep.Step("MakePrivate", mounts.MakePrivate) }
	}
	if has("PivotRoot") {
		s.PivotRoot = func(dir string) error {
			return yourstep.Step("PivotRoot", func() error { return mounts.PivotRoot(dir) })
		}
	}
	if has("MountStandard") {
		s.MountStandard = func() error { return yourstep.Step("MountStandard", mounts.MountStandard) }
	}
	if has("MountOverlay") {
		s.MountOverlay = func(lowers []string, upper, work, target string) error {
			return yourstep.Step("MountOverlay", func() error { return overlay.MountOverlay(lowers, upper, work, target) })
		}
	}
	if has("NewCgroup") {
		s.NewCgroup = newCgroup
	}
	if has("SetNoNewPrivs") {
		s.SetNoNewPrivs = func() error { return yourstep.Step("SetNoNewPrivs", privileges.SetNoNewPrivs) }
	}
	if has("DropCapabilities") {
		s.DropCapabilities = func(keep []int) error {
			return yourstep.Step("DropCapabilities", func() error { return privileges.DropCapabilities(keep) })
		}
	}
	if has("LoadSeccomp") {
		s.LoadSeccomp = func(deny []uint32) error {
			return yourstep.Step("LoadSeccomp", func() error { return privileges.LoadSeccomp(deny) })
		}
	}
	if has("SetupVeth") {
		s.SetupVeth = func(hostEnd, bridge string, pid int) error {
			return yourstep.Step("SetupVeth", func() error { return network.SetupVeth(hostEnd, bridge, pid) })
		}
	}
	if has("ConfigureNetwork") {
		s.ConfigureNetwork = func(address *net.IPNet, gateway net.IP) error {
			return yourstep.Step("ConfigureNetwork", func() error { return network.ConfigureNetwork(address, gateway) })
		}
	}
	if has("ApplyLayer") {
		s.ApplyLayer = func(layer io.Reader, dir string) error {
			return yourstep.Step("ApplyLayer", func() error { return images.ApplyLayer(layer, dir) })
		}
	}
	return s
}
