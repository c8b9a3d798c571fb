package oci

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/unboxed-go/unboxed/container"
)

// Main runs one OCI verb with its arguments, with the state under root
// (DefaultRoot when empty), and returns the exit status: 0, the
// container's own status for run, or 125 when the runtime failed, with
// the reason on stderr.
func Main(prog, root, verb string, args []string) int {
	if root == "" {
		root = DefaultRoot()
	}
	s := store{root: root}
	fs := flag.NewFlagSet(prog+" "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o createOptions
	var force bool
	switch verb {
	case "create", "run":
		fs.StringVar(&o.bundle, "bundle", ".", "the bundle directory")
		fs.StringVar(&o.bundle, "b", ".", "the bundle directory")
		fs.StringVar(&o.pidFile, "pid-file", "", "write the container's PID here")
		fs.StringVar(&o.consoleSocket, "console-socket", "", "a socket for the terminal's master")
	case "delete":
		fs.BoolVar(&force, "force", false, "kill the container first")
		fs.BoolVar(&force, "f", false, "kill the container first")
	case "spec":
		fs.StringVar(&o.bundle, "bundle", ".", "the bundle directory")
		fs.StringVar(&o.bundle, "b", ".", "the bundle directory")
	}
	err := fs.Parse(args)
	if err == nil {
		err = dispatch(s, verb, fs.Args(), o, force)
	}
	var exit exitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit)
	}
	fmt.Fprintf(os.Stderr, "%s %s: %v\n", prog, verb, err)
	return container.ExitRuntimeError
}

// exitStatus is run's container's status, passed through as an error.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func dispatch(s store, verb string, args []string, o createOptions, force bool) error {
	want := func(n int, usage string) error {
		if len(args) < 1 {
			return fmt.Errorf("no container id given (want %s)", usage)
		}
		if len(args) > n {
			return fmt.Errorf("too many arguments (want %s)", usage)
		}
		return nil
	}
	switch verb {
	case "create":
		if err := want(1, "create [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET] ID"); err != nil {
			return err
		}
		_, _, err := s.create(args[0], o, true)
		return err
	case "run":
		if err := want(1, "run [--bundle DIR] [--pid-file FILE] ID"); err != nil {
			return err
		}
		return s.run(args[0], o)
	case "start":
		if err := want(1, "start ID"); err != nil {
			return err
		}
		return s.start(args[0])
	case "state":
		if err := want(1, "state ID"); err != nil {
			return err
		}
		return s.state(os.Stdout, args[0])
	case "kill":
		if err := want(2, "kill ID [SIGNAL], e.g. kill mybox TERM"); err != nil {
			return err
		}
		sig := "TERM"
		if len(args) == 2 {
			sig = args[1]
		}
		return s.kill(args[0], sig)
	case "delete":
		if err := want(1, "delete [--force] ID"); err != nil {
			return err
		}
		return s.delete(args[0], force)
	case "list":
		return s.list(os.Stdout)
	case "spec":
		return writeSpec(filepath.Join(o.bundle, "config.json"))
	}
	return fmt.Errorf("unknown verb (want one of %v)", Verbs)
}

// run is create, start and wait in one process: the container is this
// process's child, and its status becomes run's. It is deleted at the end.
func (s store) run(id string, o createOptions) error {
	c, _, err := s.create(id, o, false)
	if err != nil {
		return err
	}
	if err := s.start(id); err != nil {
		_ = s.delete(id, true)
		return err
	}
	code, _ := c.Wait()
	if err := s.delete(id, true); err != nil {
		return err
	}
	return exitStatus(code)
}
