package container

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The network stage speaks rtnetlink(7) through vishvananda/netlink, as
// runc and the CNI plugins do: a veth pair with its peer in another
// namespace, a bridge, addresses and routes are each one typed call there,
// where raw rtnetlink through x/sys/unix would be a few hundred lines of
// attribute packing. Nothing here switches a thread into another network
// namespace: the veth's peer is created straight in the container's
// namespace (IFLA_NET_NS_PID), and the container's side is set up by its
// init, which already lives there. Code that must switch (setns(2)) locks
// its OS thread first and switches back in a defer, since the Go runtime
// moves goroutines between threads (golang/go#20676).

// containerIf is the name the container's end of the veth pair has inside.
const containerIf = "eth0"

// SetupVeth makes a veth pair and plugs the container into the bridge: the
// host's end, named hostEnd (at most 15 bytes), joins bridge and goes up;
// the other end is made in the network namespace of process pid and named
// eth0 there (one RTM_NEWLINK with IFLA_NET_NS_PID: see veth(4), ip-link(8)).
// The pair goes away with the container's namespace.
func SetupVeth(hostEnd, bridge string, pid int) error {
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "find bridge", Path: bridge, Err: err}
	}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = hostEnd
	attrs.MasterIndex = br.Attrs().Index
	attrs.Flags = net.FlagUp
	veth := &netlink.Veth{LinkAttrs: attrs, PeerName: containerIf, PeerNamespace: netlink.NsPid(pid)}
	if err := netlink.LinkAdd(veth); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "add veth pair", Path: hostEnd, Err: err}
	}
	return nil
}

// ConfigureNetwork sets up the network namespace it runs in, from inside:
// lo goes up (the kernel then gives it 127.0.0.1 and ::1), and when
// address is not nil, eth0 gets the address, goes up, and gets a default
// route through gateway (unless gateway is nil).
func ConfigureNetwork(address *net.IPNet, gateway net.IP) error {
	if err := loopbackUp(); err != nil {
		return err
	}
	if address == nil {
		return nil
	}
	eth0, err := netlink.LinkByName(containerIf)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "find link", Path: containerIf, Err: err}
	}
	if err := netlink.AddrAdd(eth0, &netlink.Addr{IPNet: address}); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "add address " + address.String(), Path: containerIf, Err: err}
	}
	if err := netlink.LinkSetUp(eth0); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "set link up", Path: containerIf, Err: err}
	}
	if gateway == nil {
		return nil
	}
	// No Dst: the default route, 0.0.0.0/0.
	if err := netlink.RouteAdd(&netlink.Route{LinkIndex: eth0.Attrs().Index, Gw: gateway}); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "add default route via " + gateway.String(), Path: containerIf, Err: err}
	}
	return nil
}

// loopbackUp brings lo up with two ioctls on a datagram socket
// (netdevice(7), SIOCGIFFLAGS and SIOCSIFFLAGS): every container with a
// network namespace does it, and it costs less at each start than the
// netlink requests linkUp makes.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "set link up", Path: "lo", Err: err}
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err == nil {
		err = unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr)
	}
	if err == nil {
		ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
		err = unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
	}
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "set link up", Path: "lo", Err: err}
	}
	return nil
}

// gatewayOf is the first address of subnet: the bridge's.
func gatewayOf(subnet *net.IPNet) net.IP {
	gw := make(net.IP, 4)
	copy(gw, subnet.IP.To4())
	gw[3]++
	return gw
}

// ensureBridge makes the bridge BridgeName with the subnet's gateway
// address, unless it exists, and brings it up. created says that this call
// made it (and so set up the outbound NAT).
func ensureBridge(subnet *net.IPNet) (created bool, err error) {
	gw := &net.IPNet{IP: gatewayOf(subnet), Mask: subnet.Mask}
	br, err := netlink.LinkByName(BridgeName)
	if errors.As(err, new(netlink.LinkNotFoundError)) {
		attrs := netlink.NewLinkAttrs()
		attrs.Name = BridgeName
		err = netlink.LinkAdd(&netlink.Bridge{LinkAttrs: attrs})
		created = err == nil
		if errors.Is(err, syscall.EEXIST) { // another runtime was quicker
			err = nil
		}
		if err == nil {
			br, err = netlink.LinkByName(BridgeName)
		}
	}
	if err != nil {
		return false, &Error{Code: ExitRuntimeError, Op: "make bridge", Path: BridgeName, Err: err}
	}
	if _, ok := br.(*netlink.Bridge); !ok {
		return false, &Error{Code: ExitRuntimeError, Op: "bridge", Path: BridgeName, Err: fmt.Errorf("%s is a %s, not a bridge", BridgeName, br.Type())}
	}
	addrs, err := netlink.AddrList(br, netlink.FAMILY_V4)
	if err != nil {
		return false, &Error{Code: ExitRuntimeError, Op: "list addresses", Path: BridgeName, Err: err}
	}
	switch {
	case len(addrs) == 0:
		err := netlink.AddrAdd(br, &netlink.Addr{IPNet: gw})
		if err != nil && !errors.Is(err, syscall.EEXIST) {
			return false, &Error{Code: ExitRuntimeError, Op: "add address " + gw.String(), Path: BridgeName, Err: err}
		}
	case addrs[0].IPNet.String() != gw.String():
		return false, &Error{Code: ExitRuntimeError, Op: "bridge", Path: BridgeName, Err: fmt.Errorf("has %s, not the gateway %s of subnet %s: use its subnet, or remove the bridge when no container uses it (sudo ip link delete %s)", addrs[0].IPNet, gw, subnet, BridgeName)}
	}
	if br.Attrs().Flags&net.FlagUp == 0 {
		if err := netlink.LinkSetUp(br); err != nil {
			return false, &Error{Code: ExitRuntimeError, Op: "set link up", Path: BridgeName, Err: err}
		}
	}
	if created {
		setUpNAT(subnet)
	}
	return created, nil
}

// natTable is the nftables table of our own that holds the outbound NAT;
// no rule of the host's is touched.
const natTable = "unboxed"

// setUpNAT lets containers reach beyond the host: a masquerade for the
// subnet's packets that leave by any device but the bridge, in a table of
// our own (nft(8)), and IP forwarding on. Outbound traffic is the host's
// business, so a host without nft gets one warning line and no NAT.
func setUpNAT(subnet *net.IPNet) {
	nft, err := exec.LookPath("nft")
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed: warning: no nft, so no outbound NAT: containers on %s reach the host and each other only\n", BridgeName)
		return
	}
	// Made, emptied and filled in one transaction, so a second run never
	// doubles the rule.
	rules := fmt.Sprintf(`table ip %[1]s
flush table ip %[1]s
table ip %[1]s {
	chain postrouting {
		type nat hook postrouting priority 100; policy accept;
		ip saddr %[2]s oifname != "%[3]s" masquerade
	}
}
`, natTable, subnet, BridgeName)
	cmd := exec.Command(nft, "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "unboxed: warning: no outbound NAT: nft: %v: %s\n", err, strings.TrimSpace(string(out)))
		return
	}
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0); err != nil {
		fmt.Fprintf(os.Stderr, "unboxed: warning: no outbound NAT: %v\n", err)
	}
}

// RemoveBridge removes the bridge BridgeName and the NAT table that came
// with it, unless a container is plugged into it. A missing bridge is no
// error.
func RemoveBridge() error {
	br, err := netlink.LinkByName(BridgeName)
	if errors.As(err, new(netlink.LinkNotFoundError)) {
		return nil
	}
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "find bridge", Path: BridgeName, Err: err}
	}
	links, err := netlink.LinkList()
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "list links", Err: err}
	}
	for _, l := range links {
		if l.Attrs().MasterIndex == br.Attrs().Index {
			return &Error{Code: ExitRuntimeError, Op: "remove bridge", Path: BridgeName, Err: fmt.Errorf("in use by %s", l.Attrs().Name)}
		}
	}
	if err := netlink.LinkDel(br); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "remove bridge", Path: BridgeName, Err: err}
	}
	if nft, err := exec.LookPath("nft"); err == nil {
		// Fails harmlessly when there is no such table.
		_ = exec.Command(nft, "delete", "table", "ip", natTable).Run()
	}
	return nil
}

func bridgeExists() bool {
	_, err := netlink.LinkByName(BridgeName)
	return err == nil
}
