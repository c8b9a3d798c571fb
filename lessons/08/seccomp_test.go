//go:build linux

package privileges_test

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/unboxed-go/unboxed/lessons/08"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// verdict runs your program in x/net/bpf's interpreter on a seccomp_data
// with arch and nr. The interpreter loads words big-endian, as in a
// packet, so the words are stored that way here: your program sees the
// numbers the kernel's native load would give it.
func verdict(l *lessontest.T, prog []unix.SockFilter, arch, nr uint32) uint32 {
	l.Helper()
	raw := make([]bpf.RawInstruction, len(prog))
	for i, f := range prog {
		raw[i] = bpf.RawInstruction{Op: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}
	}
	insns, ok := bpf.Disassemble(raw)
	l.True(ok, "a program of classic BPF instructions", fmt.Sprintf("%v", raw))
	vm, err := bpf.NewVM(insns)
	l.NoError(err, "checking your program (bpf.NewVM)")
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[0:], nr)
	binary.BigEndian.PutUint32(data[4:], arch)
	ret, err := vm.Run(data)
	l.NoError(err, "running your program")
	return uint32(ret)
}

func TestSeccompProgram(t *testing.T) {
	l := lessontest.New(t, "a-filter-in-bpf")
	defer l.Recover()
	const arch, mount, getpid = unix.AUDIT_ARCH_X86_64, 165, 39 // x86-64's numbers
	prog := privileges.SeccompProgram(arch, true, []uint32{mount, 250})
	eperm := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	for _, c := range []struct {
		what     string
		arch, nr uint32
		want     uint32
	}{
		{"mount, on the deny list", arch, mount, eperm},
		{"the second number of the list", arch, 250, eperm},
		{"getpid, off the list", arch, getpid, unix.SECCOMP_RET_ALLOW},
		{"a call of another architecture (i386)", unix.AUDIT_ARCH_I386, getpid, unix.SECCOMP_RET_KILL_PROCESS},
		{"mount through the x32 ABI", arch, 0x40000000 | mount, unix.SECCOMP_RET_KILL_PROCESS},
	} {
		got := verdict(l, prog, c.arch, c.nr)
		l.Equal(fmt.Sprintf("the verdict for %s (%#x)", c.what, c.nr), fmt.Sprintf("%#x", c.want), fmt.Sprintf("%#x", got))
	}
	noX32 := privileges.SeccompProgram(unix.AUDIT_ARCH_AARCH64, false, nil)
	l.Equal("the verdict for 0x40000027 without rejectX32 and an empty list", fmt.Sprintf("%#x", unix.SECCOMP_RET_ALLOW),
		fmt.Sprintf("%#x", verdict(l, noX32, unix.AUDIT_ARCH_AARCH64, 0x40000027)))
}
