//go:build linux

package capstone

//lint:file-ignore U1000 the stub of runtime.go calls none of these yet; Run and Init, written, call them all

// The plumbing between the two sides of your runtime. You call these from
// runtime.go; you need not change them. The init is this binary run again
// (by the Command stage) in new namespaces: it waits on a pipe for its
// orders (fd 3), and tells the runtime on a second pipe (fd 4) what went
// wrong, if anything. That pipe closes on execve(2), so reading it to the
// end with nothing in it means the command runs.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Config is a container for Run: what to run, on which root, with which
// limits and network.
type Config struct {
	// Args is the command and its arguments; Args[0] is looked up in the
	// container's PATH.
	Args []string
	// Rootfs is the root filesystem, the overlay's read-only lower layer:
	// the container never writes to it.
	Rootfs string
	// Hostname is the container's; "" keeps the one it was born with (a
	// copy of the host's, in its own UTS namespace).
	Hostname string
	// StateDir holds the container's layers while it runs (makeLayers):
	// its writes land in an upper directory there, gone once it ends.
	StateDir string
	// Limits for the container's cgroup; the zero value makes no cgroup.
	Limits cgroups.Limits
	// Bridge, when not "", is an existing bridge on the host that the
	// container joins through a veth pair, with Address (CIDR, e.g.
	// "10.99.0.2/24") on its eth0 and a default route via Gateway.
	Bridge, Address, Gateway string
	// ID names the container: its cgroup, its directory in StateDir and
	// its veth ("ub"+ID) are named after it. At most 13 letters and
	// digits; "" picks 12 random hex digits (containerID).
	ID string
	// Stdin, Stdout and Stderr are the command's; a nil Stdin reads
	// nothing (/dev/null), a nil Stdout or Stderr discards.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// namespaces are the container's: every one of container.AllNamespaces
// (UTS, PID, mount, IPC, network).
var namespaces = container.AllNamespaces

// initName is the name the init registers under: Run starts it with the
// Command stage, as Command(initName).
const initName = "unboxed-lesson10-init"

func init() { container.Register(initName, initMain) }

// Orders is what the runtime sends the init once it may start: the
// command and everything the init side needs to set the container up.
type Orders struct {
	Args     []string
	Hostname string
	// Lowers, Upper, Work and Merged are MountOverlay's arguments; Merged
	// becomes the root.
	Lowers              []string
	Upper, Work, Merged string
	// Address (CIDR, "10.0.0.2/24") and Gateway are eth0's; "" without a
	// network of its own.
	Address, Gateway string
}

// address parses the orders' eth0 address and gateway; nil, nil when
// there are none.
func (o Orders) address() (*net.IPNet, net.IP, error) {
	if o.Address == "" {
		return nil, nil, nil
	}
	ip, ipnet, err := net.ParseCIDR(o.Address)
	if err != nil {
		return nil, nil, err
	}
	ipnet.IP = ip
	return ipnet, net.ParseIP(o.Gateway), nil
}

// containerID returns the container's id: cfg.ID, or 12 random hex
// digits.
func containerID(cfg Config) string {
	if cfg.ID != "" {
		return cfg.ID
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// layers are a container's directories on the host, all under dir:
// the overlay's upper (its writes) and work directories, and merged,
// where the init mounts the overlay and which becomes its root.
type layers struct {
	dir, upper, work, merged string
}

// makeLayers makes the directories of container id under stateDir.
// Remove them with os.RemoveAll(l.dir) once the container is gone.
func makeLayers(stateDir, id string) (layers, error) {
	dir := filepath.Join(stateDir, id)
	l := layers{dir: dir, upper: filepath.Join(dir, "upper"), work: filepath.Join(dir, "work"), merged: filepath.Join(dir, "merged")}
	for _, d := range []string{l.upper, l.work, l.merged} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			_ = os.RemoveAll(dir)
			return layers{}, err
		}
	}
	return l, nil
}

// overlayEnv is mine.OverlayEnv: the go build -overlay file through which
// the tests read which stages are yours (CI, with every solution).
const overlayEnv = "UNBOXED_OVERLAY"

// initProcess is the init as the runtime holds it: started, and waiting
// for its orders.
type initProcess struct {
	cmd     *exec.Cmd
	orders  *os.File // write end: the init reads its orders from fd 3
	reports *os.File // read end: the init's failure, or EOF at execve
}

// needed are the namespaces without which the init would change the
// host's: its hostname, its mount table, its network.
const needed = unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWPID | unix.CLONE_NEWIPC | unix.CLONE_NEWNET

// startInit starts cmd, the init, with the two pipes. The init does
// nothing until release sends its orders. It refuses an init whose clone
// flags leave out a namespace of container.AllNamespaces: its steps would
// then rename, remount or rewire the host itself.
func startInit(cmd *exec.Cmd) (*initProcess, error) {
	if cmd.SysProcAttr == nil || cmd.SysProcAttr.Cloneflags&needed != needed {
		var flags uintptr
		if cmd.SysProcAttr != nil {
			flags = cmd.SysProcAttr.Cloneflags
		}
		return nil, fmt.Errorf("the init's clone flags %#x leave out namespaces of %#x (CloneFlags(namespaces...) in its SysProcAttr): refusing to start it, its steps would change the host", flags, needed)
	}
	ordersR, ordersW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	reportsR, reportsW, err := os.Pipe()
	if err != nil {
		ordersR.Close()
		ordersW.Close()
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{ordersR, reportsW}
	if v := os.Getenv(overlayEnv); v != "" && cmd.Env != nil {
		// The init must plug in the same stages as the runtime: they
		// are chosen from the lessons as this overlay shows them.
		cmd.Env = append(cmd.Env, overlayEnv+"="+v)
	}
	err = cmd.Start()
	ordersR.Close()
	reportsW.Close()
	if err != nil {
		ordersW.Close()
		reportsR.Close()
		return nil, fmt.Errorf("start the init: %w", err)
	}
	return &initProcess{cmd: cmd, orders: ordersW, reports: reportsR}, nil
}

// pid is the init's PID, as the host sees it.
func (p *initProcess) pid() int { return p.cmd.Process.Pid }

// release sends the init its orders: from here on it sets the container
// up and becomes the command. It then returns nil once the command runs
// (its execve succeeded), or the init's failure, an error whose
// container.ExitStatusOf is 125, 126 or 127. After an error, call kill.
func (p *initProcess) release(o Orders) error {
	err := json.NewEncoder(p.orders).Encode(o)
	p.orders.Close()
	if err != nil {
		return fmt.Errorf("send the init its orders: %w", err)
	}
	data, err := io.ReadAll(p.reports)
	p.reports.Close()
	if err != nil {
		return fmt.Errorf("read the init's report: %w", err)
	}
	if len(data) == 0 {
		return nil
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("read the init's report %q: %w", data, err)
	}
	return &container.Error{Code: r.Code, Op: "init", Err: errors.New(r.Message)}
}

// wait waits for the command to end and returns its exit status: its own
// code, or 128+N when signal N killed it.
func (p *initProcess) wait() int {
	_ = p.cmd.Wait()
	return container.ExitStatus(p.cmd.ProcessState)
}

// kill kills an init that failed, or must not go on, and reaps it.
func (p *initProcess) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.orders.Close()
	p.reports.Close()
}

// removeLink deletes the network device name, if it is there: the host's
// end of a veth pair takes the container's end with it.
func removeLink(name string) {
	if link, err := netlink.LinkByName(name); err == nil {
		_ = netlink.LinkDel(link)
	}
}

// report is the init's failure, sent on fd 4.
type report struct {
	Code    int
	Message string
}

// initMain is the init: it reads its orders, runs your Init on the
// thread it keeps (capabilities and no_new_privs belong to a thread), and
// reports Init's error. Init returns only when it failed.
func initMain() {
	runtime.LockOSThread()
	unix.CloseOnExec(3)
	unix.CloseOnExec(4)
	reports := os.NewFile(4, "reports")
	var o Orders
	err := json.NewDecoder(os.NewFile(3, "orders")).Decode(&o)
	if err == nil {
		err = guardInit(o)
	}
	code := container.ExitStatusOf(err)
	if code == 0 {
		code = container.ExitRuntimeError
	}
	_ = json.NewEncoder(reports).Encode(report{Code: code, Message: err.Error()})
	os.Exit(code)
}

// guardInit runs your Init and turns its panic into an error.
func guardInit(o Orders) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("your Init panicked: %v", p)
		}
	}()
	if err := Init(o); err != nil {
		return err
	}
	return errors.New("your Init returned nil: it must end in execCommand, which does not return when the command starts")
}

// execCommand becomes the command (execve(2)): it returns only when that
// failed, with an error that says 127 (not found) or 126 (not
// executable). The command gets a plain environment.
func execCommand(args []string, hostname string) error {
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "HOSTNAME=" + hostname}
	os.Clearenv()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	path, err := exec.LookPath(args[0])
	if err != nil {
		return execError(args[0], err)
	}
	return execError(path, syscall.Exec(path, args, env))
}

// execError is a failed execve(2) with Docker's status for it; nil when
// err is nil.
func execError(path string, err error) error {
	if err == nil {
		return nil
	}
	return &container.Error{Code: container.StartFailureCode(err), Op: "exec", Path: path, Err: err}
}

// prepareRoot readies the merged root in a user namespace (a rootless
// run), where /proc, /sys and /dev must be mounted before the root moves;
// elsewhere it does nothing. Call it after MountOverlay, before
// PivotRoot.
func prepareRoot(merged string) error { return container.PrepareRootless(merged) }

// steps returns the stages in force, container.Steps(): yours where you
// wrote them, the library's elsewhere. The three that mount are guarded:
// each refuses to run while a mount is still shared with the host's
// (MakePrivate not yet called), where what it mounts would appear on the
// host too.
func steps() container.Stages {
	s := container.Steps()
	overlay, pivot, standard := s.MountOverlay, s.PivotRoot, s.MountStandard
	s.MountOverlay = func(lowers []string, upper, work, target string) error {
		if err := private("MountOverlay"); err != nil {
			return err
		}
		return overlay(lowers, upper, work, target)
	}
	s.PivotRoot = func(newRoot string) error {
		if err := private("PivotRoot"); err != nil {
			return err
		}
		return pivot(newRoot)
	}
	s.MountStandard = func() error {
		if err := private("MountStandard"); err != nil {
			return err
		}
		return standard()
	}
	return s
}

// private says why step may not mount yet: a mount of this mount
// namespace still propagates to the host's (a "shared:" tag in
// /proc/self/mountinfo, proc(5)).
func private(step string) error {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if errors.Is(err, os.ErrNotExist) {
		// No /proc: the root has moved (pivot_root refuses a shared
		// root), and MountStandard has yet to mount a fresh one.
		return nil
	}
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 6 && slices.ContainsFunc(fields[6:], isShared) {
			return fmt.Errorf("%s before MakePrivate: %s still propagates to the host's mounts, so what it mounts there would appear on the host too", step, fields[4])
		}
	}
	return nil
}

// isShared says whether a mountinfo optional field is a peer group.
func isShared(field string) bool { return strings.HasPrefix(field, "shared:") }

// keep is the list of capabilities to hand DropCapabilities: Docker's 14.
func keep() []int { return container.DefaultKeep() }

// deny is the list of system calls to hand LoadSeccomp: the default
// filter's (mount, unshare, keyctl, ...).
func deny() []uint32 { return container.DefaultDeny() }
