package oci

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/unboxed-go/unboxed/container"
)

// unsupported is a refusal that names the field of config.json at fault.
func unsupported(field, why string) error {
	return fmt.Errorf("%s: not supported by unboxed (%s)", field, why)
}

// ToConfig maps a runtime-spec config onto the library's Config, the one
// place that does. dir is the bundle directory, absolute. Every field of
// the spec is either applied or refused by name: none is ignored.
func ToConfig(s *specs.Spec, dir string) (*Bundle, error) {
	b := &Bundle{Dir: dir, Spec: s}
	cfg := &b.Config
	if err := mapRoot(s, dir, cfg); err != nil {
		return nil, err
	}
	if err := mapProcess(s.Process, b); err != nil {
		return nil, err
	}
	if s.Domainname != "" {
		return nil, unsupported("domainname", "the UTS namespace gets a hostname only; want it left out")
	}
	for name, v := range map[string]bool{"solaris": s.Solaris != nil, "windows": s.Windows != nil, "vm": s.VM != nil, "zos": s.ZOS != nil, "freebsd": s.FreeBSD != nil} {
		if v {
			return nil, unsupported(name, "a Linux runtime")
		}
	}
	cfg.Hostname = s.Hostname
	cfg.Mounts = []container.MountSpec{} // only the bundle's mounts
	for i, m := range s.Mounts {
		mm, err := mapMount(i, m, dir)
		if err != nil {
			return nil, err
		}
		cfg.Mounts = append(cfg.Mounts, mm)
	}
	if err := checkHooks(s.Hooks); err != nil {
		return nil, err
	}
	if s.Linux == nil {
		return nil, fmt.Errorf("linux: missing (want at least \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]})")
	}
	if err := mapLinux(s.Linux, b); err != nil {
		return nil, err
	}
	return b, nil
}

// mapRoot: root.path (relative to the bundle) and root.readonly.
func mapRoot(s *specs.Spec, dir string, cfg *container.Config) error {
	if s.Root == nil || s.Root.Path == "" {
		return fmt.Errorf("root.path: missing (want e.g. \"root\": {\"path\": \"rootfs\"})")
	}
	path := s.Root.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("root.path %q: %w (want a directory holding the root filesystem, e.g. rootfs next to config.json)", s.Root.Path, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("root.path %q: not a directory (want e.g. rootfs next to config.json)", s.Root.Path)
	}
	cfg.Rootfs = path
	cfg.ReadOnly = s.Root.Readonly
	return nil
}

// mapProcess: args, env, cwd, user, capabilities, rlimits,
// noNewPrivileges, oomScoreAdj.
func mapProcess(p *specs.Process, b *Bundle) error {
	cfg := &b.Config
	if p == nil {
		return fmt.Errorf("process: missing (want e.g. \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"})")
	}
	refuse := map[string]bool{
		"process.commandLine (Windows only)":              p.CommandLine != "",
		"process.apparmorProfile (no AppArmor support)":   p.ApparmorProfile != "",
		"process.selinuxLabel (no SELinux support)":       p.SelinuxLabel != "",
		"process.scheduler":                               p.Scheduler != nil,
		"process.ioPriority":                              p.IOPriority != nil,
		"process.execCPUAffinity":                         p.ExecCPUAffinity != nil,
		"process.user.username (Windows only)":            p.User.Username != "",
		"process.user.umask (the umask stays the init's)": p.User.Umask != nil,
	}
	for field, set := range refuse {
		if set {
			return unsupported(field, "want it left out")
		}
	}
	if len(p.Args) == 0 || p.Args[0] == "" {
		return fmt.Errorf("process.args: empty (want e.g. [\"sh\", \"-c\", \"echo hi\"])")
	}
	cfg.Args = p.Args
	cfg.Env = p.Env
	if cfg.Env == nil {
		cfg.Env = []string{} // the bundle's environment, even an empty one
	}
	if !filepath.IsAbs(p.Cwd) {
		return fmt.Errorf("process.cwd %q: not an absolute path (want e.g. \"/\")", p.Cwd)
	}
	cfg.Dir = p.Cwd
	cfg.User = fmt.Sprintf("%d:%d", p.User.UID, p.User.GID)
	for _, g := range p.User.AdditionalGids {
		cfg.AdditionalGids = append(cfg.AdditionalGids, int(g))
	}
	cfg.Security.NewPrivileges = !p.NoNewPrivileges
	if err := mapCapabilities(p.Capabilities, b); err != nil {
		return err
	}
	for i, r := range p.Rlimits {
		n, ok := rlimits[r.Type]
		if !ok {
			return fmt.Errorf("process.rlimits[%d].type %q: no such resource (want e.g. RLIMIT_NOFILE)", i, r.Type)
		}
		if r.Soft > r.Hard {
			return fmt.Errorf("process.rlimits[%d] (%s): soft %d above hard %d", i, r.Type, r.Soft, r.Hard)
		}
		cfg.Rlimits = append(cfg.Rlimits, container.Rlimit{Resource: n, Soft: r.Soft, Hard: r.Hard})
	}
	if p.OOMScoreAdj != nil && (*p.OOMScoreAdj < -1000 || *p.OOMScoreAdj > 1000) {
		return fmt.Errorf("process.oomScoreAdj %d: want -1000 to 1000", *p.OOMScoreAdj)
	}
	cfg.OOMScoreAdj = p.OOMScoreAdj
	return nil
}

// mapCapabilities: the five sets, each name checked; no capabilities
// object means no capability at all. An ambient capability that is not
// also permitted and inheritable cannot be raised (capabilities(7)): it
// is left out with a warning, as runc does (runc spec writes such sets).
func mapCapabilities(c *specs.LinuxCapabilities, b *Bundle) error {
	cfg := &b.Config
	sets := &container.CapabilitySets{}
	if c != nil {
		for _, set := range []struct {
			name string
			in   []string
			out  *[]string
		}{
			{"bounding", c.Bounding, &sets.Bounding}, {"effective", c.Effective, &sets.Effective},
			{"permitted", c.Permitted, &sets.Permitted}, {"inheritable", c.Inheritable, &sets.Inheritable},
			{"ambient", c.Ambient, &sets.Ambient},
		} {
			for _, name := range set.in {
				canon, err := container.ParseCapability(name)
				if err != nil || canon != name {
					return fmt.Errorf("process.capabilities.%s: %q is not a capability this kernel interface knows (want e.g. CAP_CHOWN)", set.name, name)
				}
				*set.out = append(*set.out, canon)
			}
		}
	}
	var ambient []string
	for _, a := range sets.Ambient {
		if slices.Contains(sets.Permitted, a) && slices.Contains(sets.Inheritable, a) {
			ambient = append(ambient, a)
			continue
		}
		b.Warnings = append(b.Warnings, fmt.Sprintf("process.capabilities.ambient: %s is left out: it is not also permitted and inheritable, which raising it needs", a))
	}
	sets.Ambient = ambient
	cfg.Security.CapDrop = []string{"ALL"}
	cfg.Security.CapAdd = sets.Bounding
	cfg.Capabilities = sets
	return nil
}
