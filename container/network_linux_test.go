package container

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
)

// runScript runs script with /bin/sh in a container of cfg on the test
// rootfs and returns its output and exit status.
func runScript(t *testing.T, cfg Config, script string) (string, int) {
	t.Helper()
	if cfg.Namespaces == nil {
		cfg.Namespaces = AllNamespaces
	}
	cfg.Rootfs = testRootfs(t)
	cfg.Args = []string{"/bin/sh", "-c", script}
	var out strings.Builder
	cfg.Stdout, cfg.Stderr = &out, &out
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, err := Run(ctx, cfg)
	require.NoError(t, err, "run %q: %s", script, out.String())
	return out.String(), code
}

// bridged is a NetBridge container's config with its state under dir.
func bridged(dir string) Config {
	return Config{Network: NetBridge, Overlay: true, StateDir: dir, Hostname: "box"}
}

func TestNetNoneHasOnlyLoopbackUp(t *testing.T) {
	needRoot(t)
	out, code := runScript(t, Config{Overlay: true, StateDir: t.TempDir()}, "ip -o link; ip -o -4 addr")
	require.Equal(t, 0, code, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, "want one link (lo) and one address, got:\n%s", out)
	assert.Regexp(t, `^1: lo: <LOOPBACK,UP,LOWER_UP>`, lines[0])
	assert.Contains(t, lines[1], "lo    inet 127.0.0.1/8")
}

func TestNetHostSeesTheHostsDevices(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	pair := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "ubxtesta"}, PeerName: "ubxtestb"}
	require.NoError(t, netlink.LinkAdd(pair))
	out, code := runScript(t, Config{Network: NetHost, Overlay: true, StateDir: t.TempDir()}, "ip -o link")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "ubxtestb", "want --net host to show the host's devices")
}

func TestBridgeGivesAddressRouteAndFiles(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	rootfsHosts, _ := os.ReadFile(filepath.Join(testRootfs(t), "etc/hosts"))
	out, code := runScript(t, bridged(t.TempDir()), `ip -o -4 addr show eth0; ip route show default; cat /sys/class/net/eth0/address
cat /etc/hosts /etc/hostname; ping -c 1 -W 2 10.88.0.1 >/dev/null && echo gateway answers`)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "eth0    inet 10.88.0.2/16", "the first address after the gateway")
	assert.Contains(t, out, "default via 10.88.0.1 dev eth0")
	assert.Contains(t, out, "02:42:0a:58:00:02\n", "the MAC address made from the IP address, as Docker makes it")
	assert.Contains(t, out, "10.88.0.2\tbox\n", "/etc/hosts names the container")
	assert.Contains(t, out, "\nbox\n", "/etc/hostname")
	assert.Contains(t, out, "gateway answers")
	after, _ := os.ReadFile(filepath.Join(testRootfs(t), "etc/hosts"))
	assert.Equal(t, string(rootfsHosts), string(after), "the rootfs's /etc/hosts stays as it was")
	br, err := netlink.LinkByName(BridgeName)
	require.NoError(t, err, "the bridge stays")
	addrs, _ := netlink.AddrList(br, netlink.FAMILY_V4)
	require.Len(t, addrs, 1)
	assert.Equal(t, "10.88.0.1/16", addrs[0].IPNet.String())
}

func TestBridgeContainersReachEachOther(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	dir := t.TempDir()
	cfg := bridged(dir)
	cfg.Namespaces, cfg.Rootfs = AllNamespaces, testRootfs(t)
	cfg.Args = []string{"/bin/sh", "-c", "nc -l -p 7000 -e /bin/echo hello from a"}
	var outA strings.Builder
	cfg.Stdout, cfg.Stderr = &outA, &outA
	a, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	defer a.Signal(os.Kill) //nolint:errcheck // ended already when the test passes
	require.NotNil(t, a.IP())
	out, code := runScript(t, bridged(dir), fmt.Sprintf(`ping -c 1 -W 2 %[1]s >/dev/null && echo ping answers
for i in $(seq 100); do nc %[1]s 7000 2>/dev/null && exit 0; sleep 0.05; done; exit 1`, a.IP()))
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "ping answers")
	assert.Contains(t, out, "hello from a")
	codeA, err := a.Wait()
	assert.NoError(t, err)
	assert.Equal(t, 0, codeA, outA.String())
}

func TestPublishAnswersOnLoopbackAndBridge(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	cfg := bridged(t.TempDir())
	cfg.Publish = []PortMapping{{HostPort: 8080, ContainerPort: 80}}
	cfg.Namespaces, cfg.Rootfs = AllNamespaces, testRootfs(t)
	cfg.Args = []string{"/bin/sh", "-c", "mkdir /www && echo hello from httpd > /www/index.html && exec httpd -f -p 80 -h /www"}
	var out strings.Builder
	cfg.Stdout, cfg.Stderr = &out, &out
	c, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	for _, host := range []string{"127.0.0.1", "10.88.0.1"} {
		body, err := getWhenUp("http://" + host + ":8080/")
		require.NoError(t, err, "GET on %s:8080; container output: %s", host, out.String())
		assert.Equal(t, "hello from httpd\n", body)
	}
	require.NoError(t, c.Signal(os.Kill))
	_, _ = c.Wait()
	_, err = net.DialTimeout("tcp", "127.0.0.1:8080", time.Second)
	assert.Error(t, err, "want the port closed once the container ended")
}

// getWhenUp GETs url, trying again while the server in the container is
// not listening yet (the proxy then closes the connection); it gives up
// after ten seconds.
func getWhenUp(url string) (string, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	var lastErr error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := client.Get(url)
		if err != nil {
			lastErr = err
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(body), err
	}
	return "", lastErr
}

// In a user namespace without a network namespace of its own (rootless
// --net host) the kernel refuses a fresh sysfs: /sys is the host's, bound
// read-only.
func TestNetHostInAUserNamespaceBindsSys(t *testing.T) {
	needRoot(t)
	if err := UserNamespacesBlocked(); err != nil {
		t.Skip(err)
	}
	cfg := Config{Namespaces: append([]Namespace{User}, AllNamespaces...), Network: NetHost, Overlay: true, StateDir: t.TempDir()}
	out, code := runScript(t, cfg, "ls /sys/class/net; touch /sys/x 2>&1")
	require.Equal(t, 1, code, out)
	host, err := os.ReadDir("/sys/class/net")
	require.NoError(t, err)
	for _, d := range host {
		assert.Contains(t, out, d.Name()+"\n", "the host's devices under /sys/class/net")
	}
	assert.Contains(t, out, "Read-only file system")
}
