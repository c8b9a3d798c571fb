package container

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// foregroundTerminal says whether stdin is a terminal whose foreground
// process group is the runtime's own: the terminal the user typed the
// command on, and will press Ctrl-C on, which sends the keys' signals to
// every process of that group (the container's too) by itself.
func foregroundTerminal(stdin io.Reader) bool {
	f, ok := stdin.(*os.File)
	if !ok || f == nil {
		return false
	}
	pgrp, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCGPGRP)
	return err == nil && pgrp == unix.Getpgrp() // else not a terminal, or a background job
}
