package container

import (
	"encoding/binary"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// runFilter runs the default filter in x/net/bpf's interpreter on a
// seccomp_data with 32-bit arguments (runProgram).
func runFilter(t *testing.T, caps []string, arch, nr uint32, args ...uint32) uint32 {
	t.Helper()
	filter, err := assembleSeccomp(defaultSeccompRules(caps), unix.SECCOMP_RET_ALLOW)
	require.NoError(t, err)
	wide := make([]uint64, len(args))
	for i, a := range args {
		wide[i] = uint64(a)
	}
	return runProgram(t, filter, arch, nr, wide...)
}

// runProgram runs a filter in x/net/bpf's interpreter on a seccomp_data.
// The interpreter loads words big-endian, as packets are, so each word is
// stored the way the kernel's native-endian load sees it; a 64-bit
// argument is its low word, then its high word.
func runProgram(t *testing.T, filter []unix.SockFilter, arch, nr uint32, args ...uint64) uint32 {
	t.Helper()
	raw := make([]bpf.RawInstruction, len(filter))
	for i, f := range filter {
		raw[i] = bpf.RawInstruction{Op: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}
	}
	prog, ok := bpf.Disassemble(raw)
	require.True(t, ok)
	vm, err := bpf.NewVM(prog)
	require.NoError(t, err)
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[offNr:], nr)
	binary.BigEndian.PutUint32(data[offArch:], arch)
	for i, a := range args {
		binary.BigEndian.PutUint32(data[offArg0+8*i:], uint32(a))
		binary.BigEndian.PutUint32(data[offArg0+8*i+4:], uint32(a>>32))
	}
	ret, err := vm.Run(data)
	require.NoError(t, err)
	return uint32(ret)
}

func TestDefaultSeccompProgram(t *testing.T) {
	if auditArch == 0 {
		t.Skip("no seccomp table for GOARCH=" + runtime.GOARCH)
	}
	caps := DefaultCapabilities
	eperm, allow, kill := errnoRet(unix.EPERM), uint32(unix.SECCOMP_RET_ALLOW), uint32(unix.SECCOMP_RET_KILL_PROCESS)
	nr := syscallNr
	assert.Equal(t, eperm, runFilter(t, caps, auditArch, nr("mount"), 0), "mount")
	assert.Equal(t, eperm, runFilter(t, caps, auditArch, nr("keyctl"), 0), "keyctl")
	assert.Equal(t, allow, runFilter(t, caps, auditArch, nr("getpid"), 0), "getpid")
	assert.Equal(t, allow, runFilter(t, caps, auditArch, nr("clone"), uint32(unix.SIGCHLD)), "a plain fork")
	assert.Equal(t, eperm, runFilter(t, caps, auditArch, nr("clone"), unix.CLONE_NEWUSER|uint32(unix.SIGCHLD)), "clone with CLONE_NEWUSER")
	assert.Equal(t, errnoRet(unix.ENOSYS), runFilter(t, caps, auditArch, nr("clone3"), 0), "clone3")
	assert.Equal(t, eperm, runFilter(t, caps, auditArch, nr("mknodat"), 0, 0, unix.S_IFBLK|0o600), "mknodat of a block device")
	assert.Equal(t, eperm, runFilter(t, caps, auditArch, nr("mknodat"), 0, 0, unix.S_IFCHR|0o600), "mknodat of a character device")
	assert.Equal(t, allow, runFilter(t, caps, auditArch, nr("mknodat"), 0, 0, unix.S_IFIFO|0o600), "mknodat of a fifo")
	assert.Equal(t, kill, runFilter(t, caps, auditArch^1, nr("getpid"), 0), "a foreign architecture")
	if runtime.GOARCH == "amd64" {
		assert.Equal(t, kill, runFilter(t, caps, auditArch, x32SyscallBit|nr("getpid"), 0), "the x32 ABI")
	}
	withAdmin := append([]string{"CAP_SYS_ADMIN"}, caps...)
	assert.Equal(t, allow, runFilter(t, withAdmin, auditArch, nr("mount"), 0), "mount with CAP_SYS_ADMIN")
	assert.Equal(t, eperm, runFilter(t, withAdmin, auditArch, nr("keyctl"), 0), "keyctl even with CAP_SYS_ADMIN")
}

// BenchmarkDefaultSeccompFilter times building the default filter, the
// part of the security stage that is more than a handful of system calls.
//
//	go test -run XXX -bench DefaultSeccompFilter ./container
func BenchmarkDefaultSeccompFilter(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := assembleSeccomp(defaultSeccompRules(DefaultCapabilities), unix.SECCOMP_RET_ALLOW); err != nil {
			b.Fatal(err)
		}
	}
}

// A profile that refuses by default and does not name clone3 gets
// clone3 refused with ENOSYS, so that C libraries fall back to clone
// instead of failing to start threads; one that names it keeps its rule.
func TestProfileStubsClone3(t *testing.T) {
	if auditArch == 0 {
		t.Skip("no seccomp table for GOARCH=" + runtime.GOARCH)
	}
	stub := func(p *SeccompProfile) (uint32, bool) {
		rules, _, err := profileRules(p)
		require.NoError(t, err)
		for _, r := range rules {
			if r.nr == syscallNr("clone3") {
				return r.ret, true
			}
		}
		return 0, false
	}
	ret, ok := stub(&SeccompProfile{DefaultAction: "SCMP_ACT_ERRNO", Syscalls: []SeccompRule{{Names: []string{"read"}, Action: "SCMP_ACT_ALLOW"}}})
	require.True(t, ok, "want a clone3 rule in a profile that refuses by default")
	assert.Equal(t, errnoRet(unix.ENOSYS), ret)
	_, ok = stub(&SeccompProfile{DefaultAction: "SCMP_ACT_ALLOW"})
	assert.False(t, ok, "a profile that allows by default needs no stub")
	ret, _ = stub(&SeccompProfile{DefaultAction: "SCMP_ACT_ERRNO", Syscalls: []SeccompRule{{Names: []string{"clone3"}, Action: "SCMP_ACT_ALLOW"}}})
	assert.Equal(t, uint32(unix.SECCOMP_RET_ALLOW), ret, "the profile's own clone3 rule stands")
}
