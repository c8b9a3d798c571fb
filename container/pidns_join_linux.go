package container

// Joining a PID namespace. setns(2) with CLONE_NEWPID does not move the
// caller: it sets the namespace its children are born in
// (/proc/PID/ns/pid_for_children, pid_namespaces(7)), and a process never
// changes PID namespace once born. So the runtime, not the init, joins:
// a thread of its own, locked, sets its pid_for_children to the namespace,
// forks the init (without CLONE_NEWPID), and goes back to its own. As with
// the v1 cgroup trick (cgroups/inside_linux.go) the thread goes back rather
// than ending, because the init's parent-death signal fires when the thread
// that forked it ends (PR_SET_PDEATHSIG in prctl(2)).

import (
	"fmt"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// startInPIDNamespace starts cmd with its process born in the PID
// namespace at path. Its parent-death signal is left to the init
// (pdeathsigInJoinedPIDNamespace): os/exec's child checks, right after it
// sets one, that getppid(2) is still the parent it had, and in another
// PID namespace getppid returns 0, so the child would kill itself.
func startInPIDNamespace(cmd *exec.Cmd, path string) error {
	cmd.SysProcAttr.Pdeathsig = 0
	target, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "join pid namespace", Path: path, Err: err}
	}
	defer unix.Close(target)
	// The thread's own: its active namespace, where it goes back to.
	own, err := unix.Open("/proc/thread-self/ns/pid", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "join pid namespace", Path: "/proc/thread-self/ns/pid", Err: err}
	}
	defer unix.Close(own)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(target, unix.CLONE_NEWPID); err != nil {
			runtime.UnlockOSThread()
			done <- &Error{Code: ExitRuntimeError, Op: "join pid namespace", Path: path, Err: fmt.Errorf("%w (want the path of a pid namespace, e.g. /proc/PID/ns/pid)", err)}
			return
		}
		started := cmd.Start()
		if err := unix.Setns(own, unix.CLONE_NEWPID); err != nil {
			// Stays locked: the thread ends with this goroutine, and
			// forks nothing more into the container's namespace.
			if started == nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
			done <- fmt.Errorf("go back to the runtime's pid namespace: %w", err)
			return
		}
		runtime.UnlockOSThread()
		done <- started
	}()
	return <-done
}

// pdeathsigInJoinedPIDNamespace sets the parent-death signal that
// startInPIDNamespace left out, in an init born in a joined PID namespace
// that does not detach: SIGKILL when the runtime's thread that forked it
// ends (prctl(2), PR_SET_PDEATHSIG). A runtime that died before this call
// cannot be told from here (getppid(2) is 0 either way); the init then
// finds its report pipe closed at its first report and ends.
func pdeathsigInJoinedPIDNamespace(x Extras) error {
	if x.NamespacePaths[PID] == "" || x.Detach {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "prctl PR_SET_PDEATHSIG", Err: err}
	}
	return nil
}
