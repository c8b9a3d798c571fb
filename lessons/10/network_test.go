//go:build linux

package capstone_test

import (
	"fmt"
	"strings"
	"testing"

	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"github.com/vishvananda/netlink"
)

// testBridge is the bridge the network tests make in their own network
// namespace, with the gateway's address.
const (
	testBridge  = "ub10br0"
	testGateway = "10.99.10.1"
)

// makeBridge makes the test's bridge, up, with the gateway's address. The
// test's network namespace takes it away when the test ends.
func makeBridge(l *lessontest.T) {
	l.Helper()
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: testBridge}}
	l.NoError(netlink.LinkAdd(br), "making the test's bridge "+testBridge)
	addr, err := netlink.ParseAddr(testGateway + "/24")
	l.NoError(err, "parsing the gateway's address")
	l.NoError(netlink.AddrAdd(br, addr), "giving the bridge "+testGateway)
	l.NoError(netlink.LinkSetUp(br), "bringing the bridge up")
}

// links lists the network devices of the test's namespace.
func links(l *lessontest.T) []string {
	l.Helper()
	list, err := netlink.LinkList()
	l.NoError(err, "listing the network devices")
	var names []string
	for _, link := range list {
		names = append(names, link.Attrs().Name)
	}
	return names
}

// With a bridge, the container has eth0 with its address, reaches the
// gateway on the host's side, and its veth is gone after it ends.
func TestEth0OnTheBridge(t *testing.T) {
	l := lessontest.New(t, "two-sides-of-one-re-exec")
	defer l.Recover()
	l.NeedPrivileges()
	if !l.OwnNetwork() {
		return
	}
	makeBridge(l)
	before := links(l)
	cfg := capstone.Config{Bridge: testBridge, Address: "10.99.10.2/24", Gateway: testGateway}
	out, code := run(l, cfg, "ip -o -4 addr show eth0; ip route; ping -c 1 -W 2 "+testGateway+" >/dev/null && echo gateway answers")
	l.Equal(fmt.Sprintf("the exit code of the network check (output %q)", out), 0, code)
	l.Contains("ip -o -4 addr show eth0 inside", out, "inet 10.99.10.2/24")
	l.Contains("ip route inside", out, "default via "+testGateway)
	l.Contains("the ping of the gateway from inside", out, "gateway answers")
	l.Equal("the network devices after the container ended", strings.Join(before, " "), strings.Join(links(l), " "))
}
