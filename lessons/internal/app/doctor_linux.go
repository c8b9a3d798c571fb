package app

// The doctor's kernel probes: the kernel version and each namespace kind,
// tried for real in a re-exec'd child. The children of the mount probes in
// doctor_linux_mount.go are registered here too.

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/sys/unix"
)

// The re-exec'd children of the doctor's probes.
const (
	probeChild = "unboxed-doctor-probe" // starts in the namespaces under test and exits 0
	pivotChild = "unboxed-doctor-pivot" // pivots its root to a tmpfs in os.Args[1]
)

func init() {
	container.Register(probeChild, func() {})
	container.Register(pivotChild, pivotProbe)
}

// rootFix is the fix for a check that needs root.
const rootFix = "run as root: sudo go run ./lessons doctor"

// checkKernel reports the kernel release; 5.11 is the first that mounts
// overlayfs inside a user namespace (overlayfs(5) "Permissions"), which
// rootless containers need.
func checkKernel(doctorEnv) []finding {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return []finding{{statusWarn, "kernel", "uname: " + err.Error(), "uname -r"}}
	}
	release := unix.ByteSliceToString(uts.Release[:])
	major, minor, err := parseKernelRelease(release)
	switch {
	case err != nil:
		return []finding{{statusWarn, "kernel", err.Error(), "uname -r"}}
	case major < 5 || major == 5 && minor < 11:
		return []finding{{statusWarn, "kernel", release +
			" is older than 5.11: rootless overlayfs needs 5.11 (lessons that use it need root)",
			"use a newer kernel, e.g. the workshop VM: vagrant up && vagrant ssh"}}
	}
	return []finding{{statusOK, "kernel", release + " (rootless overlayfs needs 5.11)", ""}}
}

// parseKernelRelease returns the major and minor number of a kernel
// release as uname -r prints it, e.g. 6 and 8 for "6.8.0-45-generic".
func parseKernelRelease(release string) (major, minor int, err error) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) >= 2 {
		major, err = strconv.Atoi(parts[0])
		if err == nil {
			minor, err = strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool {
				return r < '0' || r > '9'
			}))
		}
		if err == nil {
			return major, minor, nil
		}
	}
	return 0, 0, fmt.Errorf("kernel release %q: want major.minor", release)
}

// nsConfig is the kernel option that each namespace kind needs; the mount
// namespace is always built in.
var nsConfig = map[container.Namespace]string{
	container.UTS: "CONFIG_UTS_NS", container.PID: "CONFIG_PID_NS", container.IPC: "CONFIG_IPC_NS",
	container.Network: "CONFIG_NET_NS", container.User: "CONFIG_USER_NS",
}

// checkNamespaces checks each namespace kind twice: the kernel knows it
// (/proc/self/ns/<kind>, namespaces(7)) and a child really starts in a new
// one. As non-root, a kind other than user is tried again inside a new user
// namespace, as the rootless lessons do.
func checkNamespaces(env doctorEnv) []finding {
	var out []finding
	for _, ns := range []container.Namespace{container.UTS, container.PID, container.Mount,
		container.IPC, container.Network, container.User} {
		out = append(out, checkNamespace(env, ns))
	}
	if blocked := container.UserNamespacesBlocked(); blocked != nil && env.root {
		// Root creates user namespaces regardless; learners who run
		// rootless cannot.
		detail, fix := splitFix(blocked.Error())
		out = append(out, finding{statusWarn, "userns/rootless", detail, fix})
	}
	return out
}

// checkNamespace checks one namespace kind; see checkNamespaces.
func checkNamespace(env doctorEnv, ns container.Namespace) finding {
	name := "ns/" + string(ns)
	if _, err := os.Lstat("/proc/self/ns/" + string(ns)); err != nil {
		return finding{statusMissing, name, "the kernel has no " + string(ns) + " namespace: " +
			err.Error(), nsKernelFix(ns)}
	}
	err := startProbe(container.CloneFlags(ns))
	if err == nil {
		if ns == container.User && !env.root {
			if blocked := container.UserNamespacesBlocked(); blocked != nil {
				detail, fix := splitFix(blocked.Error())
				return finding{statusMissing, name, detail, fix}
			}
		}
		return finding{statusOK, name, "a child started in a new " + string(ns) + " namespace", ""}
	}
	if env.root {
		return finding{statusMissing, name, err.Error(), nsKernelFix(ns)}
	}
	if ns != container.User && startProbe(container.CloneFlags(ns, container.User)) == nil {
		return finding{statusOK, name, "rootless: a child started in new user+" + string(ns) +
			" namespaces", ""}
	}
	fix := rootFix
	if blocked := container.UserNamespacesBlocked(); blocked != nil {
		_, userFix := splitFix(blocked.Error())
		fix += "\nor let users create user namespaces: " + userFix
	}
	return finding{statusMissing, name, err.Error(), fix}
}

// nsKernelFix is the fix for a namespace kind that even root cannot create.
func nsKernelFix(ns container.Namespace) string {
	if opt, ok := nsConfig[ns]; ok {
		return "use a kernel with " + opt + "=y, e.g. the workshop VM: vagrant up"
	}
	return "use the workshop VM: vagrant up && vagrant ssh"
}

// startProbe runs the probe child with the given clone(2) flags and says
// why it did not start or exit 0.
func startProbe(flags uintptr) error {
	cmd := container.Command(probeChild)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("start probe child: %w: %s", err, msg)
		}
		return fmt.Errorf("start probe child: %w", err)
	}
	return nil
}

// splitFix splits an error message that ends in ": sudo ..." into what was
// found and the command that fixes it, as container.UserNamespacesBlocked
// words them. Without such an ending the whole message is both.
func splitFix(msg string) (detail, fix string) {
	if i := strings.LastIndex(msg, ": sudo "); i >= 0 {
		return msg[:i], msg[i+2:]
	}
	return msg, msg
}
