package container

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// A container with Config.UserRange runs in a user namespace whose root is
// host uid UserRange.HostUID: an unprivileged user outside, whatever it
// does inside. Three things must then be reachable and owned by ids the
// namespace maps, or its root cannot use them (capabilities in a user
// namespace only count for files owned by ids it maps,
// user_namespaces(7)):
//
//   - the rootfs: a copy of it with every owner shifted by the range,
//     made once and kept in /var/cache/unboxed/shifted (remove it to free
//     the copies). It is the overlay's lower layer, so the copy itself
//     never changes. Idmapped mounts would
//     avoid the copy; they need the namespace to exist before the mount,
//     and the runtime's init is born in it.
//   - the overlay's upper, work and merged directories: chowned to the
//     range's root.
//   - the path to them: the state directory becomes 0711, so the
//     namespace's root may walk through it without listing it.

// checkUserRange refuses what the user namespace cannot do yet.
func (c *Config) checkUserRange() error {
	r := c.UserRange
	if r == (IDRange{}) {
		return nil
	}
	bad := func(why string) error {
		return &Error{Code: ExitRuntimeError, Op: "user range", Err: fmt.Errorf("%s (want e.g. UserRange: container.DefaultUserRange with the User namespace, a rootfs and Overlay, as root)", why)}
	}
	switch {
	case r.HostUID <= 0 || r.HostGID <= 0 || r.Size <= 0:
		return bad(fmt.Sprintf("%+v is no range of host ids above 0", r))
	case os.Geteuid() != 0:
		return bad("mapping a range of host ids needs root; without root the runtime maps your own uid already")
	case !c.has(User) || c.Rootfs == "" || !c.Overlay:
		return bad("a user range needs the User namespace, a rootfs and Overlay")
	case len(c.Layers) > 0:
		return bad("layers are not shifted into the range yet")
	}
	return nil
}

// shiftedRootfs returns the copy of rootfs owned by the range, making it
// when it is not there yet.
func shiftedRootfs(stateDir, rootfs string, r IDRange) (string, error) {
	info, err := os.Stat(rootfs)
	if err != nil {
		return "", err
	}
	key := sha256.Sum256(fmt.Appendf(nil, "%s %d", rootfs, info.ModTime().UnixNano()))
	dst := filepath.Join(stateDir, fmt.Sprintf("shifted.%d.%d.%x", r.HostUID, r.HostGID, key[:6]))
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	tmp, err := os.MkdirTemp(stateDir, "shifting.")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	copyDir := filepath.Join(tmp, "rootfs")
	if out, err := exec.Command("cp", "-a", rootfs, copyDir).CombinedOutput(); err != nil {
		return "", fmt.Errorf("copy %s: %v: %s", rootfs, err, out)
	}
	err = filepath.WalkDir(copyDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := info.Sys().(*syscall.Stat_t)
		if int(st.Uid) >= r.Size || int(st.Gid) >= r.Size {
			return fmt.Errorf("%s is owned by %d:%d, outside a range of %d ids", path, st.Uid, st.Gid, r.Size)
		}
		if err := os.Lchown(path, r.HostUID+int(st.Uid), r.HostGID+int(st.Gid)); err != nil {
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil
		}
		return os.Chmod(path, info.Mode()) // chown(2) clears setuid and setgid
	})
	if err != nil {
		return "", err
	}
	if err := os.Rename(copyDir, dst); err != nil {
		if _, statErr := os.Stat(dst); statErr == nil {
			return dst, nil // another run made it meanwhile
		}
		return "", err
	}
	return dst, nil
}

// shiftState makes the state directory passable and the container's
// overlay directories the range's root's.
func shiftState(stateDir string, s *state, r IDRange) error {
	if err := os.Chmod(stateDir, 0o711); err != nil {
		return err
	}
	for _, d := range []string{s.dir, s.upper, s.work, s.merged} {
		if err := os.Chown(d, r.HostUID, r.HostGID); err != nil {
			return err
		}
	}
	return nil
}

// shiftedCacheDir holds the rootfs copies shifted into user ranges.
const shiftedCacheDir = "/var/cache/unboxed/shifted"

// useUserRange puts the shifted rootfs in place of cfg's.
func useUserRange(cfg *Config) error {
	if cfg.UserRange == (IDRange{}) {
		return nil
	}
	// A cache that stays from one run to the next, on disk rather than in
	// the state directory's tmpfs, and where the range's root can reach it
	// (the user's own cache, under a 0700 home, would refuse it): only
	// root gives a container a range.
	dir := shiftedCacheDir
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "state dir", Path: dir, Err: err}
	}
	if err := os.Chmod(dir, 0o711); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "state dir", Path: dir, Err: err}
	}
	shifted, err := shiftedRootfs(dir, cfg.Rootfs, cfg.UserRange)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "shift rootfs into the user range", Path: cfg.Rootfs, Err: err}
	}
	cfg.Rootfs = shifted
	return nil
}
