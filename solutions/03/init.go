package namespaces

import (
	"os"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/sys/unix"
)

// Supervise is the container's PID 1 once its command runs: the init of
// Config.Init (pid_namespaces(7)). The init has started the command as its
// child (its PID is command) and catches the signals meant for the
// container, which arrive on sigs. The runtime calls Supervise in place of
// the library's and exits the init with what it returns.
//
// The contract:
//   - Every signal that arrives on sigs reaches every other process of the
//     PID namespace, the command and whatever it started. When
//     terminalKeys is true the terminal has already delivered SIGINT and
//     SIGQUIT to all of them, so those two are not passed on again.
//   - Every child that ends is reaped, the command and every orphan the
//     kernel hands to PID 1, so that none stays a zombie.
//   - Supervise returns once the command has ended, and only then, with
//     the command's status: its exit code, or 128+N when signal N killed
//     it (container.ExitSignalBase). Orphans that end before it, whatever
//     their status, do not count.
//
// When Supervise returns, the init exits and the kernel kills whatever is
// left in the namespace.
func Supervise(command int, sigs <-chan os.Signal, terminalKeys bool) int {
	go func() {
		for sig := range sigs {
			if terminalKeys && (sig == syscall.SIGINT || sig == syscall.SIGQUIT) {
				continue // the terminal sent it to everyone already
			}
			// kill(2): pid -1 from a namespace's init means every
			// other process in the namespace.
			_ = unix.Kill(-1, sig.(syscall.Signal))
		}
	}()
	for {
		var status unix.WaitStatus
		pid, err := unix.Wait4(-1, &status, 0, nil)
		switch {
		case err == unix.EINTR:
			continue // a signal interrupted the wait: wait again
		case err != nil:
			// ECHILD: no child left, and the command was never seen
			// to end. Only a second waiter could have taken it.
			return container.ExitRuntimeError
		case pid != command:
			// An orphan: reaped, and its status means nothing here.
		case status.Signaled():
			return container.ExitSignalBase + int(status.Signal())
		case status.Exited():
			return status.ExitStatus()
		}
	}
}
