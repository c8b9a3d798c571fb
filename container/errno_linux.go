package container

import "golang.org/x/sys/unix"

// Errors from execve(2) that mean "found, but cannot be run".
var (
	errNoExec = unix.ENOEXEC
	errIsDir  = unix.EISDIR
)
