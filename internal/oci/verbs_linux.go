package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// start opens the gate of a created container: its init execs
// process.args. Then the poststart hooks run.
func (s store) start(id string) error {
	r, err := s.load(id)
	if err != nil {
		return err
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	if st := r.status(); st != specs.StateCreated {
		return fmt.Errorf("container %q is %s: only a created container can be started", id, st)
	}
	// Non-blocking, so a gate whose init just died cannot hang start; the
	// init's open for writing, waiting already, then returns, and it
	// closes its end as it execs: EOF.
	fd, err := unix.Open(s.fifo(id), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open gate: %w", err)
	}
	f := os.NewFile(uintptr(fd), s.fifo(id))
	os.Remove(s.fifo(id))
	deadline := time.Now().Add(10 * time.Second)
	for r.status() == specs.StateCreated && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	f.Close()
	if r.status() == specs.StateCreated {
		return fmt.Errorf("container %q did not pass its gate within 10s", id)
	}
	if h := r.Hooks; h != nil && len(h.Poststart) > 0 {
		st := r.ociState()
		if err := runHooks("poststart", h.Poststart, st); err != nil {
			fmt.Fprintf(os.Stderr, "unboxed: warning: %v\n", err) // the runtime-spec: warn, carry on
		}
	}
	return nil
}

func (s store) state(w io.Writer, id string) error {
	r, err := s.load(id)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.ociState())
}

// kill signals a created or running container's process.
func (s store) kill(id, sig string) error {
	n, err := ParseSignal(sig)
	if err != nil {
		return err
	}
	r, err := s.load(id)
	if err != nil {
		return err
	}
	if st := r.status(); st == specs.StateStopped {
		return fmt.Errorf("container %q is stopped: nothing to signal", id)
	}
	if err := unix.Kill(r.Pid, n); err != nil {
		return fmt.Errorf("kill %d: %w", r.Pid, err)
	}
	return nil
}

// delete removes a stopped container (any container, with force: killed
// first) and runs its poststop hooks.
func (s store) delete(id string, force bool) error {
	r, err := s.load(id)
	if err != nil {
		return err
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	if st := r.status(); st != specs.StateStopped {
		if !force {
			return fmt.Errorf("container %q is %s: stop it first (unboxed kill %s KILL) or delete --force", id, st, id)
		}
		_ = unix.Kill(r.Pid, unix.SIGKILL)
		deadline := time.Now().Add(5 * time.Second)
		for r.status() != specs.StateStopped && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if r.status() != specs.StateStopped {
			return fmt.Errorf("container %q: its process %d outlived SIGKILL for 5s", id, r.Pid)
		}
	}
	if err := s.removeCgroup(id); err != nil {
		return err
	}
	if err := os.RemoveAll(s.dir(id)); err != nil {
		return err
	}
	if h := r.Hooks; h != nil && len(h.Poststop) > 0 {
		if err := runHooks("poststop", h.Poststop, r.ociState()); err != nil {
			fmt.Fprintf(os.Stderr, "unboxed: warning: %v\n", err)
		}
	}
	return nil
}

// list prints every container under the root, as runc list does.
func (s store) list(w io.Writer) error {
	entries, err := os.ReadDir(s.root)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPID\tSTATUS\tBUNDLE\tCREATED")
	for _, e := range entries {
		r, err := s.load(e.Name())
		if err != nil {
			continue // swept, or being created
		}
		st := r.ociState()
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", r.ID, st.Pid, st.Status, r.Bundle, r.Created.Format(time.RFC3339Nano))
	}
	return tw.Flush()
}

// ParseSignal reads a signal as kill(1) takes it: a name with or without
// SIG (TERM, SIGKILL) or a number.
func ParseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("signal %d: out of range (want e.g. TERM, SIGKILL or a number from 1 to 64)", n)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if n := unix.SignalNum(name); n != 0 {
		return n, nil
	}
	return 0, fmt.Errorf("signal %q: no such signal (want e.g. TERM, SIGKILL or 9)", s)
}
