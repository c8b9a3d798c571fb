package container

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
)

// netnsTestEnv names the test that a copy of this test binary runs inside
// a network namespace of its own (see inOwnNetns).
const netnsTestEnv = "UNBOXED_TEST_OWN_NETNS"

// inOwnNetns makes the calling test run in a network namespace of its own,
// which stands in for the host: its bridge, veths, addresses and nft rules
// are made there and go with it, and the machine's own network is never
// touched. The first call runs this test again, alone, in a copy of the
// test binary started in a new network namespace, reports its result and
// returns false (the caller returns); in that copy it brings lo up and
// returns true. The whole copy lives in the namespace, so no goroutine can
// wander into the host's (network namespaces are per thread).
func inOwnNetns(t *testing.T) bool {
	t.Helper()
	needRoot(t)
	if os.Getenv(netnsTestEnv) == t.Name() {
		lo, err := netlink.LinkByName("lo")
		if err == nil {
			err = netlink.LinkSetUp(lo)
		}
		if err != nil {
			t.Fatalf("bring up lo of the test's network namespace: %v", err)
		}
		return true
	}
	cmd := exec.Command(Self(), "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), netnsTestEnv+"="+t.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil:
		t.Fatalf("in its own network namespace: %v\n%s", err, out)
	case strings.Contains(string(out), "--- SKIP: "+t.Name()):
		t.Skipf("in its own network namespace:\n%s", out)
	case !strings.Contains(string(out), "--- PASS: "+t.Name()):
		t.Fatalf("in its own network namespace, the test did not run:\n%s", out)
	}
	return false
}

// hostLinks lists the test's "host" devices by name and kind, one a line
// (ip -o link without the counters that change).
func hostLinks(t *testing.T) string {
	t.Helper()
	links, err := netlink.LinkList()
	if err != nil {
		t.Fatalf("list links: %v", err)
	}
	var lines []string
	for _, l := range links {
		lines = append(lines, l.Attrs().Name+" "+l.Type())
	}
	return strings.Join(lines, "\n")
}
