package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/unboxed-go/unboxed/container"
)

// securityFlags adds Docker's names for what a container may do:
// --privileged, --cap-add, --cap-drop, --security-opt and --user.
func securityFlags(fs *flag.FlagSet, o *runOptions) {
	fs.BoolVar(&o.security.Privileged, "privileged", false, "keep every capability, load no seccomp filter, leave /sys writable and /proc unmasked")
	capFlag := func(list *[]string) func(string) error {
		return func(s string) error {
			if !strings.EqualFold(s, "ALL") {
				if _, err := container.ParseCapability(s); err != nil {
					return err
				}
			}
			*list = append(*list, s)
			return nil
		}
	}
	fs.Func("cap-add", "keep capability `CAP` too (NET_ADMIN, CAP_SYS_PTRACE, ALL; repeatable)", capFlag(&o.security.CapAdd))
	fs.Func("cap-drop", "drop capability `CAP` (CHOWN, CAP_NET_RAW, ALL; repeatable)", capFlag(&o.security.CapDrop))
	fs.Func("security-opt", "`OPT`: no-new-privileges=false, seccomp=unconfined or seccomp=FILE.json (repeatable)", func(s string) error {
		return securityOpt(&o.security, s)
	})
	fs.StringVar(&o.user, "user", "", "run the command as `USER[:GROUP]`, names or numbers (names from the rootfs's /etc/passwd and /etc/group)")
	fs.Func("userns", "`auto`: as root, a user namespace whose root is an unprivileged host uid (the range of root in /etc/subuid, else 100000-165535)", func(s string) error {
		if s != "auto" {
			return fmt.Errorf("userns %q: the one mode is auto (want e.g. --userns auto)", s)
		}
		o.userns = s
		return nil
	})
	fs.BoolVar(&o.verbose, "verbose", false, "print the capability sets, seccomp mode and id maps the container's process got")
}

// securityOpt reads one --security-opt, KEY=VALUE (or Docker's older
// KEY:VALUE).
func securityOpt(sec *container.Security, opt string) error {
	key, value, ok := strings.Cut(opt, "=")
	if !ok {
		key, value, ok = strings.Cut(opt, ":")
	}
	bad := func(why string) error {
		return fmt.Errorf("security-opt %q: %s (want e.g. --security-opt no-new-privileges=false, seccomp=unconfined or seccomp=./profile.json)", opt, why)
	}
	switch key {
	case "no-new-privileges":
		switch {
		case !ok || value == "true":
			sec.NewPrivileges = false
		case value == "false":
			sec.NewPrivileges = true
		default:
			return bad("want true or false")
		}
	case "seccomp":
		switch {
		case !ok || value == "":
			return bad("name a profile file or unconfined")
		case value == "unconfined":
			sec.SeccompUnconfined = true
		default:
			data, err := os.ReadFile(value)
			if err != nil {
				return bad(err.Error())
			}
			p, err := container.ParseSeccompProfile(data)
			if err != nil {
				return fmt.Errorf("%s: %w", value, err)
			}
			sec.Seccomp = p
		}
	case "apparmor", "label", "systempaths":
		return bad("this runtime has no " + key + " option")
	default:
		return bad("unknown option")
	}
	return nil
}

// printSecurity writes what the container's first process got, as the
// kernel reports it in /proc/PID/status and the id maps.
func printSecurity(w io.Writer, pid int) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		fmt.Fprintf(w, "unboxed: security: %v\n", err)
		return
	}
	var fields []string
	for _, line := range strings.Split(string(status), "\n") {
		key, value, _ := strings.Cut(line, ":")
		switch key {
		case "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp":
			fields = append(fields, key+"="+strings.TrimSpace(value))
		}
	}
	for _, m := range []string{"uid_map", "gid_map"} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, m))
		if err == nil {
			fields = append(fields, m+"="+strings.Join(strings.Fields(string(data)), ","))
		}
	}
	fmt.Fprintf(w, "unboxed: security: %s\n", strings.Join(fields, " "))
}

// userRange is the host range for --userns auto, and the namespaces with
// User added; without the flag, neither changes.
func userRange(userns string, namespaces []container.Namespace) (container.IDRange, []container.Namespace, error) {
	if userns == "" {
		return container.IDRange{}, namespaces, nil
	}
	if os.Geteuid() != 0 {
		return container.IDRange{}, nil, fmt.Errorf("--userns auto is for root: without root, run already uses a user namespace that maps your own uid to root (drop the flag, or run with sudo)")
	}
	return container.SubordinateRange("root"), append([]container.Namespace{container.User}, namespaces...), nil
}
