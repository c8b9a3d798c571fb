package container

import (
	"flag"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
)

// benchInOwnNetns runs the calling benchmark in a network namespace of its
// own, as inOwnNetns does for tests, so that its bridge and veths never
// touch the machine's network. The first call runs the benchmark again in
// a copy of the test binary in a new network namespace, copies its output
// and skips (the caller returns); in the copy it returns true.
func benchInOwnNetns(b *testing.B) bool {
	b.Helper()
	if os.Getenv(netnsTestEnv) == b.Name() {
		if lo, err := netlink.LinkByName("lo"); err == nil {
			_ = netlink.LinkSetUp(lo)
		}
		return true
	}
	args := []string{"-test.run=^$", "-test.bench=^" + b.Name() + "$"}
	for _, name := range []string{"test.benchtime", "test.count", "test.cpu", "test.benchmem"} {
		if f := flag.Lookup(name); f != nil {
			args = append(args, "-"+name+"="+f.Value.String())
		}
	}
	cmd := exec.Command(Self(), args...)
	cmd.Env = append(os.Environ(), netnsTestEnv+"="+b.Name())
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Run(); err != nil {
		b.Fatalf("in its own network namespace: %v", err)
	}
	b.SkipNow()
	return false
}
