//go:build linux

package app

// The doctor's mount probes: a real overlay mount and a real pivot_root,
// each in a temp dir that is gone again when the probe returns.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/sys/unix"
)

// checkOverlay checks that the kernel knows overlayfs and, as root, mounts
// one for real.
func checkOverlay(env doctorEnv) []finding {
	const fix = "sudo modprobe overlay"
	var out []finding
	if ok, err := procFilesystemsHas("overlay"); err != nil {
		out = append(out, finding{statusWarn, "overlay", err.Error(), fix})
	} else if !ok {
		out = append(out, finding{statusMissing, "overlay", "not in /proc/filesystems", fix})
	} else {
		out = append(out, finding{statusOK, "overlay", "listed in /proc/filesystems", ""})
	}
	if env.root {
		if err := probeOverlay(env.tmp, writeThrough); err != nil {
			out = append(out, finding{statusMissing, "overlay/mount", err.Error(), fix})
		} else {
			out = append(out, finding{statusOK, "overlay/mount",
				"mounted an overlay, wrote through it, unmounted it", ""})
		}
	}
	return out
}

// procFilesystemsHas says whether /proc/filesystems lists fstype.
func procFilesystemsHas(fstype string) (bool, error) {
	f, err := os.Open("/proc/filesystems")
	if err != nil {
		return false, err
	}
	defer f.Close()
	return filesystemsHas(f, fstype)
}

// filesystemsHas says whether a list in the format of /proc/filesystems
// ("nodev\toverlay" or "\text4" per line, filesystems(5)) names fstype. A
// filesystem built as a module that is not loaded yet is not listed.
func filesystemsHas(r io.Reader, fstype string) (bool, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[len(fields)-1] == fstype {
			return true, nil
		}
	}
	return false, sc.Err()
}

// probeOverlay mounts an overlay of lower and upper dirs in a temp dir under
// tmp, calls use with the merged and upper dirs, and unmounts. The mount and
// the temp dir are gone when it returns, also when a step or use fails.
func probeOverlay(tmp string, use func(merged, upper string) error) (err error) {
	dir, err := os.MkdirTemp(tmp, "unboxed-doctor-overlay-")
	if err != nil {
		return err
	}
	defer func() {
		if rmErr := os.RemoveAll(dir); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	d := func(name string) string { return filepath.Join(dir, name) }
	for _, name := range []string{"lower", "upper", "work", "merged"} {
		if err := os.Mkdir(d(name), 0o755); err != nil {
			return err
		}
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", d("lower"), d("upper"), d("work"))
	if err := unix.Mount("overlay", d("merged"), "overlay", 0, opts); err != nil {
		return &os.PathError{Op: "mount overlay", Path: d("merged"), Err: err}
	}
	// Deferred after RemoveAll's defer, so it runs first.
	defer func() {
		if umErr := unmount(d("merged")); umErr != nil && err == nil {
			err = umErr
		}
	}()
	return use(d("merged"), d("upper"))
}

// writeThrough writes a file into an overlay's merged dir and checks that it
// landed in the upper dir, where overlayfs(5) puts every change.
func writeThrough(merged, upper string) error {
	if err := os.WriteFile(filepath.Join(merged, "probe"), []byte("ok\n"), 0o644); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(upper, "probe")); err != nil {
		return fmt.Errorf("file written through the overlay is not in upperdir: %w", err)
	}
	return nil
}

// unmount unmounts target, lazily (MNT_DETACH, umount(2)) when it is busy.
func unmount(target string) error {
	err := unix.Unmount(target, 0)
	if err != nil {
		err = unix.Unmount(target, unix.MNT_DETACH)
	}
	if err != nil {
		return &os.PathError{Op: "umount", Path: target, Err: err}
	}
	return nil
}

// checkPivotRoot, as root, makes a child in a new mount namespace pivot its
// root to a tmpfs; the child's mounts vanish with its namespace when it
// exits, and the temp dir is removed here.
func checkPivotRoot(env doctorEnv) []finding {
	if !env.root {
		return []finding{{statusWarn, "pivot_root", "needs root to check", rootFix}}
	}
	err := probePivotRoot(env.tmp)
	if err != nil {
		return []finding{{statusMissing, "pivot_root", err.Error(),
			"boot from a disk root filesystem, not an initramfs, e.g. the workshop VM: vagrant up"}}
	}
	return []finding{{statusOK, "pivot_root", "a child pivoted its root to a tmpfs", ""}}
}

// probePivotRoot runs pivotProbe in a new mount namespace on a temp dir
// under tmp, and removes the dir.
func probePivotRoot(tmp string) (err error) {
	dir, err := os.MkdirTemp(tmp, "unboxed-doctor-pivot-")
	if err != nil {
		return err
	}
	defer func() {
		if rmErr := os.RemoveAll(dir); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	cmd := container.Command(pivotChild, dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: container.CloneFlags(container.Mount)}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return errors.New(msg)
		}
		return fmt.Errorf("pivot_root probe child: %w", err)
	}
	return nil
}

// pivotProbe is the pivot_root child. It runs in its own mount namespace and
// exits 1 with the reason on stderr when a step fails.
func pivotProbe() {
	if err := pivotToTmpfs(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// pivotToTmpfs makes dir, a tmpfs mounted there, the root of this mount
// namespace.
func pivotToTmpfs(dir string) error {
	// The new namespace copies the host's propagation, and / is shared on
	// systemd hosts: make it private first, or the mounts below would show up
	// on the host (mount_namespaces(7), "Shared subtrees").
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return &os.PathError{Op: "make / private", Path: "/", Err: err}
	}
	// new_root must be a mount point on another mount than / (pivot_root(2));
	// a fresh tmpfs is one whatever / is.
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		return &os.PathError{Op: "mount tmpfs", Path: dir, Err: err}
	}
	old := filepath.Join(dir, "old")
	if err := os.Mkdir(old, 0o700); err != nil {
		return err
	}
	if err := unix.PivotRoot(dir, old); err != nil {
		// EINVAL when / is the initramfs rootfs, which pivot_root(2) cannot
		// move: runtimes fall back to MS_MOVE and chroot there.
		return &os.PathError{Op: "pivot_root", Path: dir, Err: err}
	}
	return nil
}
