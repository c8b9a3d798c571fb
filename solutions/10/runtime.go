//go:build linux

// Package capstone is lesson 10: your runtime. Lessons 01 to 09 each
// wrote one stage of a container; here you assemble them into a runtime
// of your own: which stage runs on which side of the re-exec, in which
// order, and how a failure at any step leaves the host as it was.
//
// Read the notes first: go run ./lessons notes 10
package capstone

import (
	"errors"
	"os"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

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
	s := steps()
	id := containerID(cfg)
	// The cgroup comes first: the init must be in it before it runs.
	var cg cgroups.Cgroup
	if cfg.Limits != (cgroups.Limits{}) {
		var err error
		if cg, err = s.NewCgroup(id, cfg.Limits); err != nil {
			return failed(err)
		}
		// Deferred calls run last in, first out: this one last of all,
		// after the init has been reaped and the cgroup is empty.
		defer cg.Destroy()
	}
	l, err := makeLayers(cfg.StateDir, id)
	if err != nil {
		return failed(err)
	}
	defer os.RemoveAll(l.dir)
	return start(s, cfg, id, l, cg)
}

// failed is the status and error of a container that did not start.
func failed(err error) (int, error) { return container.ExitStatusOf(err), err }

// start starts the init, puts it in its cgroup and its network, releases
// it and waits. The caller removes the cgroup and the layers afterwards.
func start(s container.Stages, cfg Config, id string, l layers, cg cgroups.Cgroup) (int, error) {
	cmd := s.Command(initName)
	if cmd == nil {
		return failed(errors.New("the Command stage returned no command"))
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = cfg.Stdin, cfg.Stdout, cfg.Stderr
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: s.CloneFlags(namespaces...),
		Pdeathsig:  syscall.SIGKILL, // if the runtime dies, so does the init
	}
	p, err := startInit(cmd)
	if err != nil {
		return failed(err)
	}
	if cg != nil {
		if err := cg.Add(p.pid()); err != nil {
			p.kill()
			return failed(err)
		}
	}
	o := Orders{
		Args: cfg.Args, Hostname: cfg.Hostname,
		Lowers: []string{cfg.Rootfs}, Upper: l.upper, Work: l.work, Merged: l.merged,
	}
	if cfg.Bridge != "" {
		hostEnd := "ub" + id // at most 15 bytes
		// Deferred before SetupVeth: a half-made pair goes too.
		defer removeLink(hostEnd)
		if err := s.SetupVeth(hostEnd, cfg.Bridge, p.pid()); err != nil {
			p.kill()
			return failed(err)
		}
		o.Address, o.Gateway = cfg.Address, cfg.Gateway
	}
	if err := p.release(o); err != nil {
		p.kill()
		return failed(err)
	}
	return p.wait(), nil
}

// Init sets the container up from inside its new namespaces and becomes
// the command: it returns only when a step failed. It is the init side.
func Init(o Orders) error {
	s := steps()
	// The network first, while the init still has CAP_NET_ADMIN: lo up,
	// and eth0 (moved in by the runtime before release) configured.
	address, gateway, err := o.address()
	if err != nil {
		return err
	}
	if err := s.ConfigureNetwork(address, gateway); err != nil {
		return err
	}
	// Before any mount: nothing mounted from here on reaches the host.
	if err := s.MakePrivate(); err != nil {
		return err
	}
	if o.Hostname != "" {
		if err := s.SetHostname(o.Hostname); err != nil {
			return err
		}
	}
	if err := s.MountOverlay(o.Lowers, o.Upper, o.Work, o.Merged); err != nil {
		return err
	}
	if err := prepareRoot(o.Merged); err != nil {
		return err
	}
	if err := s.PivotRoot(o.Merged); err != nil {
		return err
	}
	if err := s.MountStandard(); err != nil {
		return err
	}
	// The walls, in runc's order: no_new_privs, the capability drop, and
	// the seccomp filter last (it refuses mount, so every mount is done).
	if err := s.SetNoNewPrivs(); err != nil {
		return err
	}
	if err := s.DropCapabilities(keep()); err != nil {
		return err
	}
	if err := s.LoadSeccomp(deny()); err != nil {
		return err
	}
	return execCommand(o.Args, o.Hostname)
}
