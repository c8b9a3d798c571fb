package container

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// conditionalRule is the filter block of a rule with argument conditions:
// when the call is the rule's and every condition holds, return the
// rule's value; otherwise load the call's number again and go on to the
// next rule. Each 64-bit argument is compared as its two 32-bit halves
// (seccomp_data holds it that way; the filter's loads are 32 bits wide),
// low half first on these little-endian machines (seccomp(2)).
func conditionalRule(r seccompRule) []bpf.Instruction {
	block := []bpf.Instruction{nil} // the call check, filled in below
	var toReload []int              // the jumps to the reload at the end
	for _, c := range r.conds {
		mask, want := ^uint64(0), c.Value
		if c.Op == "SCMP_CMP_MASKED_EQ" {
			mask, want = c.Value, c.ValueTwo
		}
		for half := uint32(0); half < 2; half++ {
			block = append(block, bpf.LoadAbsolute{Off: offArg0 + 8*uint32(c.Index) + 4*half, Size: 4})
			if m := uint32(mask >> (32 * half)); m != ^uint32(0) {
				block = append(block, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: m})
			}
			toReload = append(toReload, len(block))
			block = append(block, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(want >> (32 * half))})
		}
	}
	block = append(block, bpf.RetConstant{Val: r.ret}, bpf.LoadAbsolute{Off: offNr, Size: 4})
	reload := len(block) - 1
	for _, j := range toReload {
		jump := block[j].(bpf.JumpIf)
		jump.SkipFalse = uint8(reload - j - 1)
		block[j] = jump
	}
	// Another call: past the whole block, its number still loaded.
	block[0] = bpf.JumpIf{Cond: bpf.JumpEqual, Val: r.nr, SkipFalse: uint8(len(block) - 1)}
	return block
}

// seccompArgOps are the comparisons a condition may use.
var seccompArgOps = []string{"SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ"}

// checkSeccompArgs refuses a condition this runtime cannot apply.
func checkSeccompArgs(args []SeccompArg) error {
	for _, a := range args {
		if a.Index > 5 {
			return fmt.Errorf("argument index %d: a system call has six, 0 to 5", a.Index)
		}
		if a.Op != seccompArgOps[0] && a.Op != seccompArgOps[1] {
			return fmt.Errorf("argument comparison %q: want one of %v", a.Op, seccompArgOps)
		}
	}
	return nil
}
