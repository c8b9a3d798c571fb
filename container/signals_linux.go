package container

import (
	"os"
	"syscall"
)

// forwardSignals passes the signals the runtime catches (Config.
// ForwardSignals) on to the container's first process until the
// container ends; Run's CLI and the library share this one forwarder.
//
// When the container shares the runtime's terminal and its foreground
// process group (sharesKeys), the keys' signals, SIGINT from Ctrl-C and
// SIGQUIT from Ctrl-\, have reached every process of the container
// already, straight from the terminal (termios(3), ISIG): passing them on
// would deliver them twice; the init skips them too (Supervise).
// Anywhere else a second SIGINT kills the container, since PID 1 of a PID
// namespace ignores the signals it has no handler for (pid_namespaces(7)),
// so a plain sleep never sees the first.
func (c *Container) forwardSignals(sharesKeys bool) {
	interrupts := 0
	for {
		select {
		case sig := <-c.signal:
			if sharesKeys && (sig == syscall.SIGINT || sig == syscall.SIGQUIT) {
				continue
			}
			if sig == syscall.SIGINT {
				interrupts++
				if interrupts > 1 {
					sig = syscall.SIGKILL
				}
			}
			_ = c.cmd.Process.Signal(sig)
		case <-c.done:
			return
		}
	}
}

// signalsToForward are the signals Config.ForwardSignals catches.
var signalsToForward = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}
