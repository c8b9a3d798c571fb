package container

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// Config describes one container. The zero value of every field is usable:
// it says what happens when the field is left out.
type Config struct {
	// Args is the command and its arguments. Args[0] is a path, or a name
	// looked up in the container's PATH. Required.
	Args []string
	// Env is the command's environment. Nil means a minimal one:
	// PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin and
	// HOME=/root (the runtime's own environment is never passed through).
	Env []string
	// Dir is the command's working directory. Empty means "/" when a
	// rootfs is set, else the runtime's own working directory.
	Dir string
	// Stdin, Stdout and Stderr are the command's streams. Nil means the
	// null device. An *os.File (a terminal, say) is handed over as it is.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Namespaces lists the namespaces to create for the container. Nil
	// means none: the command shares every namespace with the runtime.
	Namespaces []Namespace
	// Rootfs is the directory that becomes the container's root (a
	// relative path is taken from the runtime's working directory). It
	// needs the Mount namespace. Empty means the host's root directory.
	Rootfs string
	// Hostname names the container's UTS namespace; it needs UTS. Empty
	// leaves the name the namespace starts with (the host's).
	Hostname string
	// ReadOnly mounts the root read-only. False leaves it writable.
	ReadOnly bool
	// NoPivot changes the root with chroot(2) instead of pivot_root(2):
	// for filesystems pivot_root refuses (a ramdisk root). A chroot can
	// be escaped by a root process in the container (lesson 02). False:
	// pivot_root.
	NoPivot bool
	// Overlay puts the container's root on an overlay filesystem: Rootfs
	// and Layers are its read-only lower layers and every write lands in a
	// fresh upper directory of the container's own, so the rootfs never
	// changes and two containers on one rootfs never see each other's
	// files. False lets the container write to Rootfs itself.
	Overlay bool
	// Layers are more read-only directories stacked on top of Rootfs, the
	// last one on top; they need Overlay. Nil: the rootfs alone.
	Layers []string
	// KeepUpper is a directory (new or empty) that becomes the overlay's
	// upper directory and stays after the container ends, holding its
	// changes (see Changes). Empty: the upper directory is removed.
	KeepUpper string
	// StorageSize caps, in bytes, what a container with Overlay writes to
	// its root: the overlay's upper and work directories live on a tmpfs
	// of this size in the container's own mount namespace, and go with it.
	// Writing counts against Limits.Memory, as tmpfs pages do. 0 means
	// DefaultStorageSize. A kept upper (KeepUpper) stays on its disk, and
	// in a user namespace (rootless) the upper is in StateDir, uncapped.
	StorageSize int64
	// StateDir holds each container's state while it runs: the mount
	// point of its storage, or, with KeepUpper or rootless, the overlay's
	// directories. Empty means DefaultStateDir().
	StateDir string
	// Volumes are host directories bind-mounted into the container.
	Volumes []Volume
	// Limits caps the container's memory, processes and CPU through a
	// cgroup of its own, which the container's first process joins before
	// the command runs. The zero value makes no cgroup.
	Limits cgroups.Limits
	// Init keeps a small init as PID 1 that runs the command as its child,
	// reaps orphaned processes and passes signals on. It needs the PID
	// namespace. False means the command itself is PID 1 of its namespace.
	Init bool
	// ForwardSignals passes SIGINT, SIGTERM, SIGHUP and SIGQUIT that the
	// runtime receives while the container runs on to the container; a
	// second SIGINT kills it. When the container's stdin is the terminal
	// whose foreground process group the runtime is in, Ctrl-C and Ctrl-\
	// reach the container from the terminal and are not passed on a
	// second time (with Init, the init skips them too). False leaves the
	// runtime's signal handling as it was.
	ForwardSignals bool
	// User is who the command runs as: UID[:GID], or NAME[:GROUP] from
	// the container's /etc/passwd and /etc/group (docker run --user).
	// Empty: root of the container, uid 0 and gid 0.
	User string
	// UserRange maps the User namespace (which it needs, with a rootfs,
	// Overlay and root) onto a range of host ids, so that root inside is
	// an unprivileged uid outside (docker run --userns-remap; see
	// SubordinateRange). The rootfs is copied once with its owners
	// shifted into the range. The zero value: the User namespace, when
	// asked for, maps the caller's own uid and gid to 0.
	UserRange IDRange
	// Security is what the command may do. The zero value is safe:
	// Docker's default capabilities, no_new_privs and seccomp filter.
	Security Security
	// Network is how the container reaches the network (see NetworkMode).
	// Empty means NetNone, or NetBridge when Publish lists ports. Without
	// the Network namespace in Namespaces the container shares the host's
	// network, as with NetHost; NetBridge then is an error.
	Network NetworkMode
	// Publish forwards TCP ports of the host's 127.0.0.1 and of the bridge
	// to the container (docker run -p); it needs NetBridge. Nil: none.
	Publish []PortMapping
	// Subnet is the bridge's IPv4 subnet for NetBridge, in CIDR notation;
	// its first address is the gateway. Empty means DefaultSubnet.
	Subnet string
	// Extras are what an OCI bundle may ask for beyond the fields above
	// (a start gate, sysctls, mounts, devices, ...). The zero value: none.
	Extras
}

// Volume is a host directory mounted into the container.
type Volume struct {
	Host      string // an existing directory on the host
	Container string // an absolute path inside the container; created if missing
	ReadOnly  bool   // false: the container may write to it
}

// ParseVolume reads HOST:CONTAINER[:ro], as docker run -v takes it.
func ParseVolume(s string) (Volume, error) {
	parts := strings.Split(s, ":")
	bad := func(why string) (Volume, error) {
		return Volume{}, fmt.Errorf("volume %q: %s (want e.g. ./data:/data or /srv:/srv:ro)", s, why)
	}
	if len(parts) < 2 || len(parts) > 3 {
		return bad("not HOST:CONTAINER[:ro]")
	}
	v := Volume{Host: parts[0], Container: parts[1]}
	if len(parts) == 3 {
		if parts[2] != "ro" && parts[2] != "rw" {
			return bad("the option must be ro or rw")
		}
		v.ReadOnly = parts[2] == "ro"
	}
	if v.Host == "" || !filepath.IsAbs(v.Container) {
		return bad("the container path must be absolute")
	}
	return v, nil
}

// defaultEnv is the environment a container gets when Config.Env is nil.
var defaultEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
}

// validate checks what can be checked before anything is started.
func (c *Config) validate() error {
	if len(c.Args) == 0 || c.Args[0] == "" {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf(`no command given (want e.g. Args: []string{"/bin/sh", "-c", "echo hi"})`)}
	}
	if c.Init && !c.has(PID) {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("an init needs the PID namespace (want e.g. Namespaces: []Namespace{PID})")}
	}
	if c.Hostname != "" {
		if !c.has(UTS) {
			return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("hostname %q needs the UTS namespace (want e.g. Namespaces: []Namespace{UTS})", c.Hostname)}
		}
		if err := validHostname(c.Hostname); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "config", Err: err}
		}
	}
	if c.Rootfs != "" {
		if !c.has(Mount) {
			return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("rootfs %q needs the mount namespace (want e.g. Namespaces: container.AllNamespaces)", c.Rootfs)}
		}
		abs, err := filepath.Abs(c.Rootfs)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "rootfs", Path: c.Rootfs, Err: err}
		}
		info, err := os.Stat(abs)
		switch {
		case err != nil:
			return &Error{Code: ExitRuntimeError, Op: "rootfs", Path: abs, Err: fmt.Errorf("%w (want a directory with a root filesystem, e.g. one made by BuildRootfs)", err)}
		case !info.IsDir():
			return &Error{Code: ExitRuntimeError, Op: "rootfs", Path: abs, Err: fmt.Errorf("not a directory (want a directory with a root filesystem, e.g. one made by BuildRootfs)")}
		}
		c.Rootfs = abs
	}
	if err := c.validateLayers(); err != nil {
		return err
	}
	if _, err := c.Security.Capabilities(); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: err}
	}
	if c.Security.Seccomp != nil && (c.Security.SeccompUnconfined || c.Security.Privileged) {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("a seccomp profile and an unconfined or privileged container contradict each other (want one of them)")}
	}
	if err := c.validateStorage(); err != nil {
		return err
	}
	if err := c.validateNetwork(); err != nil {
		return err
	}
	if err := c.validateExtras(); err != nil {
		return err
	}
	if c.ReadOnly && c.Rootfs == "" {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("a read-only root needs a rootfs (the host's root stays as it is)")}
	}
	return nil
}

func (c *Config) has(ns Namespace) bool { return hasNamespace(c.Namespaces, ns) }

func hasNamespace(namespaces []Namespace, ns Namespace) bool {
	for _, n := range namespaces {
		if n == ns {
			return true
		}
	}
	return false
}

// validateLayers checks the overlay's layers and the volumes.
func (c *Config) validateLayers() error {
	if (len(c.Layers) > 0 || c.KeepUpper != "") && !c.Overlay {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("layers and a kept upper directory need Overlay")}
	}
	if c.Overlay && c.Rootfs == "" {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("an overlay needs a rootfs for its lowest layer")}
	}
	for i, l := range c.Layers {
		abs, err := absDir(l)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "layer", Path: l, Err: fmt.Errorf("%w (want a directory, e.g. --layer ./mylayer)", err)}
		}
		c.Layers[i] = abs
	}
	for i, v := range c.Volumes {
		abs, err := absDir(v.Host)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "volume", Path: v.Host, Err: fmt.Errorf("%w (want an existing host directory, e.g. ./data:/data)", err)}
		}
		if !filepath.IsAbs(v.Container) {
			return &Error{Code: ExitRuntimeError, Op: "volume", Path: v.Container, Err: fmt.Errorf("not an absolute path (want e.g. /data)")}
		}
		c.Volumes[i].Host = abs
	}
	return nil
}

func absDir(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%s is not a directory", abs)
	}
	return abs, nil
}
