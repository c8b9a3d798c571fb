package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"

	"github.com/unboxed-go/unboxed/container"
)

func withUserNS(uid, gid []specs.LinuxIDMapping) func(*specs.Spec) {
	return func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		s.Linux.UIDMappings, s.Linux.GIDMappings = uid, gid
	}
}

func TestConfigUIDMappings(t *testing.T) {
	uid := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 2000}}
	gid := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 3000}, {ContainerID: 5000, HostID: 9000, Size: 1}}
	b := mapped(t, withUserNS(uid, gid))
	assert.Contains(t, b.Config.Namespaces, container.User, "linux.namespaces: user")
	assert.Equal(t, []container.IDMap{{ContainerID: 0, HostID: 1000, Size: 2000}}, b.Config.UIDMappings, "linux.uidMappings")
	assert.Equal(t, []container.IDMap{{ContainerID: 0, HostID: 1000, Size: 3000}, {ContainerID: 5000, HostID: 9000, Size: 1}}, b.Config.GIDMappings, "linux.gidMappings, every line, sizes of their own")
	refusedWithExample(t, "linux.uidMappings", withUserNS(nil, gid))
	refusedWithExample(t, "linux.uidMappings without containerID 0", withUserNS([]specs.LinuxIDMapping{{ContainerID: 1, HostID: 1000, Size: 10}}, gid))
	refusedWithExample(t, "linux.gidMappings[0]", withUserNS(uid, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000}}))
	refusedWithExample(t, "linux.uidMappings", func(s *specs.Spec) { s.Linux.UIDMappings, s.Linux.GIDMappings = uid, gid })
	refusedWithExample(t, "linux.namespaces[5].path (user)", func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/1/ns/user"})
	})
}
