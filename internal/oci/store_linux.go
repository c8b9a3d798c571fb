package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/unboxed-go/unboxed/container"
)

// DefaultRoot is where the verbs keep their state when --root is not
// given: oci/ in the library's state directory.
func DefaultRoot() string { return filepath.Join(container.DefaultStateDir(), "oci") }

// record is what create writes to ROOT/ID/state.json; the status is never
// stored but read from the kernel each time (status).
type record struct {
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	StartTime   uint64            `json:"startTime"` // /proc/PID/stat field 22: tells a reused PID apart
	Bundle      string            `json:"bundle"`
	Created     time.Time         `json:"created"`
	Annotations map[string]string `json:"annotations,omitempty"`
	// Hooks are the bundle's, kept for start and delete: the bundle may
	// change or go before they run.
	Hooks *specs.Hooks `json:"hooks,omitempty"`
}

// store is the root directory of the verbs' state.
type store struct{ root string }

// validID is runc's rule for a container id: no slash, no "..", nothing
// a path could misread: `^[\w+\-.]+$`, by hand, since package regexp would
// add its tables to the binary's initialisation, which every container's
// init pays for too.
func validID(id string) bool {
	if id == "" {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_+-.", c) >= 0) {
			return false
		}
	}
	return true
}

func checkID(id string) error {
	if id == "" {
		return errors.New("no container id given (want e.g. unboxed create --bundle DIR mybox)")
	}
	if !validID(id) || id == "." || id == ".." {
		return fmt.Errorf("container id %q: want letters, digits, '_', '+', '-' and '.', no slash (e.g. mybox-1)", id)
	}
	return nil
}

func (s store) dir(id string) string       { return filepath.Join(s.root, id) }
func (s store) fifo(id string) string      { return filepath.Join(s.dir(id), "exec.fifo") }
func (s store) statePath(id string) string { return filepath.Join(s.dir(id), "state.json") }

// lock takes the container's lock (flock(2) on its directory): every verb
// that changes a container holds it, and a killed runtime's lock goes
// with its process.
func (s store) lock(id string) (func(), error) {
	fd, err := unix.Open(s.dir(id), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil, fmt.Errorf("container %q does not exist (unboxed list shows those that do)", filepath.Base(s.dir(id)))
	}
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("lock container: %w", err)
	}
	return func() { unix.Close(fd) }, nil
}

// load reads a container's record; a directory without one is what a
// create that was killed before it finished left: it is cleaned up here.
func (s store) load(id string) (*record, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(s.statePath(id))
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(s.dir(id)); serr == nil {
			s.sweepHalfCreated(id)
		}
		return nil, fmt.Errorf("container %q does not exist (unboxed list shows those that do)", id)
	}
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("container %q: state.json: %w", id, err)
	}
	return &r, nil
}

// save writes the record atomically: a killed runtime leaves the old file
// or the new one, never half of one.
func (s store) save(r *record) error {
	tmp := s.statePath(r.ID) + ".tmp"
	if err := os.WriteFile(tmp, mustJSON(r), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.statePath(r.ID))
}

// sweepHalfCreated removes what a killed create left: a directory with no
// record, whose lock nobody holds, the cgroup that cgroup.json records and
// an init that may still wait at its gate (found by the gate it holds
// open, or in that cgroup).
func (s store) sweepHalfCreated(id string) {
	fd, err := unix.Open(s.dir(id), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) != nil && !takeInheritedLock(fd, s.dir(id), s.fifo(id)) {
		return // a create is at work on it
	}
	killGateHolders(s.fifo(id))
	if s.removeCgroup(id) != nil {
		return // kept, for delete to try again
	}
	os.RemoveAll(s.dir(id))
}

// killGateHolders kills every process that holds the FIFO open: an init
// waiting at the gate of a container whose create was killed. Given more
// paths, it kills the holders of any of them.
func killGateHolders(fifo string, more ...string) {
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		for _, f := range fds {
			if link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, f.Name())); link == fifo || slices.Contains(more, link) {
				_ = unix.Kill(pid, unix.SIGKILL)
				break
			}
		}
	}
}

// procStat reads a process's state letter and start time from
// /proc/PID/stat (proc(5)); ok is false when there is no such process.
func procStat(pid int) (state byte, start uint64, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// The command name, field 2, may hold spaces: start after its ')'.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 20 {
		return 0, 0, false
	}
	start, _ = strconv.ParseUint(f[19], 10, 64)
	return f[0][0], start, true
}

// status asks the kernel: no process (or a zombie, or another process
// that got the PID) is stopped; the init still at its gate is created;
// anything else running.
func (r *record) status() specs.ContainerState {
	st, start, ok := procStat(r.Pid)
	if !ok || st == 'Z' || st == 'X' || start != r.StartTime {
		return specs.StateStopped
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", r.Pid))
	if argv0, _, _ := strings.Cut(string(cmdline), "\x00"); argv0 == container.InitName {
		return specs.StateCreated
	}
	return specs.StateRunning
}

// ociState is the runtime-spec's State of a container.
func (r *record) ociState() specs.State {
	st := specs.State{Version: specs.Version, ID: r.ID, Status: r.status(), Bundle: r.Bundle, Annotations: r.Annotations}
	if st.Status != specs.StateStopped {
		st.Pid = r.Pid
	}
	return st
}
