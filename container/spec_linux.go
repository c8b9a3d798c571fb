package container

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
)

// spec is what the runtime sends its container's init over the spec pipe:
// the part of Config that the child needs, in a form that survives JSON.
type spec struct {
	Args       []string
	Env        []string
	Dir        string
	Init       bool
	Namespaces []Namespace
	Rootfs     string
	Hostname   string
	ReadOnly   bool
	NoPivot    bool
	// The overlay, when there is one: the layers bottom first, and the
	// container's own directories.
	Lowers              []string
	Upper, Work, Merged string
	// Volatile: the upper directory is thrown away after the container,
	// so the overlay need not sync it (mount option volatile, Linux 5.10).
	Volatile bool
	// StorageSize, when not 0, is the size of the tmpfs the init mounts
	// on Storage (the container's state directory) for upper, work and
	// merged (mountStorage).
	Storage     string
	StorageSize int64
	Volumes     []Volume
	// TerminalKeys: the container shares the runtime's terminal and its
	// foreground process group, so the terminal delivers the keys'
	// signals (SIGINT, SIGQUIT) to every process itself; the init must
	// not pass them on a second time.
	TerminalKeys bool
	// Pids is the pids limit for the init to write to pids.max (open at
	// pidsLimitFd) just before it runs the command; "" when the runtime
	// set it already, or there is none.
	Pids string
	// What the command may do (security_linux.go): the options, the
	// capabilities they come to, and the user to run as.
	Security Security
	Caps     []string
	User     string
	// Address (CIDR) and Gateway of the container's eth0 on the bridge;
	// "" without one (network_linux.go).
	Address, Gateway string
	// NetFiles are /etc/hosts, /etc/hostname and /etc/resolv.conf for
	// the init to write into the overlay, by name (network_linux.go).
	NetFiles map[string]string
	// What an OCI bundle asks for besides (extras_linux.go). It crosses
	// the pipe as ExtrasJSON, and only when set: encoding/json builds the
	// encoders of every type a struct holds, all the way down, the first
	// time it meets the struct, and on both sides of the pipe (its decoder
	// builds them too). Extras holds most of the spec's types and is empty
	// but for OCI bundles, so a plain run would pay for them twice, a
	// tenth of a millisecond or more of every container's start.
	Extras     Extras          `json:"-"`
	ExtrasJSON json.RawMessage `json:",omitempty"`
}

// encode writes s for the init to read with decodeSpec.
func (s spec) encode(w io.Writer) error {
	if !reflect.ValueOf(s.Extras).IsZero() {
		data, err := json.Marshal(s.Extras)
		if err != nil {
			return err
		}
		s.ExtrasJSON = data
	}
	return json.NewEncoder(w).Encode(s)
}

// decodeSpec reads what encode wrote.
func decodeSpec(r io.Reader) (spec, error) {
	var s spec
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return spec{}, err
	}
	if len(s.ExtrasJSON) > 0 {
		if err := json.Unmarshal(s.ExtrasJSON, &s.Extras); err != nil {
			return spec{}, err
		}
		s.ExtrasJSON = nil
	}
	return s, nil
}

func newSpec(cfg Config) spec {
	s := spec{
		Args: cfg.Args, Env: cfg.Env, Dir: cfg.Dir, Init: cfg.Init, Namespaces: cfg.Namespaces,
		Rootfs: cfg.Rootfs, Hostname: cfg.Hostname, ReadOnly: cfg.ReadOnly, NoPivot: cfg.NoPivot,
		Volumes: cfg.Volumes, Security: cfg.Security, User: cfg.User, Extras: cfg.Extras,
	}
	s.Caps, _ = cfg.Security.Capabilities() // validate checked it
	if s.Env == nil {
		s.Env = defaultEnv
	}
	return s
}

func (s spec) has(ns Namespace) bool { return hasNamespace(s.Namespaces, ns) }

// failure is what the init reports when a step fails before the command runs.
type failure struct {
	Code int
	Op   string
	Path string
	Msg  string
}

func (f failure) error() *Error {
	return &Error{Code: f.Code, Op: f.Op, Path: f.Path, Err: errors.New(f.Msg)}
}
