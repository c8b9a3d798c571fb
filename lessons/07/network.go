// Package network is lesson 07: networking. A new network namespace holds
// one device, lo, and it is down. You give a container a network the way
// Docker's bridge mode does: a veth pair, a cable with one end in the
// container (eth0) and the other on a bridge on the host, an address, and
// a default route back through the bridge.
//
// Read the notes first: go run ./lessons notes 7
package network

import "net"

// SetupVeth is the host's side. It makes a veth pair: one end named
// hostEnd (at most 15 bytes) stays in this network namespace, joins the
// bridge named bridge (which exists) and goes up; the other end moves into
// the network namespace of process pid and is named eth0 there. On an
// error, nothing of the pair is left in this namespace. Errors name the
// device.
func SetupVeth(hostEnd, bridge string, pid int) error {
	// TODO(lesson 7): netlink.LinkAdd a *netlink.Veth (Name hostEnd, a
	// PeerName of your own), netlink.LinkSetNsPid the peer into pid's
	// namespace and rename it eth0 there (netns, on a locked OS thread),
	// then netlink.LinkSetMaster the host end on the bridge and
	// netlink.LinkSetUp it.
	panic("TODO(lesson 7): write SetupVeth in lessons/07/network.go")
}

// ConfigureNetwork is the container's side; it runs in the container's
// init, inside the new network namespace. It brings lo up. When address is
// not nil, it also gives eth0 the address, brings it up, and, when gateway
// is not nil, adds the default route through gateway. Errors name the
// device.
func ConfigureNetwork(address *net.IPNet, gateway net.IP) error {
	// TODO(lesson 7): netlink.LinkSetUp lo; then netlink.AddrAdd the
	// address to eth0, netlink.LinkSetUp eth0, and netlink.RouteAdd a
	// route with Gw gateway and no Dst (the default route).
	panic("TODO(lesson 7): write ConfigureNetwork in lessons/07/network.go")
}
