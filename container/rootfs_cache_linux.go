package container

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// rootfsFormat names the layout BuildRootfs and BuildBusyboxRootfs make.
// It is part of the cache key: change it when the layout changes, so that
// rootfs dirs built by an older version are not used.
const rootfsFormat = "unboxed-rootfs-1"

// staleRootfsAge is how old a half-built rootfs (a temp dir left by a
// crashed build) must be before a later call removes it. No build takes
// that long, so a dir this old is nobody's work in progress.
const staleRootfsAge = time.Hour

// defaultRootfsMu keeps the goroutines of one process from building the
// same rootfs side by side; processes race on the rename instead.
var defaultRootfsMu sync.Mutex

// cacheDir is the user's cache directory, or for root without $HOME and
// $XDG_CACHE_HOME (a systemd unit, a cron job, env -i) /var/cache, where
// system-wide caches go (hier(7)).
func cacheDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil && os.Geteuid() == 0 {
		return "/var/cache", nil
	}
	return cache, err
}

// DefaultRootfs returns the path of a ready-made root filesystem for
// containers, building it on first use: from the host's static busybox when
// it has one (BuildBusyboxRootfs), else from the DefaultPrograms the host
// has (BuildRootfs). It lives in the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME, else $HOME/.cache; /var/cache for
// root without either) as
// unboxed/rootfs-KIND-HASH, where KIND is "busybox" or "host" and HASH
// covers the programs' paths, sizes and modification times: after a host
// change, the next call builds a new one. Older ones are not removed.
//
// A rootfs is built in a temp dir beside it and renamed into place when
// complete, so no caller ever gets a half-built one: when goroutines or
// processes race, one rename wins and the others use its result. A temp dir
// left by a crash is removed by a later call once it is an hour old.
//
// Treat the result as read-only and shared: mount an overlay on it, or copy
// it, to change files in a container.
func DefaultRootfs() (string, error) {
	cache, err := cacheDir()
	if err != nil {
		return "", &Error{Code: ExitRuntimeError, Op: "default rootfs", Err: fmt.Errorf("%w (set XDG_CACHE_HOME or HOME)", err)}
	}
	key, build, err := defaultRootfsSource()
	if err != nil {
		return "", err
	}
	defaultRootfsMu.Lock()
	defer defaultRootfsMu.Unlock()
	return cachedRootfs(filepath.Join(cache, "unboxed"), key, build)
}

// defaultRootfsSource says what DefaultRootfs builds from: its cache key
// and the function that builds it.
func defaultRootfsSource() (key string, build func(dir string) error, err error) {
	if busybox, err := staticBusybox(); err == nil {
		key, err := rootfsKey("busybox", busybox)
		return key, BuildBusyboxRootfs, err
	}
	programs := AvailablePrograms(DefaultPrograms...)
	if len(programs) == 0 {
		return "", nil, &Error{Code: ExitRuntimeError, Op: "default rootfs", Err: fmt.Errorf("%w, and none of %s in PATH", ErrNoBusybox, strings.Join(DefaultPrograms, " "))}
	}
	key, err = rootfsKey("host", programs...)
	return key, func(dir string) error { return BuildRootfs(dir, programs...) }, err
}

// rootfsKey names a rootfs built from programs: kind, then a short hash of
// the programs' host paths, sizes and modification times.
func rootfsKey(kind string, programs ...string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, rootfsFormat)
	for _, p := range programs {
		path, err := findProgram(p)
		if err != nil {
			return "", err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return "", &Error{Code: ExitRuntimeError, Op: "default rootfs", Path: path, Err: err}
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", path, fi.Size(), fi.ModTime().UnixNano())
	}
	return kind + "-" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// cachedRootfs returns parent/rootfs-KEY, building it with build first when
// it is not there yet.
func cachedRootfs(parent, key string, build func(dir string) error) (string, error) {
	final := filepath.Join(parent, "rootfs-"+key)
	removeStaleRootfs(parent)
	if fi, err := os.Stat(final); err == nil && fi.IsDir() {
		return final, nil
	}
	fail := func(err error) (string, error) {
		return "", &Error{Code: ExitRuntimeError, Op: "default rootfs", Path: final, Err: err}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fail(err)
	}
	tmp, err := os.MkdirTemp(parent, tempRootfsPrefix+key+"-")
	if err != nil {
		return fail(err)
	}
	if err := build(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	// MkdirTemp made it 0700; a root directory is 0755, or only its owner
	// could find anything in it.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return fail(err)
	}
	// rename(2) onto an existing non-empty directory fails (ENOTEMPTY or
	// EEXIST): a caller that lost the race uses the winner's rootfs.
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		if fi, statErr := os.Stat(final); statErr == nil && fi.IsDir() {
			return final, nil
		}
		return fail(err)
	}
	return final, nil
}

// tempRootfsPrefix starts the name of a rootfs being built.
const tempRootfsPrefix = ".tmp-rootfs-"

// removeStaleRootfs removes the temp dirs in parent that crashed builds
// left behind. Any that cannot be removed are left for the next call.
func removeStaleRootfs(parent string) {
	matches, _ := filepath.Glob(filepath.Join(parent, tempRootfsPrefix+"*"))
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err == nil && fi.IsDir() && time.Since(fi.ModTime()) > staleRootfsAge {
			_ = os.RemoveAll(m)
		}
	}
}
