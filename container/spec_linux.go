package container

import "errors"

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
	// What an OCI bundle asks for besides (extras_linux.go).
	Extras Extras
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
