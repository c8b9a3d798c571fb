package cgroups

// The cgroup filesystem, as the cgroup stage touches it: every write goes
// through writeCgroupFile, every directory is made by cgroupMkdir and
// removed by cgroupRmdir, so that tests can stand a fake cgroupfs under
// t.TempDir() in for the kernel's.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// cgroupMkdir creates a cgroup: the kernel fills the new directory with the
// files of the controllers that the parent hands down. Tests replace it
// with a function that does the same in a plain directory.
var cgroupMkdir = func(dir string) error { return os.Mkdir(dir, 0o755) }

// cgroupRmdir removes a cgroup: rmdir(2) of a directory whose files the
// kernel removes with it, refused with EBUSY while it has processes or
// children. Tests replace it along with cgroupMkdir.
var cgroupRmdir = func(dir string) error {
	if err := unix.Rmdir(dir); err != nil {
		return &os.PathError{Op: "rmdir", Path: dir, Err: err}
	}
	return nil
}

// writeCgroupFile writes value to the cgroup file dir/file. The kernel
// made the file with the cgroup; writeCgroupFile never creates one. The
// kernel takes one value per write(2), so value is written in one call.
// The error names the file and the value.
func writeCgroupFile(dir, file, value string) error {
	path := filepath.Join(dir, file)
	if err := writeSmallFile(path, value); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("write %q to %s: %w", value, path, err)
	}
	return nil
}

// readCgroupFile returns the contents of dir/file without the final newline.
func readCgroupFile(dir, file string) (string, error) {
	data, err := readSmallFile(filepath.Join(dir, file))
	return strings.TrimSpace(string(data)), err
}

// readCgroupInt reads a file that holds one number, or "max" (v2: no
// limit), which reads as 0. A file this kernel lacks reads as 0 too.
func readCgroupInt(dir, file string) (int64, error) {
	s, err := readCgroupFile(dir, file)
	switch {
	case errors.Is(err, os.ErrNotExist) || s == "max":
		return 0, nil
	case err != nil:
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", filepath.Join(dir, file), err)
	}
	return n, nil
}

// readCgroupKey reads the number after key in a flat keyed file, lines of
// "key value" (cpu.stat, memory.events, pids.events, memory.oom_control).
// A key or file this kernel lacks reads as 0.
func readCgroupKey(dir, file, key string) (int64, error) {
	s, err := readCgroupFile(dir, file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0, nil
	case err != nil:
		return 0, err
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(line, key+" "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read %s %s: %w", filepath.Join(dir, file), key, err)
			}
			return n, nil
		}
	}
	return 0, nil
}

// hasCgroupFile says whether this kernel made dir/file.
func hasCgroupFile(dir, file string) bool {
	_, err := os.Stat(filepath.Join(dir, file))
	return err == nil
}

// cgroupProcs lists the processes in the cgroup at dir (cgroup.procs). A
// cgroup that is gone has none.
func cgroupProcs(dir string) ([]int, error) {
	s, err := readCgroupFile(dir, "cgroup.procs")
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(s) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// makeCgroupDir creates the cgroup base/id, and base, the unboxed parent,
// when it does not exist yet. prepare, when not nil, runs on base before
// id is made (v2 enables controllers there). Another runtime may remove
// base in between, when its last cgroup goes: then it starts again.
func makeCgroupDir(base, id string, prepare func(base string) error) (string, error) {
	dir := filepath.Join(base, id)
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = cgroupMkdir(base); err != nil && !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("create cgroup %s: %w", base, err)
		}
		if prepare != nil {
			if err = prepare(base); errors.Is(err, os.ErrNotExist) {
				continue
			} else if err != nil {
				return "", err
			}
		}
		err = cgroupMkdir(dir)
		switch {
		case err == nil:
			return dir, nil
		case errors.Is(err, os.ErrExist):
			return "", fmt.Errorf("create cgroup %s: it exists: is a container with id %q running? (a stale one is removed by CleanStale)", dir, id)
		case !errors.Is(err, os.ErrNotExist):
			return "", fmt.Errorf("create cgroup %s: %w", dir, err)
		}
	}
	return "", fmt.Errorf("create cgroup %s: %w", dir, err)
}

// lockCgroupDir takes a shared flock(2) on the cgroup directory and keeps
// it open: CleanStale leaves alone every cgroup that some running
// runtime holds this way. It returns the descriptor to close, or -1.
func lockCgroupDir(dir string) int {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	if unix.Flock(fd, unix.LOCK_SH|unix.LOCK_NB) != nil {
		unix.Close(fd)
		return -1
	}
	return fd
}

// How long Destroy waits for killed processes to leave a cgroup, and for
// the kernel to let the directory go.
const (
	killTimeout  = 2 * time.Second
	rmdirTimeout = time.Second
)

// killCgroup kills every process in the cgroup at dir and waits until
// none is left.
//
// On v2 it writes cgroup.kill (Linux 5.14), which kills the whole tree at
// once, forks in flight included, and waits for cgroup.events to say
// "populated 0". It never signals a PID it read earlier: by then that PID
// may belong to someone else.
//
// v1 has no cgroup.kill. There each listed process is pinned with a pidfd
// (pidfd_open(2), Linux 5.3) and signalled through it only if the list,
// read again after the pin, still holds it: a PID that was reused in
// between names a process outside the cgroup and is left alone. Since a
// process may fork while it is being killed, it goes round until the list
// is empty.
func killCgroup(dir string) error {
	if hasCgroupFile(dir, "cgroup.kill") {
		if populated, err := isPopulated(dir); err != nil || !populated {
			return err
		}
		if err := writeCgroupFile(dir, "cgroup.kill", "1"); err != nil {
			return err
		}
		return waitUnpopulated(dir)
	}
	deadline := time.Now().Add(killTimeout)
	for {
		pids, err := cgroupProcs(dir)
		if err != nil || len(pids) == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kill processes in cgroup %s: %v still there after %v", dir, pids, killTimeout)
		}
		if err := killPinned(dir, pids); err != nil {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// killPinned opens a pidfd for each of pids, reads the cgroup's list
// again, and sends SIGKILL through the pidfds of those still in it.
func killPinned(dir string, pids []int) error {
	pinned := map[int]int{}
	defer func() {
		for _, fd := range pinned {
			unix.Close(fd)
		}
	}()
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		switch {
		case err == nil:
			pinned[pid] = fd
		case errors.Is(err, unix.ENOSYS):
			// Before Linux 5.3: only the PID is there to signal.
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		// ESRCH: gone already.
	}
	still, err := cgroupProcs(dir)
	if err != nil {
		return err
	}
	for _, pid := range still {
		if fd, ok := pinned[pid]; ok {
			_ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		}
	}
	return nil
}

// isPopulated reads "populated" from a v2 cgroup's cgroup.events: whether
// any process is in the cgroup or below it.
func isPopulated(dir string) (bool, error) {
	n, err := readCgroupKey(dir, "cgroup.events", "populated")
	return n != 0, err
}

// waitUnpopulated waits, up to killTimeout, for cgroup.events to read
// "populated 0": the killed processes have all exited.
func waitUnpopulated(dir string) error {
	deadline := time.Now().Add(killTimeout)
	wait := 100 * time.Microsecond
	for {
		populated, err := isPopulated(dir)
		if err != nil || !populated {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kill processes in cgroup %s: still populated %v after writing cgroup.kill", dir, killTimeout)
		}
		time.Sleep(wait)
		wait = min(2*wait, 10*time.Millisecond)
	}
}

// removeCgroupDir removes the cgroup at dir, retrying with a short backoff
// while the kernel still holds it (EBUSY: the last killed processes are
// still exiting). A cgroup that is gone already is no error.
func removeCgroupDir(dir string) error {
	deadline := time.Now().Add(rmdirTimeout)
	wait := time.Millisecond
	for {
		err := cgroupRmdir(dir)
		switch {
		case err == nil || errors.Is(err, os.ErrNotExist):
			return nil
		case !errors.Is(err, unix.EBUSY) || time.Now().After(deadline):
			return fmt.Errorf("remove cgroup: %w", err)
		}
		time.Sleep(wait)
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// removeEmptyParent removes the unboxed parent directory once its last
// cgroup is gone. While another container's cgroup is in it the kernel
// refuses, and that is as it should be.
func removeEmptyParent(base string) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() {
			return
		}
	}
	_ = cgroupRmdir(base)
}

// validCgroupID checks a container id before it becomes a directory name.
func validCgroupID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\n\x00") || len(id) > 200 {
		return fmt.Errorf("cgroup id %q: want a name without slashes, e.g. box-1234", id)
	}
	return nil
}

// statReader reads counters for Stats and keeps the first errors.
type statReader struct{ errs []error }

// int reads a one-number file (readCgroupInt); dir "" reads as 0.
func (r *statReader) int(dir, file string) int64 {
	if dir == "" {
		return 0
	}
	n, err := readCgroupInt(dir, file)
	r.errs = append(r.errs, err)
	return n
}

// key reads a key of a flat keyed file (readCgroupKey); dir "" reads as 0.
func (r *statReader) key(dir, file, key string) int64 {
	if dir == "" {
		return 0
	}
	n, err := readCgroupKey(dir, file, key)
	r.errs = append(r.errs, err)
	return n
}

func (r *statReader) err() error {
	if err := errors.Join(r.errs...); err != nil {
		return fmt.Errorf("cgroup stats: %w", err)
	}
	return nil
}
