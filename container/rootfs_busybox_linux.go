package container

import (
	"debug/elf"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// busyboxPaths are where a host's busybox is looked for, in order.
var busyboxPaths = []string{"/bin/busybox", "/usr/bin/busybox"}

// BuildBusyboxRootfs makes a root filesystem in dir from the host's
// statically linked busybox: the same directories and /etc files as
// BuildRootfs, /bin/busybox, and a symlink to it for every applet it has, at
// the path it lists the applet under (busybox --list-full: /bin/sh,
// /usr/bin/env, ...; or /bin/NAME when it cannot list full paths). A static
// busybox needs no libraries, so the rootfs is small and the same on any
// host.
//
// dir follows the rules of BuildRootfs: made when absent, refused when not
// empty, removed again (or emptied) on an error. With no static busybox at
// /bin/busybox or /usr/bin/busybox, the error wraps ErrNoBusybox and nothing
// is made.
func BuildBusyboxRootfs(dir string) error {
	busybox, err := staticBusybox()
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "build busybox rootfs", Path: dir, Err: err}
	}
	applets, err := busyboxApplets(busybox)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "build busybox rootfs", Path: dir, Err: err}
	}
	return buildRootfs("build busybox rootfs", dir, func(t *rootfsTree) error {
		bin, err := t.mirrorDir("/bin")
		if err != nil {
			return err
		}
		self := filepath.Join(bin, "busybox")
		if err := t.copyFile(busybox, self); err != nil {
			return err
		}
		for _, applet := range applets {
			home, err := t.mirrorDir(filepath.Dir(applet))
			if err != nil {
				return err
			}
			link := filepath.Join(home, filepath.Base(applet))
			if link == self {
				continue
			}
			// Relative, so that the link works inside the rootfs and,
			// unlike /bin/busybox, also from outside it.
			target, err := filepath.Rel(home, self)
			if err != nil {
				return err
			}
			if err := t.symlink(target, link); err != nil {
				return err
			}
		}
		return nil
	})
}

// staticBusybox returns the path of the host's statically linked busybox,
// or an error that wraps ErrNoBusybox and says what it found instead.
func staticBusybox() (string, error) {
	var found []string
	for _, p := range busyboxPaths {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		dynamic := false
		for _, prog := range f.Progs {
			dynamic = dynamic || prog.Type == elf.PT_INTERP
		}
		f.Close()
		if !dynamic {
			return p, nil
		}
		found = append(found, p+" is dynamically linked")
	}
	why := "none at " + strings.Join(busyboxPaths, " or ")
	if len(found) > 0 {
		why = strings.Join(found, ", ")
	}
	return "", fmt.Errorf("%w: %s (install busybox-static)", ErrNoBusybox, why)
}

// busyboxApplets lists the applets of busybox as paths relative to the
// root: "bin/sh", "usr/bin/env". A busybox built without --list-full lists
// bare names, which go to bin/.
func busyboxApplets(busybox string) ([]string, error) {
	out, err := exec.Command(busybox, "--list-full").Output()
	prefix := ""
	if err != nil || len(strings.TrimSpace(string(out))) == 0 {
		if out, err = exec.Command(busybox, "--list").Output(); err != nil {
			return nil, fmt.Errorf("%s --list: %w", busybox, err)
		}
		prefix = "bin/"
	}
	var applets []string
	for _, line := range strings.Fields(string(out)) {
		p := filepath.Clean("/" + prefix + line)
		if p == "/" || strings.Contains(line, "..") {
			return nil, fmt.Errorf("%s lists an applet %q that is not a path inside a rootfs", busybox, line)
		}
		applets = append(applets, p)
	}
	if len(applets) == 0 {
		return nil, fmt.Errorf("%s lists no applets", busybox)
	}
	return applets, nil
}
