//go:build linux

package network_test

import (
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/07"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"github.com/vishvananda/netlink"
)

func TestMain(m *testing.M) {
	lessontest.Main(m, 7, container.Stages{SetupVeth: network.SetupVeth, ConfigureNetwork: network.ConfigureNetwork})
}

// bridged is a container on the bridge network, named box, with its
// overlay and IPAM state in a directory of the test's own.
func bridged(stateDir string) container.Config {
	return container.Config{Network: container.NetBridge, Overlay: true, StateDir: stateDir, Hostname: "box"}
}

// needNetwork skips without privileges and moves the test into a network
// namespace of its own, which stands in for the host; false means this is
// the copy's caller, which returns.
func needNetwork(l *lessontest.T) bool {
	l.Helper()
	l.NeedPrivileges()
	return l.OwnNetwork()
}

// hostLinks lists the test's "host" devices, by name and kind, one a line.
func hostLinks(l *lessontest.T) string {
	l.Helper()
	links, err := netlink.LinkList()
	l.NoError(err, "listing the host's devices")
	var lines []string
	for _, link := range links {
		lines = append(lines, link.Attrs().Name+" "+link.Type())
	}
	return strings.Join(lines, "\n")
}

// linksSettle waits up to ten seconds for the host's devices to be want:
// the kernel removes a dead namespace's devices from a work queue, a
// moment after its last process ended. It returns them as they are then.
func linksSettle(l *lessontest.T, want string) string {
	l.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got := hostLinks(l); got == want {
			return got
		}
	}
	return hostLinks(l)
}
