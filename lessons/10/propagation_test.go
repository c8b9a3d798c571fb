//go:build linux

package capstone_test

import (
	"fmt"
	"os"
	"testing"

	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

// sharedHostChild stands in for a host whose mounts are shared, as
// systemd makes them: in a mount namespace of its own it marks every
// mount shared, runs a container of your runtime, and reports its mount
// table before and after.
const sharedHostChild = "lesson10-shared-host"

func init() {
	lessontest.Child(sharedHostChild, func(args []string, r lessontest.Report) error {
		rootfs, state := args[0], args[1]
		if err := unix.Mount("", "/", "", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make the stand-in host's mounts shared: %w", err)
		}
		before, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			return err
		}
		code, err := capstone.Run(capstone.Config{Args: []string{"/bin/true"}, Rootfs: rootfs, StateDir: state})
		if err != nil {
			return fmt.Errorf("your Run on a host whose mounts are shared: %w", err)
		}
		after, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			return err
		}
		r["code"], r["before"], r["after"] = fmt.Sprint(code), string(before), string(after)
		return nil
	})
}

// On a host whose mounts are shared (systemd's default), nothing the
// container mounts appears on the host, while it runs or after.
func TestNothingMountedReachesTheHost(t *testing.T) {
	l := lessontest.New(t, "the-init-side")
	defer l.Recover()
	l.NeedPrivileges()
	r := l.InChild(sharedHostChild, unix.CLONE_NEWNS, l.Rootfs(), l.TempDir())
	l.Equal("the exit status of /bin/true", "0", r["code"])
	l.Equal("the stand-in host's mount table after the container", r["before"], r["after"])
}
