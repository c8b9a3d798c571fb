package container

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// runProfile runs a profile's filter in x/net/bpf's interpreter on a call
// with 64-bit arguments, each stored as the kernel's loads see it.
func runProfile(t *testing.T, p *SeccompProfile, nr uint32, args ...uint64) uint32 {
	t.Helper()
	rules, def, err := profileRules(p)
	require.NoError(t, err)
	filter, err := assembleSeccomp(rules, def)
	require.NoError(t, err)
	return runProgram(t, filter, auditArch, nr, args...)
}

func TestSeccompArgConditions(t *testing.T) {
	if auditArch == 0 {
		t.Skip("no seccomp table for GOARCH=" + runtime.GOARCH)
	}
	clone, personality, read := syscallNr("clone"), syscallNr("personality"), syscallNr("read")
	p := &SeccompProfile{DefaultAction: "SCMP_ACT_ERRNO", Syscalls: []SeccompRule{
		{Names: []string{"read"}, Action: "SCMP_ACT_ALLOW"},
		// clone only without namespace flags, as the OCI's default profile says
		{Names: []string{"clone"}, Action: "SCMP_ACT_ALLOW", ArgConditions: []SeccompArg{{Index: 0, Value: unix.CLONE_NEWNS | unix.CLONE_NEWUSER, ValueTwo: 0, Op: "SCMP_CMP_MASKED_EQ"}}},
		{Names: []string{"personality"}, Action: "SCMP_ACT_ALLOW", ArgConditions: []SeccompArg{{Index: 0, Value: 8, Op: "SCMP_CMP_EQ"}}},
	}}
	allow, eperm := uint32(unix.SECCOMP_RET_ALLOW), errnoRet(unix.EPERM)
	assert.Equal(t, allow, runProfile(t, p, read), "a rule without conditions")
	assert.Equal(t, allow, runProfile(t, p, clone, unix.CLONE_VM|unix.CLONE_THREAD), "clone without namespace flags")
	assert.Equal(t, eperm, runProfile(t, p, clone, unix.CLONE_VM|unix.CLONE_NEWUSER), "clone with a namespace flag falls to the default")
	assert.Equal(t, allow, runProfile(t, p, personality, 8), "an equal argument")
	assert.Equal(t, eperm, runProfile(t, p, personality, 9), "another argument")
	assert.Equal(t, eperm, runProfile(t, p, personality, 8|1<<32), "the high half counts too")
	assert.Equal(t, allow, runProfile(t, p, read), "rules after a conditional one still work")

	p.Syscalls[2].ArgConditions[0].Op = "SCMP_CMP_GT"
	_, _, err := profileRules(p)
	assert.ErrorContains(t, err, "SCMP_CMP_GT", "a comparison the filter cannot make is refused by name")
}
