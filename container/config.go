package container

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	// Init keeps a small init as PID 1 that runs the command as its child,
	// reaps orphaned processes and passes signals on. It needs the PID
	// namespace. False means the command itself is PID 1 of its namespace.
	Init bool
	// ForwardSignals passes SIGINT, SIGTERM, SIGHUP and SIGQUIT that the
	// runtime receives while the container runs on to the container.
	// False leaves the runtime's signal handling as it was.
	ForwardSignals bool
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
