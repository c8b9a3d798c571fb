//go:build linux

package network_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"github.com/vishvananda/netlink"
)

func TestLoopbackIsUp(t *testing.T) {
	l := lessontest.New(t, "loopback")
	defer l.Recover()
	l.NeedPrivileges()
	out, code := l.RunContainer(container.Config{}, "ip -o link; ip -o -4 addr; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo ping answers")
	l.Equal(fmt.Sprintf("the exit code of the loopback check (output %q)", out), 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	l.True(len(lines) == 3, "one device, lo, with one IPv4 address, and a ping that answers", fmt.Sprintf("%q", out))
	l.Contains("ip -o link in a --net none container", lines[0], "lo: <LOOPBACK,UP,LOWER_UP>")
	l.Contains("ip -o -4 addr in a --net none container", lines[1], "inet 127.0.0.1/8")
	l.Equal("the ping of 127.0.0.1", "ping answers", lines[2])
}

func TestEchoOverTheVeth(t *testing.T) {
	l := lessontest.New(t, "a-cable-the-veth-pair")
	defer l.Recover()
	if !needNetwork(l) {
		return
	}
	cfg := bridged(l.TempDir())
	cfg.Namespaces, cfg.Rootfs = container.AllNamespaces, l.Rootfs()
	cfg.Args = []string{"/bin/sh", "-c", "ip -o link show eth0; nc -l -p 7000 -e /bin/cat"}
	var out strings.Builder
	cfg.Stdout, cfg.Stderr = &out, &out
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := container.Start(ctx, cfg)
	l.NoError(err, "starting a container on the bridge")
	defer c.Signal(os.Kill) //nolint:errcheck // ended already when the test passes

	// The host's end: on the bridge, up.
	var hostEnd netlink.Link
	links, err := netlink.LinkList()
	l.NoError(err, "listing the host's devices")
	for _, link := range links {
		if _, ok := link.(*netlink.Veth); ok {
			hostEnd = link
		}
	}
	l.True(hostEnd != nil, "a veth device on the host while the container runs", "none: "+hostLinks(l))
	br, err := netlink.LinkByName(container.BridgeName)
	l.NoError(err, "finding the bridge "+container.BridgeName)
	l.Equal("the master of the host's end "+hostEnd.Attrs().Name+" (the bridge's index)", br.Attrs().Index, hostEnd.Attrs().MasterIndex)
	l.True(hostEnd.Attrs().Flags&net.FlagUp != 0, "the host's end "+hostEnd.Attrs().Name+" up", hostEnd.Attrs().Flags.String())

	// A TCP echo across the cable.
	var conn net.Conn
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if conn, err = net.DialTimeout("tcp", net.JoinHostPort(c.IP().String(), "7000"), time.Second); err == nil {
			break
		}
	}
	l.NoError(err, fmt.Sprintf("connecting to nc in the container at %s:7000 (its output: %q)", c.IP(), out.String()))
	_, err = conn.Write([]byte("hello over the veth\n"))
	l.NoError(err, "writing to the container")
	_ = conn.(*net.TCPConn).CloseWrite()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	echo, err := io.ReadAll(conn)
	conn.Close()
	l.NoError(err, "reading the echo")
	l.Equal("the container's echo", "hello over the veth\n", string(echo))
	code, _ := c.Wait()
	l.Equal(fmt.Sprintf("the container's exit code (output %q)", out.String()), 0, code)
	l.Contains("the container's ip -o link show eth0", out.String(), "eth0@")
}

func TestTwoContainersOnOneBridge(t *testing.T) {
	l := lessontest.New(t, "the-bridge")
	defer l.Recover()
	if !needNetwork(l) {
		return
	}
	dir := l.TempDir()
	cfg := bridged(dir)
	cfg.Namespaces, cfg.Rootfs = container.AllNamespaces, l.Rootfs()
	cfg.Args = []string{"/bin/sh", "-c", "nc -l -p 7000 -e /bin/echo hello from a"}
	var outA strings.Builder
	cfg.Stdout, cfg.Stderr = &outA, &outA
	a, err := container.Start(context.Background(), cfg)
	l.NoError(err, "starting container a on the bridge")
	defer a.Signal(os.Kill) //nolint:errcheck // ended already when the test passes
	script := fmt.Sprintf(`ping -c 1 -W 2 %[1]s >/dev/null && echo ping answers
for i in $(seq 100); do nc %[1]s 7000 2>/dev/null && exit 0; sleep 0.05; done; exit 1`, a.IP())
	out, code := l.RunContainer(bridged(dir), script)
	l.Equal(fmt.Sprintf("the exit code of container b reaching a at %s (output %q)", a.IP(), out), 0, code)
	l.Contains("container b's output", out, "ping answers")
	l.Contains("container b's output", out, "hello from a")
	codeA, _ := a.Wait()
	l.Equal(fmt.Sprintf("container a's exit code (output %q)", outA.String()), 0, codeA)
}

func TestDefaultRouteReachesBeyondTheBridge(t *testing.T) {
	l := lessontest.New(t, "addresses-and-routes")
	defer l.Recover()
	if !needNetwork(l) {
		return
	}
	// An address of the host's own outside the bridge's subnet: only a
	// default route through the gateway leads there.
	lo, err := netlink.LinkByName("lo")
	l.NoError(err, "finding the host's lo")
	far, _ := netlink.ParseAddr("192.0.2.1/32") // TEST-NET-1 (RFC 5737)
	l.NoError(netlink.AddrAdd(lo, far), "adding 192.0.2.1 to the host's lo")
	out, code := l.RunContainer(bridged(l.TempDir()), `ip -o -4 addr show eth0; ip route
ping -c 1 -W 2 10.88.0.1 >/dev/null && echo gateway answers
ping -c 1 -W 2 192.0.2.1 >/dev/null && echo far address answers`)
	l.Equal(fmt.Sprintf("the exit code of the route check (output %q)", out), 0, code)
	l.Contains("ip -o -4 addr show eth0", out, "inet 10.88.0.2/16")
	l.Contains("ip route", out, "default via 10.88.0.1 dev eth0")
	l.Contains("ip route", out, "10.88.0.0/16 dev eth0")
	l.Contains("the ping of the gateway", out, "gateway answers")
	l.Contains("the ping of 192.0.2.1, beyond the bridge", out, "far address answers")
}

func TestHostsNamesTheContainer(t *testing.T) {
	l := lessontest.New(t, "names")
	defer l.Recover()
	if !needNetwork(l) {
		return
	}
	out, code := l.RunContainer(bridged(l.TempDir()), `cat /etc/hostname; grep -w box /etc/hosts
ping -c 1 -W 2 box | head -1`)
	l.Equal(fmt.Sprintf("the exit code of the names check (output %q)", out), 0, code)
	l.Equal("/etc/hostname, /etc/hosts's line for box, and ping box", "box\n10.88.0.2\tbox\nPING box (10.88.0.2): 56 data bytes\n", out)
}

func TestDevicesGoneAfterExit(t *testing.T) {
	l := lessontest.New(t, "cleaning-up")
	defer l.Recover()
	if !needNetwork(l) {
		return
	}
	dir := l.TempDir()
	for i := 0; i < 5; i++ {
		out, code := l.RunContainer(bridged(dir), "true")
		l.Equal(fmt.Sprintf("the exit code of bridged container %d (output %q)", i+1, out), 0, code)
	}
	// One that never starts its command: the devices must go all the same.
	_, err := container.Run(context.Background(), container.Config{Network: container.NetBridge, Overlay: true, StateDir: dir,
		Namespaces: container.AllNamespaces, Rootfs: l.Rootfs(), Args: []string{"/no/such/program"}})
	l.Error(err, "running a program that does not exist")
	want := "lo device\n" + container.BridgeName + " bridge"
	l.Equal("the host's devices after six bridged containers (only lo and the bridge)", want, linksSettle(l, want))
}
