package lessontest

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
	"github.com/vishvananda/netlink"
)

// ownNetworkEnv names the test that a copy of the test binary runs in a
// network namespace of its own.
const ownNetworkEnv = "UNBOXED_LESSON_OWN_NETNS"

// OwnNetwork gives the test a network namespace of its own to stand in for
// the host, so that its bridge, veths, addresses and firewall rules never
// touch the machine's network and go away with it. Call it right after
// NeedPrivileges:
//
//	if !l.OwnNetwork() {
//		return
//	}
//
// The first call runs this one test again in a copy of the test binary
// started in a new network namespace (as root, or as root of the user
// namespace the rootless run made), reports its result as this test's, and
// returns false. In the copy it brings lo up and returns true. The whole
// copy lives in the namespace, so no goroutine of it can run in the
// machine's (network namespaces belong to threads, not processes).
func (l *T) OwnNetwork() bool {
	l.Helper()
	if os.Getenv(ownNetworkEnv) == l.Name() {
		lo, err := netlink.LinkByName("lo")
		if err == nil {
			err = netlink.LinkSetUp(lo)
		}
		l.NoError(err, "bringing up lo in the test's network namespace")
		return true
	}
	cmd := exec.Command(container.Self(), "-test.run=^"+regexp.QuoteMeta(l.Name())+"$", "-test.count=1", "-test.v")
	cmd.Args[0] = os.Args[0]
	cmd.Env = append(os.Environ(), ownNetworkEnv+"="+l.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	data, err := cmd.CombinedOutput()
	out := string(data)
	switch {
	case strings.Contains(out, "--- PASS: "+l.Name()):
	case strings.Contains(out, "--- SKIP: "+l.Name()):
		l.Skip(out)
	case err != nil && strings.Contains(out, "--- FAIL: "+l.Name()):
		l.T.Fatalf("in the test's own network namespace:\n%s", out)
	default:
		l.Fatalf("want the test to run in a network namespace of its own, got: %v\n%s", err, out)
	}
	return false
}
