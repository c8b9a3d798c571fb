package container

import (
	"fmt"
	"slices"
	"strings"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// Extras are the parts of a container that an OCI bundle (the
// runtime-spec's config.json, see internal/oci) can ask for and Docker's
// flags cannot. Config embeds it; its zero value changes nothing.
type Extras struct {
	// Gate holds the command back once the container is set up: the path
	// of a FIFO (mkfifo(3), mode 0622) that the init opens for writing
	// once it has dropped its capabilities, before the seccomp filter and
	// execve(2); the open blocks until another process opens the FIFO for
	// reading (runc's exec.fifo; unboxed start). Start returns once the
	// init waits there; a failure after it is the command's exit status
	// (125). Empty: the command runs at once.
	Gate string
	// Detach lets the container outlive the runtime's process: no
	// parent-death signal kills it when that process exits, and its
	// cgroup stays until someone removes it. False: the container dies
	// with the runtime.
	Detach bool
	// Sysctl sets kernel parameters of the container's own namespaces
	// (net.*, kernel.msg*, ...), by their dotted names, before anything
	// else is set up. Nil: none.
	Sysctl map[string]string
	// Mounts replace the standard mounts (/proc, /sys, /dev and its
	// devices): each is mounted in order inside the rootfs before the
	// root moves, and /dev gets the standard device nodes and links if
	// it lacks them; a cgroup or cgroup2 mount is the container's own
	// cgroups, read-only at /sys/fs/cgroup, mounted after the root moves.
	// Nil: the standard mounts (MountStandard).
	Mounts []MountSpec
	// Devices are device nodes made in the container's /dev. Nil: the
	// standard ones only.
	Devices []Device
	// MaskedPaths and ReadonlyPaths replace runc's lists of paths hidden
	// and made read-only (in /proc and /sys). Nil: runc's lists; empty:
	// none.
	MaskedPaths, ReadonlyPaths []string
	// Capabilities gives each of the five sets its own list of names
	// (CAP_CHOWN, ...); Security.Capabilities() is then the bounding
	// set. Nil: every set but the inheritable one is that list.
	Capabilities *CapabilitySets
	// AdditionalGids are more groups for the command, besides those the
	// container's /etc/group gives the user. Nil: none.
	AdditionalGids []int
	// Rlimits are the command's resource limits (setrlimit(2)), set by
	// the init before it drops its capabilities. Nil: the runtime's.
	Rlimits []Rlimit
	// OOMScoreAdj is the command's oom_score_adj (proc(5)), -1000 to
	// 1000. Nil: the runtime's.
	OOMScoreAdj *int
	// NamespacePaths joins existing namespaces (setns(2)) instead of the
	// new ones Config.Namespaces makes, by the path of a namespace file
	// such as /proc/PID/ns/net or a bind mount of one: Network, IPC, UTS,
	// Mount and PID, each also in Namespaces. Pods share a network
	// namespace this way. The init is born in a PID namespace it joins
	// (setns(2) moves only a process's children there), so it is not PID
	// 1 of it; it joins a Mount namespace first thing and sets its rootfs
	// up in it. Nil: new namespaces only.
	NamespacePaths map[Namespace]string
	// UIDMappings and GIDMappings are the User namespace's maps, written
	// as they are to /proc/PID/uid_map and gid_map (user_namespaces(7)):
	// they need the User namespace, root, and id 0 of the namespace
	// mapped, as the init runs as that root. Unlike UserRange, the rootfs
	// is used as it is, not a copy shifted into the maps, as an OCI
	// runtime does: files owned by an id outside the maps show as the
	// overflow id (nobody) inside, and the rootfs must be reachable by the
	// host id that root maps to. Nil: the maps UserRange gives, or the
	// caller's own uid and gid as root.
	UIDMappings, GIDMappings []IDMap
	// Cgroup puts the container's cgroup where the caller placed it
	// (cgroups.Place, an OCI bundle's linux.cgroupsPath) instead of
	// unboxed/<id>, with Limits set there, even when Limits is zero. It
	// is made before the init starts and removed when Wait returns, or
	// when Start fails; a container that detaches leaves it to the
	// caller's cgroups.Placement.Remove. With a Gate, the pids limit is
	// in force while the init waits there, when it leaves the init's
	// threads room (see pidsAtGate). Nil: unboxed/<id>, and only with
	// Limits.
	Cgroup *cgroups.Placement
	// Terminal makes the container's init the leader of a new session
	// whose controlling terminal is its stdin, which must then be a
	// terminal (a pty's slave, as the OCI console socket hands out).
	// False: the runtime's session.
	Terminal bool
}

// IDMap is one line of a user namespace's uid_map or gid_map: Size ids
// from ContainerID inside are host ids from HostID.
type IDMap struct {
	ContainerID, HostID, Size int
}

// Rlimit is one resource limit: Resource is its number (unix.RLIMIT_NOFILE).
type Rlimit struct {
	Resource   int
	Soft, Hard uint64
}

// MountSpec is one mount of an OCI bundle: Source mounted on Destination, a
// path inside the container, as filesystem Type with Options (mount(8)'s
// names: ro, nosuid, bind, rbind, private, mode=755, ...).
type MountSpec struct {
	Destination string
	Type        string
	Source      string
	Options     []string
}

// Device is a device node to make in the container: Type "c" (character),
// "b" (block) or "p" (FIFO), its numbers, mode and owner.
type Device struct {
	Path         string
	Type         string
	Major, Minor int64
	Mode         uint32 // permission bits; 0 means 0666
	UID, GID     uint32
}

// CapabilitySets are the five capability sets of capabilities(7).
type CapabilitySets struct {
	Bounding, Effective, Permitted, Inheritable, Ambient []string
}

// KnownSyscall says whether this architecture has the system call name.
func KnownSyscall(name string) bool { return knownSyscall(name) }

// ipcSysctls are the kernel.* parameters that belong to an IPC namespace
// (ipc_namespaces(7)); fs.mqueue.* does too.
var ipcSysctls = []string{
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
}

// validateExtras refuses what would change the host rather than the
// container: a sysctl that no namespace of the container's owns.
func (c *Config) validateExtras() error {
	bad := func(format string, a ...any) error {
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf(format, a...)}
	}
	if c.Gate != "" && c.Init {
		return bad("a start gate and an init cannot go together (want one of them)")
	}
	for ns, path := range c.NamespacePaths {
		if ns != Network && ns != IPC && ns != UTS && ns != Mount && ns != PID {
			return bad("joining a %s namespace (%s): only net, ipc, uts, mount and pid namespaces can be joined (want e.g. NamespacePaths: {Network: \"/proc/1234/ns/net\"})", ns, path)
		}
		if !c.has(ns) {
			return bad("joining the %s namespace at %s needs %s in Namespaces too", ns, path, ns)
		}
	}
	if err := c.validateIDMaps(); err != nil {
		return err
	}
	for name := range c.Sysctl {
		var ns Namespace
		switch {
		case strings.HasPrefix(name, "net."):
			ns = Network
		case slices.Contains(ipcSysctls, name) || strings.HasPrefix(name, "fs.mqueue."):
			ns = IPC
		case name == "kernel.hostname" || name == "kernel.domainname":
			ns = UTS
		default:
			return bad("sysctl %q is not in a namespace of the container: it would change the host (want e.g. net.ipv4.ip_forward or kernel.shmmax)", name)
		}
		if !c.has(ns) {
			return bad("sysctl %q needs the %s namespace, or it would change the host's", name, ns)
		}
	}
	return nil
}

// InitName is the argv[0] of a container's init: ps(1) shows it until the
// init becomes the command, so a process waiting at its Gate has it.
const InitName = "unboxed-init"

// validateIDMaps checks UIDMappings and GIDMappings before any namespace
// is made; the kernel checks the rest (no overlaps, at most 340 lines)
// when the maps are written.
func (c *Config) validateIDMaps() error {
	if len(c.UIDMappings) == 0 && len(c.GIDMappings) == 0 {
		return nil
	}
	bad := func(why string) error {
		return &Error{Code: ExitRuntimeError, Op: "user namespace maps", Err: fmt.Errorf("%s (want e.g. UIDMappings and GIDMappings: []IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}, with the User namespace, as root)", why)}
	}
	switch {
	case !c.has(User):
		return bad("maps need the User namespace")
	case len(c.UIDMappings) == 0 || len(c.GIDMappings) == 0:
		return bad("a uid map needs a gid map and the other way round")
	case c.UserRange != (IDRange{}):
		return bad("maps and a UserRange contradict each other")
	}
	for _, maps := range [][]IDMap{c.UIDMappings, c.GIDMappings} {
		root := false
		for _, m := range maps {
			if m.ContainerID < 0 || m.HostID < 0 || m.Size <= 0 {
				return bad(fmt.Sprintf("%+v is no range of ids", m))
			}
			root = root || m.ContainerID == 0
		}
		if !root {
			return bad("id 0 of the namespace is not mapped, and the init runs as it")
		}
	}
	return nil
}
