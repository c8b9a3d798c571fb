//go:build linux

package cli

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container"
	"github.com/vishvananda/netlink"
)

// ownNetnsEnv names the test that a copy of this test binary runs in a
// network namespace of its own.
const ownNetnsEnv = "UNBOXED_CLI_TEST_OWN_NETNS"

// inOwnNetns runs the calling test again in a copy of the test binary in a
// new network namespace, which stands in for the host (its bridge and nft
// rules go with it), and returns false; in the copy it returns true.
func inOwnNetns(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for a network namespace: go test -exec sudo ./internal/cli")
	}
	if os.Getenv(ownNetnsEnv) == t.Name() {
		lo, err := netlink.LinkByName("lo")
		require.NoError(t, err)
		require.NoError(t, netlink.LinkSetUp(lo))
		return true
	}
	cmd := exec.Command(container.Self(), "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), ownNetnsEnv+"="+t.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "in its own network namespace:\n%s", out)
	require.Contains(t, string(out), "--- PASS: "+t.Name(), "in its own network namespace")
	return false
}

func TestRunRefusesBadNetworkFlags(t *testing.T) {
	for _, c := range []struct{ args, says string }{
		{"--net bogus", `network "bogus": not none, host or bridge (want e.g. --net bridge)`},
		{"-p 0:80", `publish "0:80": host port: "0" is not a port from 1 to 65535 (want e.g. 8080:80`},
		{"-p 80", `publish "80": not HOSTPORT:CONTAINERPORT (want e.g. 8080:80`},
		{"-p 70000:80", `publish "70000:80": host port: "70000" is not a port`},
		{"--publish 8080:80/udp", `publish "8080:80/udp": only tcp ports can be published (want e.g. 8080:80`},
		{"--net none -p 8080:80", `publishing ports needs the bridge network, not "none" (want e.g. --net bridge`},
	} {
		t.Run(c.args, func(t *testing.T) {
			code, stderr := runCaptured(t, append(strings.Fields(c.args), "--", "true")...)
			assert.Equal(t, container.ExitRuntimeError, code, stderr)
			assert.Contains(t, stderr, c.says)
		})
	}
}

func TestRunPortInUseIsExit125(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	busy, err := net.Listen("tcp4", "127.0.0.1:8080")
	require.NoError(t, err)
	defer busy.Close()
	code, stderr := runCaptured(t, "-p", "8080:80", "--", "true")
	assert.Equal(t, container.ExitRuntimeError, code, stderr)
	assert.Contains(t, stderr, "port 8080 is in use on 127.0.0.1 (pick another, e.g. 8081:80)")
}

func TestRunPublishedPortAnswersOnLoopback(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	done := make(chan int)
	go func() {
		// nc serves one connection with httpd in inetd mode, then the
		// container ends.
		done <- Run("unboxed", []string{"-p", "8080:80", "--", "/bin/sh", "-c",
			"mkdir /www && echo hello > /www/index.html && nc -l -p 80 -e httpd -i -h /www"})
	}()
	client := &http.Client{Timeout: 2 * time.Second}
	var body []byte
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var resp *http.Response
		if resp, err = client.Get("http://127.0.0.1:8080/"); err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			break
		}
	}
	require.NoError(t, err, "GET http://127.0.0.1:8080/")
	assert.Equal(t, "hello\n", string(body))
	assert.Equal(t, 0, <-done, "run's exit status")
}
