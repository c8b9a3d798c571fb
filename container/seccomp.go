package container

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// SeccompProfile is a seccomp filter in the part of Docker's profile format
// (the JSON of docker run --security-opt seccomp=FILE) this runtime reads:
// a default action, and actions for system calls by name. Rules with args,
// includes or excludes are refused by ParseSeccompProfile, not ignored.
type SeccompProfile struct {
	// DefaultAction applies to every system call no rule names.
	DefaultAction string `json:"defaultAction"`
	// DefaultErrnoRet is the errno of a default SCMP_ACT_ERRNO; nil: EPERM.
	DefaultErrnoRet *uint `json:"defaultErrnoRet,omitempty"`
	// Syscalls are the rules, the first one that names a call wins.
	Syscalls []SeccompRule `json:"syscalls"`
}

// SeccompRule gives some system calls an action.
type SeccompRule struct {
	Names  []string `json:"names"`
	Action string   `json:"action"`
	// ErrnoRet is the errno of SCMP_ACT_ERRNO; nil: EPERM.
	ErrnoRet *uint `json:"errnoRet,omitempty"`
	// ArgConditions must all hold for the rule to apply (an OCI bundle's
	// args, internal/oci; a Docker profile's "args" are still refused by
	// ParseSeccompProfile). Nil: the rule applies to every call.
	ArgConditions []SeccompArg `json:"argConditions,omitempty"`
}

// SeccompArg is a condition on one argument of a system call: with Op
// SCMP_CMP_EQ the argument equals Value; with SCMP_CMP_MASKED_EQ the
// argument's bits in Value equal ValueTwo. Both compare all 64 bits.
type SeccompArg struct {
	Index    uint   `json:"index"`
	Value    uint64 `json:"value"`
	ValueTwo uint64 `json:"valueTwo"`
	Op       string `json:"op"`
}

// seccompActions are the actions a profile may name.
var seccompActions = []string{
	"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG",
}

// profileExample is shown with every refusal of a profile.
const profileExample = `want e.g. {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount", "keyctl"], "action": "SCMP_ACT_ERRNO"}]}`

// ParseSeccompProfile reads a profile in Docker's format. It refuses, by
// name, what this runtime does not apply (argument filters, includes and
// excludes, notify and trace actions), unknown actions, and system calls
// this architecture does not have: a filter that silently did less than
// its file says would be worse than none.
func ParseSeccompProfile(data []byte) (*SeccompProfile, error) {
	// The fields this runtime reads, and those it can ignore safely: the
	// filter always checks the native architecture and refuses others.
	var p struct {
		SeccompProfile
		Architectures []string        `json:"architectures"`
		ArchMap       json.RawMessage `json:"archMap"`
		Comment       string          `json:"comment"`
		Syscalls      []struct {
			SeccompRule
			Name    string `json:"name"` // the old, single-name form
			Comment string `json:"comment"`
		} `json:"syscalls"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("seccomp profile: %v: this runtime reads defaultAction, defaultErrnoRet and syscalls[].names, action and errnoRet (%s)", err, profileExample)
	}
	out := &SeccompProfile{DefaultAction: p.DefaultAction, DefaultErrnoRet: p.DefaultErrnoRet}
	if !slices.Contains(seccompActions, p.DefaultAction) {
		return nil, fmt.Errorf("seccomp profile: defaultAction %q is not one of %v (%s)", p.DefaultAction, seccompActions, profileExample)
	}
	for i, r := range p.Syscalls {
		rule := r.SeccompRule
		if r.Name != "" {
			rule.Names = append(rule.Names, r.Name)
		}
		if !slices.Contains(seccompActions, rule.Action) {
			return nil, fmt.Errorf("seccomp profile: syscalls[%d]: action %q is not one of %v (%s)", i, rule.Action, seccompActions, profileExample)
		}
		if len(rule.Names) == 0 {
			return nil, fmt.Errorf("seccomp profile: syscalls[%d] names no system call (%s)", i, profileExample)
		}
		for _, name := range rule.Names {
			if !knownSyscall(name) {
				return nil, fmt.Errorf("seccomp profile: syscalls[%d]: no system call %q on this architecture (%s)", i, name, profileExample)
			}
		}
		out.Syscalls = append(out.Syscalls, rule)
	}
	return out, nil
}
