package container

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// forwarded are the signals the init passes on to the container's
// processes (SIGKILL and SIGSTOP cannot be caught, so never reach it).
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// startCommand starts the command as the init's child, with the init's
// streams, in the init's process group (the runtime's): on a terminal it
// stays in the job the shell made, so Ctrl-Z and fg stop and resume the
// whole container as before.
func startCommand(path string, s spec) (*os.Process, error) {
	return os.StartProcess(path, s.Args, &os.ProcAttr{
		Env:   s.Env,
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
	})
}

// catchSignals starts catching the signals the init forwards, for
// Supervise to pass on.
func catchSignals() chan os.Signal {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	return sigs
}

// Supervise is the init's life as PID 1 once the command runs (Config.Init,
// lesson 03): it passes the signals that arrive on sigs on to every other
// process of the namespace, and reaps every child that exits, the command
// and the orphans the kernel hands it (pid_namespaces(7)), with one
// wait4(-1) loop, as tini does. It knows the command's PID, so only the
// command's status counts: it returns the command's exit code, or 128+N
// when signal N killed it, and 125 (ExitRuntimeError) if no child is left
// before the command was seen to end. When the init returns, the kernel
// kills what is left in the namespace. The init calls it through the
// stages table (Stages.Supervise) with the signals it caught since before
// the command started.
//
// On the runtime's terminal (terminalKeys) the keys' signals, SIGINT from
// Ctrl-C and SIGQUIT from Ctrl-\, reach every process of the foreground
// process group straight from the terminal, the command included, and
// the init too: passing its copy on would deliver them twice.
func Supervise(command int, sigs <-chan os.Signal, terminalKeys bool) int {
	go func() {
		for sig := range sigs {
			if terminalKeys && (sig == syscall.SIGINT || sig == syscall.SIGQUIT) {
				continue
			}
			// kill(-1) from a namespace's init reaches every other
			// process in it (kill(2)).
			_ = unix.Kill(-1, sig.(syscall.Signal))
		}
	}()
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, 0, nil)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			// ECHILD: no child left, yet the command was never seen to
			// end. It cannot happen while the init alone reaps.
			return ExitRuntimeError
		case pid == command && ws.Signaled():
			return ExitSignalBase + int(ws.Signal())
		case pid == command && ws.Exited():
			return ws.ExitStatus()
		}
		// An orphan: reaped, and nothing more to do.
	}
}
