//go:build linux

package namespaces_test

import (
	"fmt"
	"net"
	"strconv"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/03"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

// ipcChild is the child TestIPCObjectsStayInside starts in a new IPC
// namespace. Its arguments are two SysV keys: the one it makes a shared
// memory segment with, and the one the host made a segment with. It
// reports which of the two its /proc/sysvipc/shm lists, and leaves its own
// segment behind on purpose: the segment must die with the namespace.
const ipcChild = "lesson03-ipc"

func TestMain(m *testing.M) {
	lessontest.Child(ipcChild, func(args []string, r lessontest.Report) error {
		if len(args) != 2 {
			return fmt.Errorf("want 2 arguments (its key, the host's key), got %q", args)
		}
		key, err := strconv.Atoi(args[0])
		if err != nil {
			return err
		}
		if _, err := unix.SysvShmGet(key, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o600); err != nil {
			return fmt.Errorf("shmget(key %d) in the child: %w", key, err)
		}
		listed, err := shmSegments()
		if err != nil {
			return err
		}
		r["sees its own"] = yesNo(listed, args[0])
		r["sees the host's"] = yesNo(listed, args[1])
		return nil
	})
	lessontest.Main(m, 3, container.Stages{
		CloneFlags:  namespaces.CloneFlags,
		SetHostname: namespaces.SetHostname,
		MountProc:   namespaces.MountProc,
		Supervise:   namespaces.Supervise,
		// Leave the network namespace as the kernel makes it, lo down:
		// the runtime brings lo up itself (lesson 07).
		ConfigureNetwork: func(*net.IPNet, net.IP) error { return nil },
	})
}

func yesNo(listed map[string]int, key string) string {
	if _, ok := listed[key]; ok {
		return "yes"
	}
	return "no"
}
