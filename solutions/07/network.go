// Package network is lesson 07: networking. A new network namespace holds
// one device, lo, and it is down. You give a container a network the way
// Docker's bridge mode does: a veth pair, a cable with one end in the
// container (eth0) and the other on a bridge on the host, an address, and
// a default route back through the bridge.
//
// Read the notes first: go run ./lessons notes 7
package network

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// SetupVeth is the host's side. It makes a veth pair: one end named
// hostEnd (at most 15 bytes) stays in this network namespace, joins the
// bridge named bridge (which exists) and goes up; the other end moves into
// the network namespace of process pid and is named eth0 there. On an
// error, nothing of the pair is left in this namespace. Errors name the
// device.
func SetupVeth(hostEnd, bridge string, pid int) error {
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return fmt.Errorf("find bridge %s: %w", bridge, err)
	}
	// The container's end gets a name of its own here: this namespace may
	// have an eth0 already.
	peer := "ubxc" + strconv.Itoa(pid)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: hostEnd}, PeerName: peer}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("add veth pair %s/%s: %w", hostEnd, peer, err)
	}
	if err := plugIn(hostEnd, peer, br, pid); err != nil {
		// Deleting one end deletes the pair, wherever the other end is.
		if l, lerr := netlink.LinkByName(hostEnd); lerr == nil {
			_ = netlink.LinkDel(l)
		}
		return err
	}
	return nil
}

// plugIn moves peer into the namespace of pid as eth0, and puts hostEnd on
// the bridge, up.
func plugIn(hostEnd, peer string, br netlink.Link, pid int) error {
	p, err := netlink.LinkByName(peer)
	if err != nil {
		return fmt.Errorf("find %s: %w", peer, err)
	}
	if err := netlink.LinkSetNsPid(p, pid); err != nil {
		return fmt.Errorf("move %s into the network namespace of %d: %w", peer, pid, err)
	}
	if err := renameIn(pid, peer, "eth0"); err != nil {
		return err
	}
	host, err := netlink.LinkByName(hostEnd)
	if err != nil {
		return fmt.Errorf("find %s: %w", hostEnd, err)
	}
	if err := netlink.LinkSetMaster(host, br); err != nil {
		return fmt.Errorf("put %s on bridge %s: %w", hostEnd, br.Attrs().Name, err)
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return fmt.Errorf("set %s up: %w", hostEnd, err)
	}
	return nil
}

// renameIn renames a device in the network namespace of pid. setns(2)
// switches one thread, so the goroutine stays on its thread until the
// thread is back in its own namespace; a thread that could not go back is
// never unlocked, and Go ends it with the goroutine.
func renameIn(pid int, from, to string) (err error) {
	runtime.LockOSThread()
	own, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open this thread's network namespace: %w", err)
	}
	defer own.Close()
	target, err := netns.GetFromPid(pid)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open the network namespace of %d: %w", pid, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter the network namespace of %d: %w", pid, err)
	}
	defer func() {
		if back := netns.Set(own); back != nil {
			err = errors.Join(err, fmt.Errorf("return to this thread's network namespace: %w", back))
			return // leave the thread locked: Go ends it with the goroutine
		}
		runtime.UnlockOSThread()
	}()
	link, err := netlink.LinkByName(from)
	if err != nil {
		return fmt.Errorf("find %s in the network namespace of %d: %w", from, pid, err)
	}
	if err := netlink.LinkSetName(link, to); err != nil {
		return fmt.Errorf("rename %s to %s: %w", from, to, err)
	}
	return nil
}

// ConfigureNetwork is the container's side; it runs in the container's
// init, inside the new network namespace. It brings lo up. When address is
// not nil, it also gives eth0 the address, brings it up, and, when gateway
// is not nil, adds the default route through gateway. Errors name the
// device.
func ConfigureNetwork(address *net.IPNet, gateway net.IP) error {
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("find lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return fmt.Errorf("set lo up: %w", err)
	}
	if address == nil {
		return nil
	}
	eth0, err := netlink.LinkByName("eth0")
	if err != nil {
		return fmt.Errorf("find eth0: %w", err)
	}
	if err := netlink.AddrAdd(eth0, &netlink.Addr{IPNet: address}); err != nil {
		return fmt.Errorf("add %s to eth0: %w", address, err)
	}
	if err := netlink.LinkSetUp(eth0); err != nil {
		return fmt.Errorf("set eth0 up: %w", err)
	}
	if gateway == nil {
		return nil
	}
	route := &netlink.Route{LinkIndex: eth0.Attrs().Index, Gw: gateway} // no Dst: 0.0.0.0/0
	if err := netlink.RouteAdd(route); err != nil {
		return fmt.Errorf("add the default route via %s: %w", gateway, err)
	}
	return nil
}
