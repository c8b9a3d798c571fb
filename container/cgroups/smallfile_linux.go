package cgroups

import (
	"os"

	"golang.org/x/sys/unix"
)

// Cgroup and /proc files are read and written with plain open(2), read(2)
// and write(2). os.OpenFile would first try to register each one with the
// Go runtime's poller (fcntl, epoll_ctl refused with EPERM, fcntl again):
// four more system calls for every file, and a container's start and end
// touch a few dozen of them.

// readSmallFile returns the content of a file of at most a few pages,
// such as cgroup.procs or /proc/self/cgroup.
func readSmallFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// writeSmallFile writes value to an existing file in one write(2): the
// kernel takes one value per write in cgroup files.
func writeSmallFile(path, value string) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_TRUNC|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	_, err = unix.Write(fd, []byte(value))
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return &os.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}
