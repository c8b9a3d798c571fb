package container

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// containerUser is who the command runs as.
type containerUser struct {
	uid, gid int
	groups   []int // supplementary groups
}

// switchUser makes the init the user named by spec (UID[:GID] or
// NAME[:GROUP], names from the container's /etc/passwd and /etc/group)
// in the order the kernel needs: the groups while still root, then the
// gid, then the uid, the change that gives root up. A process keeps its
// capabilities across that last change only with PR_SET_KEEPCAPS, and even
// then loses the effective set (capabilities(7), "Effect of user ID
// changes on capabilities"), so the sets are set again after it. A user
// other than root keeps the capabilities in ambient across execve(2):
// none unless added with CapAdd, as Docker gives a non-root user none.
func switchUser(spec string, ambient []int) error {
	if spec == "" {
		return nil
	}
	u, err := lookupUser(spec)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: "user", Path: spec, Err: err}
	}
	var data [2]unix.CapUserData
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "capget", Err: err}
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "keep capabilities", Err: err}
	}
	// The syscall package's versions change every thread of the process
	// (AllThreadsSyscall), so no thread of the init stays root.
	steps := []struct {
		op  string
		run func() error
	}{
		{"setgroups", func() error { return syscall.Setgroups(append(u.groups, extraGroups...)) }},
		{"setresgid", func() error { return syscall.Setresgid(u.gid, u.gid, u.gid) }},
		{"setresuid", func() error { return syscall.Setresuid(u.uid, u.uid, u.uid) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return &Error{Code: ExitRuntimeError, Op: s.op, Path: spec, Err: err}
		}
	}
	var permitted []int
	for c := 0; c < 64; c++ {
		if data[c/32].Permitted&(1<<(c%32)) != 0 {
			permitted = append(permitted, c)
		}
	}
	if u.uid == 0 {
		ambient = nil
	}
	if err := setCapabilities(permitted, ambient); err != nil {
		return &Error{Code: ExitRuntimeError, Op: "set capabilities", Path: spec, Err: err}
	}
	for _, c := range ambient {
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(c), 0, 0); err != nil {
			return &Error{Code: ExitRuntimeError, Op: "raise ambient capability", Path: capabilityNames[c], Err: err}
		}
	}
	return nil
}

// lookupUser resolves UID[:GID] or NAME[:GROUP] in the container's files.
func lookupUser(spec string) (containerUser, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	users := readColonFile("/etc/passwd")
	var u containerUser
	found := false
	for _, f := range users {
		if len(f) >= 4 && (f[0] == name || f[2] == name) {
			uid, err1 := strconv.Atoi(f[2])
			gid, err2 := strconv.Atoi(f[3])
			if err1 == nil && err2 == nil {
				u, found, name = containerUser{uid: uid, gid: gid}, true, f[0]
				break
			}
		}
	}
	if !found {
		uid, err := strconv.Atoi(name)
		if err != nil || uid < 0 {
			return u, fmt.Errorf("no user %q in the container's /etc/passwd (want a name from it or a number, e.g. --user 1000:1000)", name)
		}
		u.uid = uid // a number without an entry: group 0, as Docker does
	}
	groups := readColonFile("/etc/group")
	if hasGroup {
		gid, err := strconv.Atoi(group)
		if err != nil || gid < 0 {
			gid = -1
			for _, f := range groups {
				if len(f) >= 3 && f[0] == group {
					gid, _ = strconv.Atoi(f[2])
				}
			}
			if gid < 0 {
				return u, fmt.Errorf("no group %q in the container's /etc/group (want a name from it or a number, e.g. --user 1000:1000)", group)
			}
		}
		u.gid = gid
	}
	u.groups = []int{}
	for _, f := range groups {
		if len(f) < 4 {
			continue
		}
		for _, member := range strings.Split(f[3], ",") {
			if gid, err := strconv.Atoi(f[2]); err == nil && member == name && found {
				u.groups = append(u.groups, gid)
			}
		}
	}
	return u, nil
}

// readColonFile reads /etc/passwd or /etc/group as lines of fields; a
// missing file is empty.
func readColonFile(path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, strings.Split(line, ":"))
		}
	}
	return lines
}
