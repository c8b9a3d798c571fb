package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container"
)

func TestRunSecurityFlags(t *testing.T) {
	if os.Geteuid() != 0 || runtime.GOOS != "linux" {
		t.Skip("runs containers as root: go test -exec sudo ./internal/cli")
	}
	mount := []string{"--", "/bin/sh", "-c", "mkdir -p /m && mount -t tmpfs none /m 2>/dev/null && exit 0 || exit 7"}
	for _, tc := range []struct {
		name  string
		flags []string
		cmd   []string
		code  int
		says  string
	}{
		{"default: no mount", nil, mount, 7, ""},
		{"--privileged mounts", []string{"--privileged"}, mount, 0, ""},
		{"--cap-add SYS_ADMIN mounts", []string{"--cap-add", "sys_admin"}, mount, 0, ""},
		{"--cap-drop ALL", []string{"--cap-drop", "ALL", "--verbose"}, []string{"true"}, 0, "CapEff=0000000000000000"},
		{"--verbose", []string{"--verbose"}, []string{"true"}, 0, "CapEff=00000000a80425fb CapBnd=00000000a80425fb CapAmb=0000000000000000 NoNewPrivs=1 Seccomp=2 uid_map=0,0,4294967295"},
		{"no-new-privileges=false", []string{"--security-opt", "no-new-privileges=false", "--verbose"}, []string{"true"}, 0, "NoNewPrivs=0"},
		{"seccomp=unconfined", []string{"--security-opt", "seccomp=unconfined", "--verbose"}, []string{"true"}, 0, "Seccomp=0"},
		{"--user", []string{"--user", "nobody", "--verbose"}, []string{"true"}, 0, "CapEff=0000000000000000"},
		{"--userns auto", []string{"--userns", "auto", "--verbose", "--", "/bin/sh", "-c", "touch /x && test $(id -u) = 0"}, nil, 0, usernsMaps()},
		{"--userns other", []string{"--userns", "host"}, []string{"true"}, 125, "the one mode is auto"},
		{"unknown capability", []string{"--cap-add", "NET_FOO"}, []string{"true"}, 125, `unknown capability "NET_FOO" (want a name of capabilities(7), e.g. NET_ADMIN`},
		{"unknown user", []string{"--user", "nosuchuser"}, []string{"true"}, 125, `no user "nosuchuser"`},
		{"unknown security-opt", []string{"--security-opt", "apparmor=x"}, []string{"true"}, 125, "want e.g. --security-opt no-new-privileges=false"},
		{"missing profile", []string{"--security-opt", "seccomp=/no/such.json"}, []string{"true"}, 125, "/no/such.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stderr := runCaptured(t, append(tc.flags, tc.cmd...)...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.says)
		})
	}
	code, stderr := runCaptured(t, "--", "true")
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr, "run prints nothing new by default")
}

func TestSecurityOptProfiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO"}]}`), 0o644))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO", "includes": {}}]}`), 0o644))
	var sec container.Security
	require.NoError(t, securityOpt(&sec, "seccomp="+good))
	require.NotNil(t, sec.Seccomp)
	assert.Equal(t, []string{"mount"}, sec.Seccomp.Syscalls[0].Names)
	err := securityOpt(&sec, "seccomp="+bad)
	assert.ErrorContains(t, err, `unknown field "includes"`)
	assert.True(t, strings.Contains(err.Error(), "want e.g."), err.Error())
	require.NoError(t, securityOpt(&sec, "no-new-privileges:false"))
	assert.True(t, sec.NewPrivileges)
	assert.ErrorContains(t, securityOpt(&sec, "no-new-privileges=maybe"), "want true or false")
}

// usernsMaps is what --verbose shows for --userns auto's uid_map.
func usernsMaps() string {
	r := container.SubordinateRange("root")
	return fmt.Sprintf("uid_map=0,%d,%d", r.HostUID, r.Size)
}
