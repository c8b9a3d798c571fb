package container

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// NetworkMode is how a container reaches the network, named as Docker's
// --net names it.
type NetworkMode string

// The network modes.
const (
	// NetNone gives the container a network namespace of its own with
	// only the loopback device, up (the kernel gives lo 127.0.0.1 itself).
	// It is the default: fast, and it changes nothing on the host.
	NetNone NetworkMode = "none"
	// NetHost shares the runtime's network namespace: the container sees
	// the host's devices and ports.
	NetHost NetworkMode = "host"
	// NetBridge adds a veth pair: one end, eth0, in the container with an
	// address of the bridge's subnet and a default route through the
	// bridge; the other end on the host's bridge BridgeName. Needs root.
	// With Config.Overlay, the container's /etc/hosts, /etc/hostname and
	// /etc/resolv.conf are written into its upper directory (so a kept
	// upper lists them); without it, the rootfs's own stay.
	NetBridge NetworkMode = "bridge"
)

// BridgeName is the host's bridge that NetBridge containers are plugged
// into. It is made on first use and stays, as Docker's docker0 does.
const BridgeName = "unboxed0"

// DefaultSubnet is the bridge's IPv4 subnet when Config.Subnet is empty;
// the bridge (the containers' gateway) has its first address, 10.88.0.1.
const DefaultSubnet = "10.88.0.0/16"

// ParseNetworkMode reads none, host or bridge, as docker run --net takes
// them.
func ParseNetworkMode(s string) (NetworkMode, error) {
	switch m := NetworkMode(s); m {
	case NetNone, NetHost, NetBridge:
		return m, nil
	}
	return "", fmt.Errorf("network %q: not none, host or bridge (want e.g. --net bridge)", s)
}

// PortMapping forwards a TCP port of the host to a port of the container.
type PortMapping struct {
	HostPort      int // 1 to 65535, on the host's 127.0.0.1 and the bridge's address
	ContainerPort int // 1 to 65535, on the container's eth0 address
}

// String writes the mapping as ParsePublish reads it: "8080:80/tcp".
func (p PortMapping) String() string {
	return fmt.Sprintf("%d:%d/tcp", p.HostPort, p.ContainerPort)
}

// ParsePublish reads HOSTPORT:CONTAINERPORT[/tcp], as docker run -p takes
// it (only TCP, and only the two ports).
func ParsePublish(s string) (PortMapping, error) {
	bad := func(why string) (PortMapping, error) {
		return PortMapping{}, fmt.Errorf("publish %q: %s (want e.g. 8080:80 or 8080:80/tcp)", s, why)
	}
	ports, proto, hasProto := strings.Cut(s, "/")
	if hasProto && proto != "tcp" {
		return bad("only tcp ports can be published")
	}
	host, ctr, ok := strings.Cut(ports, ":")
	if !ok || strings.Contains(ctr, ":") {
		return bad("not HOSTPORT:CONTAINERPORT")
	}
	var p PortMapping
	var err error
	if p.HostPort, err = parsePort(host); err != nil {
		return bad("host port: " + err.Error())
	}
	if p.ContainerPort, err = parsePort(ctr); err != nil {
		return bad("container port: " + err.Error())
	}
	return p, nil
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port from 1 to 65535", s)
	}
	return n, nil
}

// parseSubnet reads an IPv4 subnet in CIDR notation that leaves room for a
// gateway and containers: a prefix from /8 to /30.
func parseSubnet(s string) (*net.IPNet, error) {
	if s == "" {
		s = DefaultSubnet
	}
	ip, subnet, err := net.ParseCIDR(s)
	if err != nil || ip.To4() == nil {
		return nil, fmt.Errorf("subnet %q: not an IPv4 subnet in CIDR notation (want e.g. %s)", s, DefaultSubnet)
	}
	if ones, _ := subnet.Mask.Size(); ones < 8 || ones > 30 {
		return nil, fmt.Errorf("subnet %q: want a prefix from /8 to /30 (e.g. %s)", s, DefaultSubnet)
	}
	subnet.IP = subnet.IP.To4()
	return subnet, nil
}

// validateNetwork checks the network fields and settles the mode: ""
// becomes NetNone, or NetBridge when ports are published; NetHost takes the
// Network namespace out of Namespaces.
func (c *Config) validateNetwork() error {
	bad := func(format string, args ...any) error {
		return &Error{Code: ExitRuntimeError, Op: "network", Err: fmt.Errorf(format, args...)}
	}
	if c.Network == "" {
		c.Network = NetNone
		if len(c.Publish) > 0 {
			c.Network = NetBridge
		}
	}
	if _, err := ParseNetworkMode(string(c.Network)); err != nil {
		return bad("%v", err)
	}
	if len(c.Publish) > 0 && c.Network != NetBridge {
		return bad("publishing ports needs the bridge network, not %q (want e.g. --net bridge; Network: NetBridge)", c.Network)
	}
	for _, p := range c.Publish {
		if _, err := ParsePublish(fmt.Sprintf("%d:%d", p.HostPort, p.ContainerPort)); err != nil {
			return bad("%v", err)
		}
	}
	if c.Subnet != "" && c.Network != NetBridge {
		return bad("subnet %q needs the bridge network (want e.g. --net bridge; Network: NetBridge)", c.Subnet)
	}
	if _, err := parseSubnet(c.Subnet); err != nil {
		return bad("%v", err)
	}
	switch c.Network {
	case NetHost:
		var kept []Namespace
		for _, ns := range c.Namespaces {
			if ns != Network {
				kept = append(kept, ns)
			}
		}
		c.Namespaces = kept
	case NetBridge:
		if !c.has(Network) {
			return bad("the bridge network needs the network namespace (want e.g. Namespaces: container.AllNamespaces)")
		}
		if os.Geteuid() != 0 {
			return bad("the bridge network needs root: a veth pair and the bridge %s are made in the host's network namespace, which only root may change; run with sudo, or use the default --net none (a rootless runtime would need a user-mode network helper such as slirp4netns or pasta)", BridgeName)
		}
	}
	return nil
}
