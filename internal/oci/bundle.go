// Package oci makes unboxed an OCI runtime: the runtime-spec's bundles
// (a config.json next to a root filesystem) mapped onto the library's
// Config, and runc's verbs (create, start, state, kill, delete, list,
// run, spec) with their state kept under a root directory, so that it
// survives the runtime's process.
//
// A container's life, as the verbs see it:
//
//	create   the init sets the container up and waits at a FIFO (the
//	         gate); the runtime writes state.json, runs the prestart
//	         and createRuntime hooks, and exits: status "created"
//	start    opens the gate: the init execs process.args ("running"),
//	         then the poststart hooks run
//	state    reads state.json and asks the kernel whether the process
//	         still lives (and is still the same one: its start time)
//	kill     signals it; delete removes what is left and runs poststop
package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/unboxed-go/unboxed/container"
)

// Bundle is a bundle's config.json mapped onto the library: the Config
// the init gets, and what the runtime does itself from outside.
type Bundle struct {
	Dir    string // the bundle directory, absolute
	Spec   *specs.Spec
	Config container.Config
	// Warnings name what the mapping applied otherwise than the file
	// says, never more loosely (an ambient capability that cannot be
	// raised, the device rule enforced without a device cgroup).
	Warnings []string
	// denyDevices: linux.resources.devices denies every device, which
	// the seccomp filter enforces (mapSeccomp).
	denyDevices bool
	// cgroup: linux.resources asks for memory, cpu or pids, or
	// linux.cgroupsPath is set; create then places the container's cgroup
	// (see placeCgroup).
	cgroup bool
	// cgroupsPath is linux.cgroupsPath; empty: unboxed-oci/<id>, under
	// the runtime's own cgroup.
	cgroupsPath string
}

// rlimits are the resources of getrlimit(2), at their numbers on the
// architectures Go's Linux ports use (asm-generic/resource.h).
var rlimits = map[string]int{
	"RLIMIT_CPU": 0, "RLIMIT_FSIZE": 1, "RLIMIT_DATA": 2, "RLIMIT_STACK": 3,
	"RLIMIT_CORE": 4, "RLIMIT_RSS": 5, "RLIMIT_NPROC": 6, "RLIMIT_NOFILE": 7,
	"RLIMIT_MEMLOCK": 8, "RLIMIT_AS": 9, "RLIMIT_LOCKS": 10, "RLIMIT_SIGPENDING": 11,
	"RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13, "RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15,
}

// LoadBundle reads dir/config.json and maps it. Errors name the file and
// the field at fault, with an example of what is accepted.
func LoadBundle(dir string) (*Bundle, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(abs, "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("bundle %s has no config.json (want one written by: unboxed spec --bundle %s)", abs, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	spec, err := ParseSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ToConfig(spec, abs)
}

// ParseSpec decodes a config.json strictly: bad JSON, a field of the wrong
// type and a field the runtime-spec does not have are errors that name
// the field.
func ParseSpec(data []byte) (*specs.Spec, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s specs.Spec
	if err := dec.Decode(&s); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			return nil, fmt.Errorf("field %s: a JSON %s where the runtime-spec wants a %s (want e.g. \"hostname\": \"box\")", typeErr.Field, typeErr.Value, typeErr.Type)
		case errors.As(err, &syntaxErr):
			return nil, fmt.Errorf("not valid JSON at byte %d: %v", syntaxErr.Offset, err)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return nil, fmt.Errorf("not valid JSON: it ends before the object does")
		}
		return nil, fmt.Errorf("%v (the runtime-spec's fields only; see unboxed spec)", err)
	}
	if !strings.HasPrefix(s.Version, "1.") {
		return nil, fmt.Errorf("ociVersion %q: want a runtime-spec 1.x version, e.g. %q", s.Version, specs.Version)
	}
	return &s, nil
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only types that always marshal come here
	}
	return data
}

// checkHooks accepts the hooks the runtime runs itself (prestart,
// createRuntime, poststart, poststop) and refuses those that run inside
// the container.
func checkHooks(h *specs.Hooks) error {
	if h == nil {
		return nil
	}
	if len(h.CreateContainer) > 0 || len(h.StartContainer) > 0 {
		return unsupported("hooks.createContainer, hooks.startContainer", "hooks in the container's namespaces; want prestart, createRuntime, poststart or poststop")
	}
	//lint:ignore SA1019 prestart is deprecated but still part of the runtime-spec, and runc runs it
	for _, list := range [][]specs.Hook{h.Prestart, h.CreateRuntime, h.Poststart, h.Poststop} {
		for _, hook := range list {
			if !filepath.IsAbs(hook.Path) {
				return fmt.Errorf("hooks: path %q is not absolute (want e.g. /usr/bin/true)", hook.Path)
			}
		}
	}
	return nil
}
