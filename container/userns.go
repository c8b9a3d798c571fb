package container

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// IDRange is a range of host ids for a container's user namespace: its
// uids 0 to Size-1 are host uids HostUID and up, its gids likewise from
// HostGID. Root inside is then an unprivileged user outside.
type IDRange struct {
	HostUID, HostGID, Size int
}

// DefaultUserRange is the range used when /etc/subuid and /etc/subgid
// have none for the user: 65536 ids from 100000, above every account a
// distribution makes, and where useradd starts its subordinate ranges.
var DefaultUserRange = IDRange{HostUID: 100000, HostGID: 100000, Size: 65536}

// SubordinateRange is the range /etc/subuid and /etc/subgid give user
// ("root:100000:65536"), or DefaultUserRange when either has no entry.
func SubordinateRange(user string) IDRange {
	uid, uidSize, ok1 := subordinate("/etc/subuid", user)
	gid, gidSize, ok2 := subordinate("/etc/subgid", user)
	if !ok1 || !ok2 {
		return DefaultUserRange
	}
	return IDRange{HostUID: uid, HostGID: gid, Size: min(uidSize, gidSize)}
}

// subordinate reads the first NAME:START:COUNT line for user.
func subordinate(path, user string) (start, count int, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(parts) != 3 || parts[0] != user {
			continue
		}
		start, err1 := strconv.Atoi(parts[1])
		count, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && start > 0 && count > 0 {
			return start, count, true
		}
	}
	return 0, 0, false
}
