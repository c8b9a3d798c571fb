package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// mountFlags are mount(8)'s option names that are flags of mount(2); the
// bool says whether the option clears the flag instead.
var mountFlags = map[string]struct {
	clear bool
	flag  uintptr
}{
	"ro": {false, unix.MS_RDONLY}, "rw": {true, unix.MS_RDONLY},
	"nosuid": {false, unix.MS_NOSUID}, "suid": {true, unix.MS_NOSUID},
	"nodev": {false, unix.MS_NODEV}, "dev": {true, unix.MS_NODEV},
	"noexec": {false, unix.MS_NOEXEC}, "exec": {true, unix.MS_NOEXEC},
	"sync": {false, unix.MS_SYNCHRONOUS}, "async": {true, unix.MS_SYNCHRONOUS},
	"dirsync": {false, unix.MS_DIRSYNC}, "mand": {false, unix.MS_MANDLOCK},
	"nomand": {true, unix.MS_MANDLOCK}, "noatime": {false, unix.MS_NOATIME},
	"atime": {true, unix.MS_NOATIME}, "nodiratime": {false, unix.MS_NODIRATIME},
	"diratime": {true, unix.MS_NODIRATIME}, "relatime": {false, unix.MS_RELATIME},
	"norelatime": {true, unix.MS_RELATIME}, "strictatime": {false, unix.MS_STRICTATIME},
	"nostrictatime": {true, unix.MS_STRICTATIME},
	"bind":          {false, unix.MS_BIND}, "rbind": {false, unix.MS_BIND | unix.MS_REC},
}

// propagationFlags are the options that set a mount's propagation
// (mount_namespaces(7)), applied after the mount itself.
var propagationFlags = map[string]uintptr{
	"private": unix.MS_PRIVATE, "rprivate": unix.MS_PRIVATE | unix.MS_REC,
	"shared": unix.MS_SHARED, "rshared": unix.MS_SHARED | unix.MS_REC,
	"slave": unix.MS_SLAVE, "rslave": unix.MS_SLAVE | unix.MS_REC,
	"unbindable": unix.MS_UNBINDABLE, "runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// parseMountOptions splits mount(8) options into mount(2) flags, the
// propagation flags to apply afterwards, and the filesystem's own data
// (mode=755,size=64k). Every option that is neither a flag nor a
// propagation goes to the filesystem, which refuses what it does not know.
func parseMountOptions(options []string) (flags, propagation uintptr, data string) {
	var rest []string
	for _, o := range options {
		if f, ok := mountFlags[o]; ok {
			if f.clear {
				flags &^= f.flag
			} else {
				flags |= f.flag
			}
			continue
		}
		if p, ok := propagationFlags[o]; ok {
			propagation |= p
			continue
		}
		rest = append(rest, o)
	}
	return flags, propagation, strings.Join(rest, ",")
}

// mountBundle mounts Extras.Mounts inside the rootfs in order, before the
// root moves, each on its target resolved inside the root
// (inroot_linux.go), then makes the devices.
func mountBundle(rootfs string, x Extras) error {
	for _, m := range x.Mounts {
		if isCgroupMount(m) {
			continue // after the root moves (afterBundleMounts)
		}
		if err := mountOne(rootfs, m); err != nil {
			return err
		}
	}
	return makeDevices(rootfs, x.Devices)
}

func mountOne(rootfs string, m MountSpec) error {
	flags, propagation, data := parseMountOptions(m.Options)
	if m.Type == "bind" || m.Type == "rbind" {
		flags |= unix.MS_BIND
	}
	bind := flags&unix.MS_BIND != 0
	fail := func(err error) error {
		return &Error{Code: ExitRuntimeError, Op: "mount " + m.Type, Path: m.Destination, Err: err}
	}
	target, err := mountTarget(rootfs, m, bind)
	if err != nil {
		return fail(err)
	}
	defer target.Close()
	at := fmt.Sprintf("/proc/self/fd/%d", target.Fd())
	first := flags
	if bind {
		// A bind ignores every flag but MS_REC: the rest takes a remount.
		first &= unix.MS_BIND | unix.MS_REC
	}
	fstype := m.Type
	if bind {
		fstype = ""
	}
	if err := unix.Mount(m.Source, at, fstype, first, data); err != nil {
		return fail(err)
	}
	// The descriptor names what lay under the new mount: reopen the
	// target to reach the mount itself.
	top, err := mountTarget(rootfs, m, bind)
	if err != nil {
		return fail(err)
	}
	defer top.Close()
	at = fmt.Sprintf("/proc/self/fd/%d", top.Fd())
	if bind && flags&^(unix.MS_BIND|unix.MS_REC) != 0 {
		if err := unix.Mount("", at, "", flags|unix.MS_REMOUNT, ""); err != nil {
			return fail(fmt.Errorf("remount: %w", err))
		}
	}
	// An unbindable mount would not survive PivotRoot's recursive bind
	// (mount_namespaces(7)): it becomes one after the root moves.
	if propagation != 0 && propagation&unix.MS_UNBINDABLE == 0 {
		if err := unix.Mount("", at, "", propagation, ""); err != nil {
			return fail(fmt.Errorf("propagation: %w", err))
		}
	}
	return nil
}

// mountTarget opens the mount's destination inside the rootfs, made if
// missing: a file when a file is bound onto it, else a directory.
func mountTarget(rootfs string, m MountSpec, bind bool) (*os.File, error) {
	if bind {
		if info, err := os.Stat(m.Source); err == nil && !info.IsDir() {
			dir, err := openInRoot(rootfs, filepath.Dir(m.Destination))
			if err != nil {
				return nil, err
			}
			defer dir.Close()
			name := filepath.Base(m.Destination)
			fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_RDONLY, 0o644)
			if errors.Is(err, unix.ELOOP) {
				return nil, fmt.Errorf("%s is a symbolic link", m.Destination)
			}
			if err != nil {
				return nil, err
			}
			return os.NewFile(uintptr(fd), filepath.Join(rootfs, m.Destination)), nil
		}
	}
	return openInRoot(rootfs, m.Destination)
}

// isCgroupMount says m is the cgroup view at /sys/fs/cgroup (ToConfig
// refuses a cgroup mount anywhere else).
func isCgroupMount(m MountSpec) bool { return m.Type == "cgroup" || m.Type == "cgroup2" }

// afterBundleMounts finishes a root whose mounts came from Extras.Mounts,
// once the root has moved: the masked and read-only paths, and a
// read-only root on request.
func afterBundleMounts(s spec) error {
	for _, m := range s.Extras.Mounts {
		if isCgroupMount(m) {
			// The container's own cgroups, read-only, as the library
			// shows them (cgroupns_linux.go): never the host's tree.
			if err := mountCgroupView(); err != nil {
				return err
			}
			continue
		}
		if _, propagation, _ := parseMountOptions(m.Options); propagation&unix.MS_UNBINDABLE != 0 {
			target, err := openInRoot("/", m.Destination)
			if err != nil {
				return &Error{Code: ExitRuntimeError, Op: "mount unbindable", Path: m.Destination, Err: err}
			}
			err = unix.Mount("", fmt.Sprintf("/proc/self/fd/%d", target.Fd()), "", propagation, "")
			target.Close()
			if err != nil {
				return &Error{Code: ExitRuntimeError, Op: "mount unbindable", Path: m.Destination, Err: err}
			}
		}
	}
	if err := maskPaths(); err != nil {
		return err
	}
	if s.ReadOnly {
		return RemountReadOnly("/")
	}
	return nil
}
