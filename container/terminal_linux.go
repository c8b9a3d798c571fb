package container

import (
	"io"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// foregroundTerminal returns stdin when it is a terminal whose foreground
// process group is the runtime's own: the terminal the user typed the
// command on, and will press Ctrl-C on. Else nil.
func foregroundTerminal(stdin io.Reader) *os.File {
	f, ok := stdin.(*os.File)
	if !ok || f == nil {
		return nil
	}
	pgrp, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCGPGRP)
	if err != nil || pgrp != unix.Getpgrp() {
		return nil // not a terminal, or the runtime runs in the background
	}
	return f
}

// takeTerminalBack makes the runtime's process group the terminal's
// foreground again, once a container's command that took it has ended, so
// that the runtime (and the shell's job that it is) can read and write it
// as before. A process outside the foreground gets SIGTTOU for
// tcsetpgrp(3) unless it blocks or ignores the signal (termios(3), "TOSTOP"
// and tty_ioctl(4), TIOCSPGRP): blocking is per thread, so the thread is
// locked while the signal is blocked.
func takeTerminalBack(tty *os.File) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var block, old unix.Sigset_t
	bits := int(unsafe.Sizeof(block.Val[0]) * 8) // 64, or 32 on 32-bit arm
	n := int(unix.SIGTTOU) - 1
	block.Val[n/bits] |= 1 << (n % bits)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &block, &old); err != nil {
		return err
	}
	defer func() { _ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil) }()
	return unix.IoctlSetPointerInt(int(tty.Fd()), unix.TIOCSPGRP, unix.Getpgrp())
}
