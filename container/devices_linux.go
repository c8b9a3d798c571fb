package container

import (
	"errors"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// MountStandard mounts what programs expect to find in a container, after
// the root has moved (PivotRoot or Chroot): a fresh /proc (MountProc, so
// lesson 03's step is used here too), /sys read-only, /dev as a small tmpfs
// holding only harmless devices, /dev/pts and /dev/shm, and it masks the
// files of /proc and /sys that reach past the container (the same list as
// runc's default config). Lesson 04 asks for it.
func MountStandard() error {
	for _, dir := range []string{"/proc", "/sys", "/dev"} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "mkdir", Path: dir, Err: err}
		}
	}
	// In a user namespace both were mounted before the root moved
	// (prepareUserNamespaceRoot): keep them.
	if !isFilesystem("/proc", unix.PROC_SUPER_MAGIC) {
		if err := steps().MountProc(); err != nil {
			return err
		}
	}
	if !isFilesystem("/sys", unix.SYSFS_MAGIC) {
		if err := mountSys("/sys"); err != nil {
			return err
		}
	}
	if err := mountDev(); err != nil {
		return err
	}
	if privilegedMounts {
		return nil // Security.Privileged: /sys writable, nothing masked
	}
	return maskPaths()
}

// devicesBound says prepareUserNamespaceRoot made /dev already.
var devicesBound bool

// privilegedMounts is the spec's Security.Privileged, for MountStandard
// (whose signature, a lesson's, has no room for it).
var privilegedMounts bool

// A device node for /dev: its name, and the major and minor numbers that
// the kernel assigns it (Documentation/admin-guide/devices.txt).
type device struct {
	name         string
	major, minor uint32
}

// safeDevices are the device nodes a container gets: none of them reaches
// the host's disks or memory.
var safeDevices = []device{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
	{"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

// devLinks are the symlinks /dev has on every Linux system.
var devLinks = [][2]string{
	{"/proc/self/fd", "/dev/fd"},
	{"/proc/self/fd/0", "/dev/stdin"},
	{"/proc/self/fd/1", "/dev/stdout"},
	{"/proc/self/fd/2", "/dev/stderr"},
	{"pts/ptmx", "/dev/ptmx"},
}

func mountDev() error {
	// In a user namespace the devices were bound in before the root moved
	// (prepareUserNamespaceRoot): keep that /dev. Whatever the rootfs
	// ships in its /dev is never used: the tmpfs hides it.
	if !devicesBound {
		if err := mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
			return err
		}
		old := unix.Umask(0)
		for _, d := range safeDevices {
			path := "/dev/" + d.name
			if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
				unix.Umask(old)
				return &Error{Code: ExitRuntimeError, Op: "mknod", Path: path, Err: explainMknod(err)}
			}
		}
		unix.Umask(old)
	}
	for _, l := range devLinks {
		if err := os.Symlink(l[0], l[1]); err != nil && !os.IsExist(err) {
			return &Error{Code: ExitRuntimeError, Op: "symlink", Path: l[1], Err: err}
		}
	}
	for _, dir := range []string{"/dev/pts", "/dev/shm"} {
		if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
			return &Error{Code: ExitRuntimeError, Op: "mkdir", Path: dir, Err: err}
		}
	}
	// newinstance: the container's own set of ptys, not the host's.
	if err := mount("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	return mount("shm", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k")
}

func mountSys(target string) error {
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if privilegedMounts {
		flags &^= unix.MS_RDONLY
	}
	err := mount("sysfs", target, "sysfs", flags, "")
	if err != nil && inUserNamespace() && bindHostSys(target) == nil {
		return nil // rootless with the host's network (network_linux.go)
	}
	return err
}

// prepareUserNamespaceRoot mounts /proc, /sys and /dev inside the rootfs
// before the root moves, for a container in a user namespace. Two kernel
// rules force this: mknod(2) is refused there, so /dev gets bind mounts of
// the host's harmless devices instead (as rootless runc does); and a fresh
// proc or sysfs may only be mounted while one fully visible is still in the
// mount namespace (fs/namespace.c, mount_too_revealing), which stops being
// true once the old root is detached. PivotRoot's recursive bind carries
// these mounts along.
func prepareUserNamespaceRoot(rootfs string) error {
	for _, dir := range []string{"/proc", "/sys", "/dev"} {
		if err := os.MkdirAll(rootfs+dir, 0o755); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "mkdir", Path: rootfs + dir, Err: err}
		}
	}
	if err := mount("proc", rootfs+"/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return err
	}
	if err := mountSys(rootfs + "/sys"); err != nil {
		return err
	}
	dev := rootfs + "/dev"
	devicesBound = true
	if err := mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	for _, d := range safeDevices {
		target := dev + "/" + d.name
		if err := os.WriteFile(target, nil, 0o666); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "create", Path: target, Err: err}
		}
		if err := mount("/dev/"+d.name, target, "", unix.MS_BIND, ""); err != nil {
			return err
		}
	}
	return nil
}

// inUserNamespace reports whether this process runs in a user namespace
// other than the initial one, whose uid_map maps every ID to itself
// (user_namespaces(7)).
//
// The answer is read once per process: neither the runtime nor the init
// changes its user namespace after it started (the init is cloned into
// its new one), and the overlay and device steps ask more than once.
var inUserNamespace = sync.OnceValue(func() bool {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	return strings.Join(strings.Fields(string(data)), " ") != "0 0 4294967295"
})

func isFilesystem(path string, magic int64) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && int64(st.Type) == magic
}

// explainMknod says why a user namespace cannot make device nodes.
func explainMknod(err error) error {
	if errors.Is(err, unix.EPERM) {
		return errors.New("operation not permitted: device nodes need real root (mknod(2) is refused in a user namespace): run with sudo")
	}
	return err
}

// maskedPaths are hidden behind an empty file or directory, readOnlyPaths
// are made read-only: they are windows onto the host kernel (runc's
// default config carries the same lists).
var (
	maskedPaths = []string{
		"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
		"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
	}
	readOnlyPaths = []string{
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	}
)

func maskPaths() error {
	for _, path := range maskedPaths {
		if err := maskPath(path); err != nil {
			return err
		}
	}
	for _, path := range readOnlyPaths {
		err := mount(path, path, "", unix.MS_BIND|unix.MS_REC, "")
		if errors.Is(err, unix.ENOENT) {
			continue // not on this kernel
		}
		if err != nil {
			return err
		}
		if err := RemountReadOnly(path); err != nil {
			return err
		}
	}
	return nil
}

// maskPath hides a file under /dev/null and a directory under an empty
// read-only tmpfs. Which one path is, the mount says: a file bound onto a
// directory, or a tmpfs mounted on a file, fails with ENOTDIR (mount(2)),
// and a path this kernel lacks with ENOENT. That saves a stat(2) of each,
// and lookups in /proc are not cheap: a dozen cost every start a tenth of
// a millisecond.
func maskPath(path string) error {
	dirs := []bool{false, true}
	if slices.Contains(dirMasks, path) {
		dirs = []bool{true, false}
	}
	var err error
	for _, dir := range dirs {
		if dir {
			err = mount("tmpfs", path, "tmpfs", unix.MS_RDONLY, "size=0")
		} else {
			err = mount("/dev/null", path, "", unix.MS_BIND, "")
		}
		if !errors.Is(err, unix.ENOTDIR) {
			break
		}
	}
	if errors.Is(err, unix.ENOENT) {
		return nil // not on this kernel
	}
	return err
}

// dirMasks are the masked paths that are directories on the kernels we
// know, tried as one first.
var dirMasks = []string{
	"/proc/acpi", "/proc/asound", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
}

// mount is mount(2) with an error that names the mount.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		op := "mount " + fstype
		if fstype == "" {
			op = "bind " + source
		}
		return &Error{Code: ExitRuntimeError, Op: op, Path: target, Err: err}
	}
	return nil
}
