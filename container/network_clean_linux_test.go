package container

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childBridgedRuntime is a runtime for TestKilledRuntimeLeavesNothing to
// SIGKILL: it starts a bridged container that sleeps, prints its address
// and waits.
const childBridgedRuntime = "container-test-bridged-runtime"

func init() {
	Register(childBridgedRuntime, func() {
		cfg := Config{Network: NetBridge, Overlay: true, StateDir: os.Args[1], Rootfs: os.Args[2],
			Namespaces: AllNamespaces, Args: []string{"sleep", "60"}}
		c, err := Start(context.Background(), cfg)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("started", c.IP())
		_, _ = c.Wait()
	})
}

// hostWithBridge is what hostLinks lists in a test's own network namespace
// with the bridge made and no container running.
const hostWithBridge = "lo device\n" + BridgeName + " bridge"

// linksSettled waits (up to ten seconds) for the host's devices to be
// want again, and returns them as they are then: the kernel removes the
// devices of a container's namespace from a work queue, a moment after
// the container ended.
func linksSettled(t *testing.T, want string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got := hostLinks(t); got == want {
			return got
		}
	}
	return hostLinks(t)
}

// leases lists the IPAM's lease files under stateDir.
func leases(t *testing.T, stateDir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(stateDir)
	var names []string
	for _, e := range entries {
		if ip, ok := strings.CutPrefix(e.Name(), leasePrefix); ok {
			names = append(names, ip)
		}
	}
	return names
}

func TestBadNetworkInputLeavesNothing(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	busy, err := net.Listen("tcp4", "127.0.0.1:8081")
	require.NoError(t, err)
	defer busy.Close()
	dir := t.TempDir()
	for _, c := range []struct {
		name, want string
		cfg        Config
	}{
		{"unknown mode", `network "bogus": not none, host or bridge (want e.g. --net bridge)`, Config{Network: "bogus"}},
		{"port 0", `publish "0:80": host port: "0" is not a port from 1 to 65535`, Config{Publish: []PortMapping{{0, 80}}}},
		{"port 70000", `publish "8080:70000": container port`, Config{Publish: []PortMapping{{8080, 70000}}}},
		{"publish without bridge", `publishing ports needs the bridge network, not "none"`, Config{Network: NetNone, Publish: []PortMapping{{8080, 80}}}},
		{"bad subnet", `subnet "10.0.0.0/33": not an IPv4 subnet`, Config{Network: NetBridge, Subnet: "10.0.0.0/33"}},
		{"port in use", "port 8081 is in use on 127.0.0.1 (pick another, e.g. 8082:80)", Config{Publish: []PortMapping{{8081, 80}}}},
		// The bridge exists now, with the default subnet's gateway.
		{"another subnet than the bridge's", "has 10.88.0.1/16, not the gateway 10.99.0.1/16 of subnet 10.99.0.0/16", Config{Network: NetBridge, Subnet: "10.99.0.0/16"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			withoutBridge := func(links string) string { return strings.ReplaceAll(links, "\n"+BridgeName+" bridge", "") }
			before := withoutBridge(hostLinks(t))
			cfg := c.cfg
			cfg.Namespaces, cfg.Rootfs, cfg.Overlay, cfg.StateDir = AllNamespaces, testRootfs(t), true, dir
			cfg.Args = []string{"/bin/true"}
			_, err := Run(context.Background(), cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Equal(t, ExitRuntimeError, ExitStatusOf(err))
			assert.Equal(t, before, withoutBridge(hostLinks(t)), "no device left behind (the bridge aside)")
			assert.Empty(t, leases(t, dir), "no address leased")
		})
	}
	for _, s := range []string{"0:80", "80", "70000:80", "8080:80/udp", "a:80", "1:2:3"} {
		_, err := ParsePublish(s)
		assert.ErrorContains(t, err, `publish "`+s+`"`, "the message names the value")
		assert.ErrorContains(t, err, "want e.g. 8080:80", "the message shows an accepted example")
	}
	p, err := ParsePublish("8080:80/tcp")
	assert.NoError(t, err)
	assert.Equal(t, PortMapping{8080, 80}, p)
}

func TestFiftyBridgedContainersLeaveNothing(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	dir := t.TempDir()
	out, code := runScript(t, bridged(dir), "true") // makes the bridge
	require.Equal(t, 0, code, out)
	before := linksSettled(t, hostWithBridge)
	for i := 0; i < 50; i++ {
		out, code := runScript(t, bridged(dir), "ip -o -4 addr show eth0")
		require.Equal(t, 0, code, out)
		require.Contains(t, out, "inet 10.88.0.2/16", "every container gets the lowest address: the last one gave it back")
	}
	assert.Equal(t, before, linksSettled(t, before), "the host's devices after 50 bridged containers")
	assert.Empty(t, leases(t, dir), "every address given back")
}

func TestKilledRuntimeLeavesNothing(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	dir := t.TempDir()
	out, code := runScript(t, bridged(dir), "true")
	require.Equal(t, 0, code, out)
	before := linksSettled(t, hostWithBridge)
	runtime := Command(childBridgedRuntime, dir, testRootfs(t))
	stdout, err := runtime.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, runtime.Start())
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	require.Equal(t, "started 10.88.0.2\n", line)
	require.Equal(t, []string{"10.88.0.2"}, leases(t, dir))
	require.NoError(t, runtime.Process.Signal(syscall.SIGKILL))
	_ = runtime.Wait()
	// The container dies with its runtime (Pdeathsig), its namespace with
	// it, and the veth with the namespace.
	assert.Equal(t, before, linksSettled(t, before), "the host's devices after the runtime was killed")
	// The dead runtime's lease is taken back by the next run.
	out, code = runScript(t, bridged(dir), "ip -o -4 addr show eth0")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "inet 10.88.0.2/16", "the dead runtime's address is free again")
	assert.Empty(t, leases(t, dir))

	// And by the stale sweep, without a run.
	stale := filepath.Join(dir, leasePrefix+"10.88.0.9")
	require.NoError(t, os.WriteFile(stale, []byte("999999999 deadbeef\n"), 0o600))
	removed, live, err := reclaimLeases(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{stale}, removed)
	assert.Equal(t, 0, live)
}

func TestBridgeNATIsATableOfItsOwn(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Skip("no nft: apt-get install nftables")
	}
	hosts := "table ip hostrules {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 9999 accept\n\t}\n}\n"
	cmd := exec.Command(nft, "-f", "-")
	cmd.Stdin = strings.NewReader(hosts)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	runOut, code := runScript(t, bridged(t.TempDir()), "true")
	require.Equal(t, 0, code, runOut)
	ruleset, err := exec.Command(nft, "list", "ruleset").CombinedOutput()
	require.NoError(t, err, "%s", ruleset)
	assert.Contains(t, string(ruleset), `ip saddr 10.88.0.0/16 oifname != "unboxed0" masquerade`)
	assert.Contains(t, string(ruleset), "tcp dport 9999 accept", "the host's own rules stay")
	forward, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	assert.Equal(t, "1\n", string(forward))
	linksSettled(t, hostWithBridge) // the container's veth is gone
	require.NoError(t, RemoveBridge())
	assert.Equal(t, "lo device", hostLinks(t), "the bridge removed")
	ruleset, _ = exec.Command(nft, "list", "ruleset").CombinedOutput()
	assert.NotContains(t, string(ruleset), "table ip unboxed")
	assert.Contains(t, string(ruleset), "tcp dport 9999 accept", "the host's own rules stay")
}

func TestCleanStaleNetworkRemovesTheUnusedBridge(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	dir := t.TempDir()
	cfg := bridged(dir)
	cfg.Namespaces, cfg.Rootfs, cfg.Args = AllNamespaces, testRootfs(t), []string{"sleep", "30"}
	c, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	removed, err := cleanStaleNetwork(dir)
	require.NoError(t, err)
	assert.NotContains(t, removed, "bridge "+BridgeName, "a running container's bridge stays")
	assert.Contains(t, hostLinks(t), BridgeName+" bridge")
	require.NoError(t, c.Signal(os.Kill))
	_, _ = c.Wait()
	linksSettled(t, hostWithBridge)
	removed, err = cleanStaleNetwork(dir)
	require.NoError(t, err)
	assert.Contains(t, removed, "bridge "+BridgeName)
	assert.Equal(t, "lo device", hostLinks(t), "the unused bridge is gone")
}
