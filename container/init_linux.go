package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// initName is the child name under which the runtime re-executes itself to
// become a container's init.
const initName = InitName

func init() { Register(initName, containerInit) }

// The file descriptors the runtime hands its init (see Start).
const (
	specFd   = 3
	reportFd = 4
	// pidsLimitFd is the container cgroup's pids.max, open for writing,
	// when the spec has a pids limit for the init to write (pids_linux.go).
	pidsLimitFd = 5
)

// containerInit runs inside the new namespaces: it reads the spec, sets the
// container up, and then either becomes the command (execve) or, with
// Config.Init, stays as PID 1 and runs it as a child.
func containerInit() {
	// Capabilities, no_new_privs and the user are set per thread, and the
	// command must be started from the thread that has them (see
	// security_linux.go): the main goroutine stays on this one thread.
	runtime.LockOSThread()
	// Nothing the command starts may inherit the runtime's pipes.
	unix.CloseOnExec(specFd)
	unix.CloseOnExec(reportFd)
	unix.CloseOnExec(pidsLimitFd) // EBADF when there is none: harmless
	report := os.NewFile(reportFd, "init-report")

	specFile := os.NewFile(specFd, "init-spec")
	s, err := decodeSpec(specFile)
	if err != nil {
		fail(report, ExitRuntimeError, "read spec", "", err)
	}
	specFile.Close()
	gate := -1
	if s.Extras.Gate != "" {
		var err error
		if gate, err = openGate(s.Extras.Gate); err != nil {
			failWith(report, err)
		}
	}
	if err := pdeathsigInJoinedPIDNamespace(s.Extras); err != nil {
		failWith(report, err)
	}
	if err := joinNamespaces(s.Extras.NamespacePaths); err != nil {
		failWith(report, err)
	}
	if err := applyExtras(s.Extras); err != nil {
		failWith(report, err)
	}

	if s.has(Mount) && s.Rootfs != "" {
		if err := enterCgroupNamespace(); err != nil {
			failWith(report, err)
		}
	}
	if err := safely(func() error { return setUp(s) }); err != nil {
		failWith(report, err)
	}
	if s.Dir != "" {
		if err := os.Chdir(s.Dir); err != nil {
			fail(report, ExitRuntimeError, "chdir", s.Dir, err)
		}
	}
	path := lookPath(report, s)
	// The security stage comes last but for the pids limit, which must
	// be the very last step (pids_linux.go).
	atGate := func() error { // just before the seccomp filter (secure)
		if gate < 0 {
			return nil
		}
		return passGate(report, gate)
	}
	if err := safely(func() error { return secure(s, atGate) }); err != nil {
		failWith(report, err)
	}
	if s.Init {
		if s.Pids != "" {
			if err := limitPidsBeforeSupervising(s.Pids); err != nil {
				fail(report, ExitRuntimeError, "set pids limit", "pids.max", err)
			}
		}
		sigs := catchSignals() // before the command can be signalled
		command, err := startCommand(path, s)
		if err != nil {
			fail(report, StartFailureCode(err), "exec", path, err)
		}
		report.Close() // the command runs: Start may return
		os.Exit(steps().Supervise(command.Pid, sigs, s.TerminalKeys))
	}
	if s.Pids != "" {
		if err := limitPids(s.Pids); err != nil {
			fail(report, ExitRuntimeError, "set pids limit", "pids.max", err)
		}
	}
	err = unix.Exec(path, s.Args, s.Env)
	fail(report, StartFailureCode(err), "exec", path, err)
}

// lookPath finds the command in the container's PATH, or reports why not.
func lookPath(report *os.File, s spec) string {
	os.Clearenv()
	for _, kv := range s.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			os.Setenv(k, v)
		}
	}
	path, err := exec.LookPath(s.Args[0])
	if err != nil {
		code := StartFailureCode(err)
		if code == ExitNotFound {
			err = fmt.Errorf("no such command in the container (its PATH is %s; want e.g. /bin/sh)", os.Getenv("PATH"))
		}
		fail(report, code, "exec", s.Args[0], err)
	}
	return path
}

// setUp builds the container's world from inside its new namespaces, one
// stage after another, each through the stages table.
func setUp(s spec) error {
	st := steps()
	privilegedMounts = s.Security.Privileged
	if s.has(Network) {
		address, gateway, err := s.network()
		if err == nil {
			err = setContainerMAC(address)
		}
		if err != nil {
			return err
		}
		if err := st.ConfigureNetwork(address, gateway); err != nil {
			return err
		}
	}
	if s.has(Mount) {
		if err := st.MakePrivate(); err != nil {
			return err
		}
	}
	if s.Hostname != "" {
		if err := st.SetHostname(s.Hostname); err != nil {
			return err
		}
	}
	if s.Merged != "" {
		if s.StorageSize > 0 {
			if err := mountStorage(s.Storage, s.StorageSize); err != nil {
				return err
			}
		}
		if err := overlayStage(s)(s.Lowers, s.Upper, s.Work, s.Merged); err != nil {
			return err
		}
		// A MountOverlay stage that mounted something else (a bind of the
		// rootfs, say) would let the container write into the shared rootfs.
		if !isFilesystem(s.Merged, unix.OVERLAYFS_SUPER_MAGIC) {
			return &Error{Code: ExitRuntimeError, Op: "mount overlay", Path: s.Merged, Err: errors.New("the MountOverlay stage left no overlay filesystem there; refusing to let the container write into its layers")}
		}
		s.Rootfs = s.Merged
		if len(s.NetFiles) > 0 {
			if err := writeNetFiles(s.Merged, s.NetFiles); err != nil {
				return err
			}
		}
	}
	if s.Rootfs != "" {
		if err := refuseLinkedMountPoints(s.Rootfs); err != nil {
			return err
		}
	}
	if err := mountVolumes(s.Rootfs, s.Volumes); err != nil {
		return err
	}
	if s.Extras.Mounts != nil && s.Rootfs != "" {
		if err := mountBundle(s.Rootfs, s.Extras); err != nil {
			return err
		}
	}
	// A bundle's mounts (made above, before the root moves, and with
	// devices bound in a user namespace) are its /proc, /sys and /dev.
	if s.Rootfs != "" && inUserNamespace() && s.Extras.Mounts == nil {
		if err := prepareUserNamespaceRoot(s.Rootfs); err != nil {
			return err
		}
	}
	switch {
	case s.Rootfs != "" && s.NoPivot:
		if s.ReadOnly {
			// Make the rootfs a mount of its own, so that making it
			// read-only leaves the filesystem around it alone.
			if err := mount(s.Rootfs, s.Rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				return err
			}
		}
		if err := st.Chroot(s.Rootfs); err != nil {
			return err
		}
	case s.Rootfs != "":
		if err := st.PivotRoot(s.Rootfs); err != nil {
			return err
		}
	case s.has(Mount) && s.has(PID):
		return st.MountProc()
	default:
		return nil
	}
	if s.Extras.Mounts != nil {
		return afterBundleMounts(s)
	}
	if err := st.MountStandard(); err != nil {
		return err
	}
	if s.has(Mount) && !s.NoPivot {
		if err := mountCgroupView(); err != nil && !inUserNamespace() {
			return err // rootless, the view is a nicety: the kernel may refuse a v1 mount there
		}
	}
	if s.ReadOnly {
		return RemountReadOnly("/")
	}
	return nil
}

// mountVolumes binds host directories into the rootfs before the root
// moves, while the host's paths are still in reach.
func mountVolumes(rootfs string, volumes []Volume) error {
	for _, v := range volumes {
		if err := mountVolume(rootfs, v); err != nil {
			return err
		}
	}
	return nil
}

// mountVolume binds one volume onto its target resolved inside the
// rootfs (inroot_linux.go), through the target's descriptor.
func mountVolume(rootfs string, v Volume) error {
	dir, err := openInRoot(rootfs, v.Container)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "volume", Path: v.Container, Err: err}
	}
	defer dir.Close()
	target := fmt.Sprintf("/proc/self/fd/%d", dir.Fd())
	if err := mount(v.Host, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	if !v.ReadOnly {
		return nil
	}
	// The descriptor still names the directory under the new mount:
	// open the target again to reach the mount itself.
	top, err := openInRoot(rootfs, v.Container)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "volume", Path: v.Container, Err: err}
	}
	defer top.Close()
	return RemountReadOnly(fmt.Sprintf("/proc/self/fd/%d", top.Fd()))
}

// safely runs a set-up step and turns a panic in it (a lesson's TODO
// stub, say) into an error the runtime can report.
func safely(step func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("a stage panicked: %v", p)
		}
	}()
	return step()
}

// failWith reports err, an *Error or not, and exits.
func failWith(report *os.File, err error) {
	var e *Error
	if errors.As(err, &e) {
		fail(report, e.Code, e.Op, e.Path, e.Err)
	}
	fail(report, ExitRuntimeError, "set up container", "", err)
}

// fail reports a setup failure to the runtime and exits with its code.
func fail(report *os.File, code int, op, path string, err error) {
	_ = json.NewEncoder(report).Encode(failure{Code: code, Op: op, Path: path, Msg: err.Error()})
	os.Exit(code)
}
