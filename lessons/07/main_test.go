//go:build linux

package network_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/07"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
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
	if !l.OwnNetwork() {
		return false
	}
	needDrivers(l)
	return true
}

// needDrivers skips the test when the kernel cannot make a veth pair or a
// bridge here: a driver built as a module is loaded on first use, but
// never for a process in a user namespace (the rootless run).
func needDrivers(l *lessontest.T) {
	l.Helper()
	for _, link := range []netlink.Link{
		&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "probe0"}, PeerName: "probe1"},
		&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "probebr0"}},
	} {
		err := netlink.LinkAdd(link)
		if errors.Is(err, unix.EOPNOTSUPP) {
			l.Skipf("the kernel has no %s driver loaded, and a user namespace may not load one: sudo modprobe -a veth bridge, or run as root: go test -exec sudo ./lessons/07", link.Type())
		}
		l.NoError(err, "making a "+link.Type()+" device in the test's network namespace")
		l.NoError(netlink.LinkDel(link), "removing the "+link.Type()+" device the test made")
	}
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
