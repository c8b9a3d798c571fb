package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/unboxed-go/unboxed/container"
)

// createOptions are create's and run's flags.
type createOptions struct {
	bundle, pidFile, consoleSocket string
}

// create sets the container up to its gate and records it; detach says
// it outlives this process (create) rather than being waited for (run).
// It returns the started container, still at its gate.
func (s store) create(id string, o createOptions, detach bool) (*container.Container, *Bundle, error) {
	if err := checkID(id); err != nil {
		return nil, nil, err
	}
	b, err := LoadBundle(o.bundle)
	if err != nil {
		return nil, nil, err
	}
	switch terminal := b.Spec.Process.Terminal; {
	case terminal && o.consoleSocket == "":
		return nil, nil, fmt.Errorf("process.terminal is true: want --console-socket SOCKET to send the pty's master to")
	case !terminal && o.consoleSocket != "":
		return nil, nil, fmt.Errorf("--console-socket %s: process.terminal is false in config.json (want one or the other)", o.consoleSocket)
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(os.Stderr, "unboxed: warning: %s\n", w)
	}
	if err := os.MkdirAll(s.root, 0o711); err != nil {
		return nil, nil, err
	}
	unlock, err := s.claim(id)
	if errors.Is(err, os.ErrExist) {
		if _, lerr := s.load(id); lerr != nil {
			// load swept what a killed create left: try once more.
			unlock, err = s.claim(id)
		}
	}
	if errors.Is(err, os.ErrExist) {
		return nil, nil, fmt.Errorf("container id %q is in use (unboxed delete %s, or another id)", id, id)
	}
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	c, err := s.setUp(id, b, detach, o.consoleSocket)
	if err != nil {
		return nil, nil, errors.Join(err, s.undoCreate(id))
	}
	if o.pidFile != "" {
		if err := writeAtomic(o.pidFile, []byte(strconv.Itoa(c.Pid()))); err != nil {
			_ = c.Signal(unix.SIGKILL)
			return nil, nil, errors.Join(fmt.Errorf("--pid-file: %w", err), s.undoCreate(id))
		}
	}
	return c, b, nil
}

// claim makes the container's directory, already locked: made under a
// temporary name, locked, then renamed into place unless the id is taken
// (renameat2(2), RENAME_NOREPLACE), so no other verb ever sees it
// unlocked and without a record, which it would sweep as a killed
// create's. The error wraps os.ErrExist when the id is taken.
func (s store) claim(id string) (unlock func(), err error) {
	tmp, err := os.MkdirTemp(s.root, ".creating-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o711); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	fd, err := unix.Open(tmp, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err == nil {
		err = unix.Flock(fd, unix.LOCK_EX)
	}
	if err == nil {
		err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, s.dir(id), unix.RENAME_NOREPLACE)
		if errors.Is(err, unix.EEXIST) {
			err = fmt.Errorf("%s: %w", s.dir(id), os.ErrExist)
		}
	}
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		os.Remove(tmp)
		return nil, err
	}
	return func() { unix.Close(fd) }, nil
}

// setUp starts the init to its gate, gives it the limits only the
// runtime can set from outside, records it and runs the hooks of create.
func (s store) setUp(id string, b *Bundle, detach bool, consoleSocket string) (*container.Container, error) {
	if err := unix.Mkfifo(s.fifo(id), 0o622); err != nil {
		return nil, fmt.Errorf("make gate: %w", err)
	}
	// mkfifo(3) applies the umask: the mode must let any user write.
	if err := os.Chmod(s.fifo(id), 0o622); err != nil {
		return nil, err
	}
	cfg := b.Config
	cfg.Gate, cfg.Detach = s.fifo(id), detach
	var err error
	if cfg.Cgroup, err = s.placeCgroup(id, b); err != nil {
		return nil, err
	}
	cfg.Stdin, cfg.Stdout, cfg.Stderr = os.Stdin, os.Stdout, os.Stderr
	if consoleSocket != "" {
		done, err := console(consoleSocket, b.Spec.Process.ConsoleSize, &cfg)
		if err != nil {
			return nil, err
		}
		defer done()
	}
	c, err := container.Start(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*container.Container, error) {
		_ = c.Signal(unix.SIGKILL)
		if !detach {
			_, _ = c.Wait()
		}
		return nil, err
	}
	_, start, _ := procStat(c.Pid())
	r := &record{ID: id, Pid: c.Pid(), StartTime: start, Bundle: b.Dir, Created: time.Now().UTC(), Annotations: b.Spec.Annotations, Hooks: b.Spec.Hooks}
	if err := s.save(r); err != nil {
		return fail(err)
	}
	if h := b.Spec.Hooks; h != nil {
		//lint:ignore SA1019 prestart is deprecated but still part of the runtime-spec, and runc runs it
		hooks := append(append([]hookSpec{}, h.Prestart...), h.CreateRuntime...)
		if err := runHooks("prestart/createRuntime", hooks, r.ociState()); err != nil {
			return fail(err)
		}
	}
	return c, nil
}

// undoCreate removes what a create that failed made: the cgroup (its
// processes killed) and the container's directory. The directory stays
// when the cgroup could not be removed, so that delete can try again.
func (s store) undoCreate(id string) error {
	if err := s.removeCgroup(id); err != nil {
		return err
	}
	return os.RemoveAll(s.dir(id))
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
