package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// Container is a started container. Its methods are safe to call from
// several goroutines; Wait does its work once and returns the same result
// to every caller.
type Container struct {
	cmd    *exec.Cmd
	state  *state         // nil without an overlay
	cgroup cgroups.Cgroup // nil without limits
	inside bool           // the init was born in the cgroup: no Add
	// pidsMax is the cgroup's pids.max, open for the init to write the
	// pids limit through (pidsLimitFd) until the init has started; nil
	// when there is none to write. pidsLater says there was.
	pidsMax   *os.File
	pidsLater bool
	ctx       context.Context
	done      chan struct{}
	signal    chan os.Signal // nil unless Config.ForwardSignals
	net       *netState      // nil unless Config.Network is NetBridge

	// mu guards what Wait changes while Usage, Upper and Stats may read
	// it from other goroutines: cgroup, state and stats.
	mu    sync.Mutex
	stats *cgroups.Stats // read after the container ended
	// waited makes Wait's work happen once; later calls get its result.
	waited   sync.Once
	waitCode int
	waitErr  error
}

// Run starts a container, waits for it and returns its exit status: the
// command's own code, or 128+N when signal N killed it. When the container
// cannot be set up or started, the error is an *Error and the code is its
// Code (125, 126 or 127). Cancelling ctx kills the container.
func Run(ctx context.Context, cfg Config) (int, error) {
	c, err := Start(ctx, cfg)
	if err != nil {
		return ExitStatusOf(err), err
	}
	return c.Wait()
}

// Start sets the container up and starts its command. It returns once the
// command runs (its execve(2) succeeded), or with an *Error that says which
// step failed; nothing is left behind then. Cancelling ctx kills the
// container.
func Start(ctx context.Context, cfg Config) (_ *Container, err error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := cfg.checkUserRange(); err != nil {
		return nil, err
	}
	if err := useUserRange(&cfg); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "start", Err: err}
	}
	c := &Container{ctx: ctx, done: make(chan struct{})}
	defer func() {
		if err != nil {
			c.release()
		}
	}()
	if c.cmd, err = initCommand(cfg); err != nil {
		return nil, err
	}
	id := newID()
	// The cgroup comes first, so that the init can be born in it (see
	// cgroup_inside_linux.go): a millisecond or more cheaper than moving it
	// in afterwards.
	if cfg.Cgroup != nil || cfg.Limits != (cgroups.Limits{}) {
		if c.cgroup, c.pidsMax, err = containerCgroup(id, cfg.Cgroup, cfg.Limits); err != nil {
			return nil, asError(err, "cgroup")
		}
	}
	// The bridge, the published ports and an address come before the
	// init: a port in use fails here, before anything runs.
	if c.net, err = prepareNetwork(cfg, id); err != nil {
		return nil, asError(err, "network")
	}
	// The init spends a millisecond or so starting the Go runtime and then
	// waits for the spec: time enough for the state directory made here.
	specW, reportR, err := c.startInit(cfg)
	if err != nil {
		return nil, err
	}
	defer specW.Close()
	defer reportR.Close()
	if cfg.Overlay {
		if c.state, err = newState(stateDir(cfg), cfg.KeepUpper, id, storageInside(cfg)); err != nil {
			return nil, c.abort(asError(err, "state"))
		}
		if cfg.UserRange != (IDRange{}) {
			if err := shiftState(stateDir(cfg), c.state, cfg.UserRange); err != nil {
				return nil, c.abort(&Error{Code: ExitRuntimeError, Op: "state for the user range", Err: err})
			}
		}
	}
	if err = c.net.attach(c.cmd.Process.Pid); err != nil {
		return nil, c.abort(asError(err, "network"))
	}
	if err = c.handshake(cfg, specW, reportR); err != nil {
		return nil, err
	}
	return c, nil
}

// initCommand builds the re-execution of this binary as the container's
// init, in the namespaces of cfg.
func initCommand(cfg Config) (*exec.Cmd, error) {
	s := steps()
	cmd := s.Command(initName)
	if cmd == nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "start", Err: errors.New("Stages.Command returned a nil *exec.Cmd")}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = cfg.Stdin, cfg.Stdout, cfg.Stderr
	// The init reads its spec from a pipe, not the environment. One P: it
	// runs one goroutine that matters, and a Go runtime with fewer Ps
	// starts fewer threads (each a clone(2) and a stack to fault in)
	// before the command runs. The command gets the spec's environment.
	cmd.Env = []string{"GOMAXPROCS=1"}
	flags := s.CloneFlags(cfg.Namespaces...)
	if err := checkCloneFlags(flags, cfg.Namespaces); err != nil {
		return nil, err
	}
	if cfg.NamespacePaths[PID] != "" {
		flags &^= CloneFlags(PID) // born in the one it joins (startInPIDNamespace)
	}
	cmd.SysProcAttr = sysProcAttr(flags, cfg.Namespaces)
	if cfg.Detach {
		cmd.SysProcAttr.Pdeathsig = 0 // it outlives this process
	}
	if cfg.Terminal {
		// setsid(2), then TIOCSCTTY on fd 0: the terminal's own session.
		cmd.SysProcAttr.Setsid, cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, true, 0
	}
	if len(cfg.UIDMappings) > 0 {
		cmd.SysProcAttr.UidMappings = sysProcIDMaps(cfg.UIDMappings)
		cmd.SysProcAttr.GidMappings = sysProcIDMaps(cfg.GIDMappings)
		// Root writes the maps, so setgroups(2) may stay allowed in the
		// namespace (user_namespaces(7), /proc/PID/setgroups): the
		// command's user gets its groups.
		cmd.SysProcAttr.GidMappingsEnableSetgroups = true
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true}
	}
	if r := cfg.UserRange; r != (IDRange{}) {
		// Root of the namespace is the range's first id; the child
		// becomes it once the maps are written, before it execs the init.
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: r.HostUID, Size: r.Size}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: r.HostGID, Size: r.Size}}
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true}
	}
	return cmd, nil
}

// sysProcIDMaps are maps as os/exec writes them for a new user namespace.
func sysProcIDMaps(maps []IDMap) []syscall.SysProcIDMap {
	out := make([]syscall.SysProcIDMap, len(maps))
	for i, m := range maps {
		out[i] = syscall.SysProcIDMap{ContainerID: m.ContainerID, HostID: m.HostID, Size: m.Size}
	}
	return out
}

// startInit starts the init with two pipes: fd 3 carries the spec, parent
// to child; fd 4 the child's report, child to parent. The child marks fd 4
// close-on-exec, so EOF on it means the command's execve succeeded, and
// anything written on it is a failure. The child waits for the spec before
// it does anything, so whatever the parent must do to it from outside
// (place it in a cgroup, when it could not be born there) happens first.
// With a pids limit to write, fd 5 is the cgroup's pids.max.
func (c *Container) startInit(cfg Config) (specW, reportR *os.File, err error) {
	specR, specW, err := os.Pipe()
	if err != nil {
		return nil, nil, &Error{Code: ExitRuntimeError, Op: "pipe", Err: err}
	}
	reportR, reportW, err := os.Pipe()
	if err != nil {
		specR.Close()
		specW.Close()
		return nil, nil, &Error{Code: ExitRuntimeError, Op: "pipe", Err: err}
	}
	c.cmd.ExtraFiles = []*os.File{specR, reportW}
	if c.pidsMax != nil {
		c.cmd.ExtraFiles = append(c.cmd.ExtraFiles, c.pidsMax)
		c.pidsLater = true
	}
	// Catch the signals before the container exists, so that none that
	// arrives while it starts kills the runtime instead.
	if cfg.ForwardSignals {
		c.signal = make(chan os.Signal, 4)
		signal.Notify(c.signal, signalsToForward...)
	}
	err = c.start(cfg)
	specR.Close()
	reportW.Close()
	if c.pidsMax != nil {
		c.pidsMax.Close()
		c.pidsMax = nil
	}
	if err != nil {
		specW.Close()
		reportR.Close()
		return nil, nil, &Error{Code: ExitRuntimeError, Op: "start container init", Path: c.cmd.Path, Err: explainStartError(err, cfg.Namespaces)}
	}
	go c.killOnCancel()
	return specW, reportR, nil
}

// start starts the init: born inside its cgroup when the cgroup can do
// that, else the usual way, to be placed in the cgroup by handshake.
func (c *Container) start(cfg Config) error {
	if path := cfg.NamespacePaths[PID]; path != "" {
		return startInPIDNamespace(c.cmd, path)
	}
	if cg, ok := c.cgroup.(cgroups.StartsInside); ok {
		if cg.StartInside(c.cmd) == nil {
			c.inside = true
			return nil
		}
		// Not on this kernel, or not allowed here: the usual way, then,
		// with a command built afresh (an exec.Cmd is used once).
		fresh, err := initCommand(cfg)
		if err != nil {
			return err
		}
		fresh.ExtraFiles = c.cmd.ExtraFiles
		c.cmd = fresh
	}
	return c.cmd.Start()
}

// handshake places the waiting init in its cgroup (unless it was born
// there), sends it the spec and reads its report: nil once the command
// runs.
func (c *Container) handshake(cfg Config, specW, reportR *os.File) error {
	if c.cgroup != nil && !c.inside {
		if err := c.cgroup.Add(c.cmd.Process.Pid); err != nil {
			return c.abort(asError(err, "join cgroup"))
		}
	}
	sp := newSpec(cfg)
	c.net.fill(&sp)
	if c.pidsLater {
		sp.Pids = strconv.FormatInt(cfg.Limits.Pids, 10)
	}
	// The terminal delivers Ctrl-C and Ctrl-\ to every process of the
	// container itself: neither the runtime nor the init passes them on.
	keys := foregroundTerminal(cfg.Stdin)
	sp.TerminalKeys = keys
	if c.state != nil {
		sp.Lowers = append([]string{cfg.Rootfs}, cfg.Layers...)
		sp.Upper, sp.Work, sp.Merged = c.state.upper, c.state.work, c.state.merged
		sp.Volatile = !c.state.keepUpper
		if c.state.inside {
			sp.Storage, sp.StorageSize = c.state.dir, storageSize(cfg)
		}
	}
	if err := sp.encode(specW); err != nil {
		return c.abort(&Error{Code: ExitRuntimeError, Op: "send spec", Err: err})
	}
	specW.Close()
	read := readReport
	if cfg.Gate != "" {
		read = readGateReport // the command waits at the gate
	}
	if failure := read(reportR); failure != nil {
		return c.abort(failure)
	}
	if cfg.Gate != "" && c.pidsLater {
		if err := c.pidsAtGate(cfg.Limits.Pids); err != nil {
			return c.abort(asError(err, "set pids limit"))
		}
	}
	if c.signal != nil {
		go c.forwardSignals(keys)
	}
	c.net.serve()
	return nil
}

func stateDir(cfg Config) string {
	if cfg.StateDir != "" {
		return cfg.StateDir
	}
	return DefaultStateDir()
}

// release gives back what the container held on the host. The overlay's
// mount lived in the container's mount namespace and went with it; its
// directories are removed here. Safe to call more than once.
func (c *Container) release() {
	if c.signal != nil {
		signal.Stop(c.signal)
	}
	if c.pidsMax != nil {
		c.pidsMax.Close()
		c.pidsMax = nil
	}
	if c.cgroup != nil {
		_ = c.cgroup.Destroy()
		c.cgroup = nil
	}
	if c.state != nil {
		_ = c.state.remove()
		c.state = nil
	}
	c.net.release()
}

// asError keeps an *Error as it is and wraps anything else as one.
func asError(err error, op string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: ExitRuntimeError, Op: op, Err: err}
}

// Pid is the container's first process as the host sees it.
func (c *Container) Pid() int { return c.cmd.Process.Pid }

// Signal sends sig to the container's first process. Note that PID 1 of a
// PID namespace only receives the signals it has a handler for (SIGKILL
// aside): use Config.Init for commands that do not handle SIGTERM.
func (c *Container) Signal(sig os.Signal) error { return c.cmd.Process.Signal(sig) }

// abort kills a container that failed to start and reaps it; Start then
// releases what it held.
func (c *Container) abort(err *Error) *Error {
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
	close(c.done)
	return err
}

func (c *Container) killOnCancel() {
	select {
	case <-c.ctx.Done():
		_ = c.cmd.Process.Kill()
	case <-c.done:
	}
}

// readReport reads the child's report pipe to EOF: nothing means the
// command started; otherwise it is the child's failure.
func readReport(r io.Reader) *Error {
	data, err := io.ReadAll(r)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "read init report", Err: err}
	}
	if len(data) == 0 {
		return nil
	}
	var f failure
	if err := json.Unmarshal(data, &f); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "read init report", Err: fmt.Errorf("%w: %q", err, data)}
	}
	return f.error()
}

func sysProcAttr(cloneFlags uintptr, namespaces []Namespace) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{
		Cloneflags: cloneFlags,
		// If the runtime dies, its container dies with it.
		Pdeathsig: syscall.SIGKILL,
	}
	for _, ns := range namespaces {
		if ns == User {
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		}
	}
	return attr
}

// checkCloneFlags refuses flags (from a lesson's CloneFlags, say) that
// leave out the mount or UTS namespace the config asks for: the init would
// then make the host's mounts private, pivot the host's root, or rename
// the host.
func checkCloneFlags(flags uintptr, namespaces []Namespace) error {
	for _, ns := range []Namespace{Mount, UTS, User} {
		want := CloneFlags(ns)
		if hasNamespace(namespaces, ns) && flags&want == 0 {
			return &Error{Code: ExitRuntimeError, Op: "clone flags", Err: fmt.Errorf("%#x leaves out the %s namespace (%#x) that the config asks for; refusing to change the host's", flags, ns, want)}
		}
	}
	return nil
}

// explainStartError turns the bare EPERM of clone(2) into what to do.
func explainStartError(err error, namespaces []Namespace) error {
	if errors.Is(err, syscall.EPERM) && len(namespaces) > 0 {
		return fmt.Errorf("%w: creating namespaces needs root: run with sudo, or see go run ./lessons doctor", err)
	}
	return err
}
