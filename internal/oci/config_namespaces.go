package oci

import (
	"fmt"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/unboxed-go/unboxed/container"
)

// namespaceTypes are the runtime-spec's namespace types the library makes.
var namespaceTypes = map[specs.LinuxNamespaceType]container.Namespace{
	specs.PIDNamespace: container.PID, specs.NetworkNamespace: container.Network,
	specs.IPCNamespace: container.IPC, specs.UTSNamespace: container.UTS,
	specs.MountNamespace: container.Mount, specs.UserNamespace: container.User,
}

// mapLinux: namespaces, sysctl, devices, masked and read-only paths,
// resources, seccomp; the rest is refused by name.
func mapLinux(l *specs.Linux, b *Bundle) error {
	cfg := &b.Config
	refuse := map[string]bool{
		"linux.netDevices":                      len(l.NetDevices) > 0,
		"linux.rootfsPropagation":               l.RootfsPropagation != "",
		"linux.mountLabel (no SELinux support)": l.MountLabel != "",
		"linux.intelRdt":                        l.IntelRdt != nil,
		"linux.memoryPolicy":                    l.MemoryPolicy != nil,
		"linux.personality":                     l.Personality != nil,
		"linux.timeOffsets":                     len(l.TimeOffsets) > 0,
	}
	for field, set := range refuse {
		if set {
			return unsupported(field, "want it left out")
		}
	}
	if err := mapCgroupsPath(l.CgroupsPath, b); err != nil {
		return err
	}
	for i, ns := range l.Namespaces {
		if ns.Type == specs.CgroupNamespace && ns.Path == "" {
			continue // the library gives a container with a root its own, always
		}
		n, ok := namespaceTypes[ns.Type]
		if !ok {
			return unsupported(fmt.Sprintf("linux.namespaces[%d].type %q", i, ns.Type), "want pid, network, ipc, uts, mount, user or cgroup")
		}
		cfg.Namespaces = append(cfg.Namespaces, n)
		if ns.Path == "" {
			continue
		}
		if n == container.User {
			return unsupported(fmt.Sprintf("linux.namespaces[%d].path (%s)", i, ns.Type), "joining a namespace: network, ipc, uts, mount and pid only; want the path left out for a new one")
		}
		if cfg.NamespacePaths == nil {
			cfg.NamespacePaths = map[container.Namespace]string{}
		}
		cfg.NamespacePaths[n] = ns.Path
	}
	if err := mapIDMappings(l, b); err != nil {
		return err
	}
	cfg.Sysctl = l.Sysctl
	for i, d := range l.Devices {
		dev, err := mapDevice(i, d)
		if err != nil {
			return err
		}
		cfg.Devices = append(cfg.Devices, dev)
	}
	cfg.MaskedPaths = append([]string{}, l.MaskedPaths...)
	cfg.ReadonlyPaths = append([]string{}, l.ReadonlyPaths...)
	if err := mapResources(l.Resources, b); err != nil {
		return err
	}
	return mapSeccomp(l.Seccomp, b)
}

// mapMount: a mount of the bundle, a bind's relative source taken from
// the bundle directory.
func mapMount(i int, m specs.Mount, dir string) (container.MountSpec, error) {
	if !filepath.IsAbs(m.Destination) {
		return container.MountSpec{}, fmt.Errorf("mounts[%d].destination %q: not an absolute path (want e.g. /data)", i, m.Destination)
	}
	if len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0 {
		return container.MountSpec{}, unsupported(fmt.Sprintf("mounts[%d].uidMappings", i), "no id-mapped mounts; want them left out")
	}
	out := container.MountSpec{Destination: m.Destination, Type: m.Type, Source: m.Source, Options: m.Options}
	bind := m.Type == "bind" || m.Type == "rbind"
	for _, o := range m.Options {
		bind = bind || o == "bind" || o == "rbind"
	}
	if bind && !filepath.IsAbs(m.Source) {
		out.Source = filepath.Join(dir, m.Source)
	}
	if m.Type == "cgroup" || m.Type == "cgroup2" {
		ro := false
		for _, o := range m.Options {
			ro = ro || o == "ro"
		}
		if m.Destination != "/sys/fs/cgroup" || !ro {
			return container.MountSpec{}, unsupported(fmt.Sprintf("mounts[%d] (%s %s)", i, m.Type, m.Destination), "the container's cgroups are shown read-only at /sys/fs/cgroup only; want that destination and the ro option")
		}
	}
	if m.Type == "" && !bind {
		return container.MountSpec{}, fmt.Errorf("mounts[%d] (%s): no type and not a bind (want e.g. \"type\": \"tmpfs\")", i, m.Destination)
	}
	return out, nil
}

func mapDevice(i int, d specs.LinuxDevice) (container.Device, error) {
	if !filepath.IsAbs(d.Path) {
		return container.Device{}, fmt.Errorf("linux.devices[%d].path %q: not an absolute path (want e.g. /dev/fuse)", i, d.Path)
	}
	switch d.Type {
	case "c", "u", "b", "p":
	default:
		return container.Device{}, fmt.Errorf("linux.devices[%d].type %q: want c, u, b or p", i, d.Type)
	}
	dev := container.Device{Path: d.Path, Type: d.Type, Major: d.Major, Minor: d.Minor}
	if d.FileMode != nil {
		dev.Mode = uint32(d.FileMode.Perm())
	}
	if d.UID != nil {
		dev.UID = *d.UID
	}
	if d.GID != nil {
		dev.GID = *d.GID
	}
	return dev, nil
}

// mapIDMappings: linux.uidMappings and gidMappings, the maps of the user
// namespace that linux.namespaces asks for; both or neither, and id 0
// mapped in each (the library's init runs as root of the namespace). The
// rootfs is used as it is (Config.UIDMappings).
func mapIDMappings(l *specs.Linux, b *Bundle) error {
	userNS := slices.Contains(b.Config.Namespaces, container.User)
	const example = `want e.g. "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}] and gidMappings alike, with {"type": "user"} in linux.namespaces`
	switch {
	case !userNS && (len(l.UIDMappings) > 0 || len(l.GIDMappings) > 0):
		return fmt.Errorf("linux.uidMappings, gidMappings: maps without a user namespace (%s)", example)
	case !userNS:
		return nil
	case len(l.UIDMappings) == 0 || len(l.GIDMappings) == 0:
		return fmt.Errorf("linux.uidMappings, gidMappings: a user namespace needs both maps (%s)", example)
	}
	for _, m := range []struct {
		field string
		in    []specs.LinuxIDMapping
		out   *[]container.IDMap
	}{{"linux.uidMappings", l.UIDMappings, &b.Config.UIDMappings}, {"linux.gidMappings", l.GIDMappings, &b.Config.GIDMappings}} {
		root := false
		for i, e := range m.in {
			if e.Size == 0 {
				return fmt.Errorf("%s[%d]: size 0 maps nothing (%s)", m.field, i, example)
			}
			root = root || e.ContainerID == 0
			*m.out = append(*m.out, container.IDMap{ContainerID: int(e.ContainerID), HostID: int(e.HostID), Size: int(e.Size)})
		}
		if !root {
			return unsupported(m.field+" without containerID 0", "the init runs as root of the namespace; "+example)
		}
	}
	return nil
}
