package container

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// netState is what a NetBridge container holds on the host: its address,
// the host end of its veth pair, and the listeners of its published ports.
// The runtime does the host's side (bridge, veth, ports); the init does the
// container's (ConfigureNetwork), inside the namespace it already lives in.
type netState struct {
	lease    *lease
	proxy    *portProxy
	hostEnd  string // ubx<id>: 15 bytes, IFNAMSIZ's limit
	gateway  net.IP
	hostname string
}

// prepareNetwork does the host's part that comes before the container
// exists: the bridge (made on first use), the published ports' listeners,
// so that a port in use fails Start before anything runs, and an address.
// Nil for every mode but NetBridge.
func prepareNetwork(cfg Config, id string) (_ *netState, err error) {
	if cfg.Network != NetBridge || !cfg.has(Network) {
		return nil, nil
	}
	subnet, err := parseSubnet(cfg.Subnet)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "network", Err: err}
	}
	if _, err := ensureBridge(subnet); err != nil {
		return nil, err
	}
	n := &netState{hostEnd: "ubx" + id, gateway: gatewayOf(subnet), hostname: cfg.Hostname}
	if n.hostname == "" {
		n.hostname = id
	}
	defer func() {
		if err != nil {
			n.release()
		}
	}()
	if len(cfg.Publish) > 0 {
		if n.proxy, err = listenPorts(cfg.Publish, net.IPv4(127, 0, 0, 1), n.gateway); err != nil {
			return nil, err
		}
	}
	if n.lease, err = leaseAddress(stateDir(cfg), subnet, id); err != nil {
		return nil, err
	}
	return n, nil
}

// attach plugs the waiting init (pid) into the bridge.
func (n *netState) attach(pid int) error {
	if n == nil {
		return nil
	}
	if err := safely(func() error { return steps().SetupVeth(n.hostEnd, BridgeName, pid) }); err != nil {
		return asError(err, "setup veth")
	}
	return nil
}

// serve starts forwarding the published ports, once the container runs.
func (n *netState) serve() {
	if n != nil && n.proxy != nil {
		n.proxy.serve(n.lease.address.IP)
	}
}

// fill tells the init its address and gateway, for ConfigureNetwork, and
// the network files it writes into the overlay (writeNetFiles).
func (n *netState) fill(sp *spec) {
	if n != nil {
		sp.Address, sp.Gateway = n.lease.address.String(), n.gateway.String()
		sp.NetFiles = netFiles(n.hostname, n.lease.address.IP)
	}
}

// release gives back what the container held: its ports and its address.
// The veth pair goes with the container's network namespace: the kernel
// removes a dead namespace's devices from a work queue, a moment after the
// container ended. Deleting the host end here instead would make that
// synchronous, at 20 ms or more a container (BenchmarkRun, 6-bridge).
// Safe on nil and more than once.
func (n *netState) release() {
	if n == nil {
		return
	}
	n.proxy.close()
	n.proxy = nil
	n.lease.release()
	n.lease = nil
}

// network reads the spec's address and gateway: nil, nil without one.
func (s spec) network() (*net.IPNet, net.IP, error) {
	if s.Address == "" {
		return nil, nil, nil
	}
	ip, subnet, err := net.ParseCIDR(s.Address)
	if err != nil {
		return nil, nil, &Error{Code: ExitRuntimeError, Op: "network", Err: err}
	}
	subnet.IP = ip
	return subnet, net.ParseIP(s.Gateway).To4(), nil
}

// setContainerMAC gives eth0 the MAC address made from the container's
// address (macFor), before it goes up; nothing without an address.
func setContainerMAC(address *net.IPNet) error {
	if address == nil {
		return nil
	}
	eth0, err := netlink.LinkByName(containerIf)
	if err == nil {
		err = netlink.LinkSetHardwareAddr(eth0, macFor(address.IP))
	}
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "set MAC address", Path: containerIf, Err: err}
	}
	return nil
}

// IP is the container's address on the bridge; nil without NetBridge, and
// once the container has ended.
func (c *Container) IP() net.IP {
	if c.net == nil || c.net.lease == nil {
		return nil
	}
	return c.net.lease.address.IP
}

// netFiles are the network files a container expects in /etc: its name
// for its address, and the host's name servers that it can reach (not
// those on the host's loopback, which is not the container's).
func netFiles(hostname string, ip net.IP) map[string]string {
	return map[string]string{
		"hosts":       fmt.Sprintf("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n", ip, hostname),
		"hostname":    hostname + "\n",
		"resolv.conf": resolvConf(),
	}
}

// writeNetFiles writes files into the /etc of the overlay mounted at
// merged, from the init, before the root moves: the overlay's upper lives
// in the container's own mount namespace (storage_linux.go), so only the
// init reaches it, and the writes land in the upper, never in the rootfs.
// The rootfs is the image's, so /etc and the files are resolved inside it
// (openInRoot, O_NOFOLLOW): an /etc/hosts -> /etc/shadow of the image's
// cannot make the init write the host's files.
func writeNetFiles(merged string, files map[string]string) error {
	etc, err := openInRoot(merged, "etc")
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "network files", Path: filepath.Join(merged, "etc"), Err: err}
	}
	defer etc.Close()
	for name, content := range files {
		fd, err := unix.Openat(int(etc.Fd()), name, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "network files", Path: "/etc/" + name, Err: err}
		}
		f := os.NewFile(uintptr(fd), name)
		_, err = f.WriteString(content)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "network files", Path: "/etc/" + name, Err: err}
		}
	}
	return nil
}

// resolvConf is the host's /etc/resolv.conf without the name servers on
// its loopback, as Docker filters it.
func resolvConf() string {
	data, _ := os.ReadFile("/etc/resolv.conf")
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" {
			if ip := net.ParseIP(fields[1]); ip == nil || ip.IsLoopback() {
				continue
			}
		}
		out.WriteString(sc.Text() + "\n")
	}
	return out.String()
}

// bindHostSys binds the host's /sys, read-only, on target: for a container
// in a user namespace that shares the host's network namespace, where the
// kernel refuses a fresh sysfs (sysfs belongs to a network namespace, and
// mounting one needs CAP_SYS_ADMIN in the user namespace that owns it), as
// rootless runc does.
func bindHostSys(target string) error {
	if err := mount("/sys", target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	return RemountReadOnly(target)
}
