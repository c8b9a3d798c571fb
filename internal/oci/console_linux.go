package oci

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/unboxed-go/unboxed/container"
)

// console gives a container with process.terminal a pty: the slave
// becomes its stdin, stdout, stderr and /dev/console, and the master is
// sent to the caller's console socket (runc's protocol: one SCM_RIGHTS
// message, pty(7), unix(7)). The returned function closes this process's
// copies once the container has them.
func console(socket string, size *specs.Box, cfg *container.Config) (func(), error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("process.terminal: open /dev/ptmx: %w", err)
	}
	fail := func(err error) (func(), error) {
		master.Close()
		return nil, fmt.Errorf("process.terminal: %w", err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		return fail(fmt.Errorf("unlock pty: %w", err))
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		return fail(fmt.Errorf("pty number: %w", err))
	}
	slavePath := fmt.Sprintf("/dev/pts/%d", n)
	slave, err := os.OpenFile(slavePath, os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail(err)
	}
	if size != nil {
		ws := &unix.Winsize{Row: uint16(size.Height), Col: uint16(size.Width)}
		if err := unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws); err != nil {
			slave.Close()
			return fail(fmt.Errorf("process.consoleSize: %w", err))
		}
	}
	// Raw sockets rather than package net, which would link the C
	// library's resolver into the runtime (cgo): a static binary starts
	// its container's init faster, and no glibc thread set-up can meet
	// a seccomp filter that allows no rseq(2).
	if err := sendFd(socket, slavePath, int(master.Fd())); err != nil {
		slave.Close()
		return fail(fmt.Errorf("--console-socket %s: %w", socket, err))
	}
	master.Close()
	cfg.Stdin, cfg.Stdout, cfg.Stderr = slave, slave, slave
	cfg.Terminal = true
	cfg.Mounts = append(cfg.Mounts, container.MountSpec{Destination: "/dev/console", Source: slavePath, Options: []string{"bind"}})
	return func() { slave.Close() }, nil
}

// sendFd connects to the unix socket and sends fd with name as the
// message (SCM_RIGHTS, unix(7)).
func sendFd(socket, name string, fd int) error {
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(sock)
	if err := unix.Connect(sock, &unix.SockaddrUnix{Name: socket}); err != nil {
		return err
	}
	return unix.Sendmsg(sock, []byte(name), unix.UnixRights(fd), nil, 0)
}
