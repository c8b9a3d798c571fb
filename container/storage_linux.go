package container

import (
	"fmt"
	"os"
	"path/filepath"
)

// storageInside says whether a container's writes go to a tmpfs in its own
// mount namespace (mountStorage) rather than to the state directory: with
// an overlay whose upper is not kept, and not in a user namespace, where
// overlayfs keeps its marks in user.* extended attributes that tmpfs has
// only since Linux 6.6 (the upper stays in the state directory there).
// That is the case both when the container gets a user namespace and when
// the runtime itself runs in one (a rootless test, as root of its own
// user namespace): on Linux 6.1, an rm -r of a lower directory on such a
// tmpfs upper fails with EIO.
func storageInside(cfg Config) bool {
	return cfg.Overlay && cfg.KeepUpper == "" && !cfg.has(User) && !inUserNamespace()
}

// storageSize is cfg.StorageSize, or DefaultStorageSize for 0.
func storageSize(cfg Config) int64 {
	if cfg.StorageSize == 0 {
		return DefaultStorageSize
	}
	return cfg.StorageSize
}

// mountStorage mounts a tmpfs of size bytes on dir, the container's state
// directory, and makes the overlay's upper, work and merged directories in
// it. It runs in the init, in the container's own mount namespace: the
// host's /run (a tmpfs that systemd and every service share) never holds
// the container's writes, no container can fill more than its size, and
// the tmpfs goes with the namespace when the container ends. Its pages
// count against the container's memory limit, as every tmpfs page does
// (tmpfs(5), "size"; Documentation/admin-guide/cgroup-v2.rst, "shmem").
func mountStorage(dir string, size int64) error {
	if err := mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		return err
	}
	for _, sub := range []string{"upper", "work", "merged"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "storage", Path: filepath.Join(dir, sub), Err: err}
		}
	}
	return nil
}
