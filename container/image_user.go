package container

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ResolveUser turns the image's User (image-spec config.md: "user",
// "uid", "user:group", "uid:gid", "uid:group" or "user:gid") into numeric
// ids, reading names in the image's /etc/passwd and /etc/group: the
// topmost layer's copy wins, as in the container. Without a group, the
// user's primary group from /etc/passwd (0 for a uid it does not list).
// An empty User is root, 0:0.
func (img *Image) ResolveUser() (uid, gid int, err error) {
	user, group, hasGroup := strings.Cut(img.Config.User, ":")
	if user == "" {
		return 0, 0, nil
	}
	bad := func(format string, a ...any) (int, int, error) {
		return 0, 0, fmt.Errorf("image %s: user %q: %s (want e.g. 1000, 1000:1000 or a name in the image's /etc/passwd)", img.Name, img.Config.User, fmt.Sprintf(format, a...))
	}
	if n, err := strconv.Atoi(user); err == nil {
		uid = n
		if e, ok := img.lookupID("etc/passwd", user, 2); ok {
			gid, _ = strconv.Atoi(e[3])
		}
	} else if e, ok := img.lookupName("etc/passwd", user); ok && len(e) > 3 {
		uid, _ = strconv.Atoi(e[2])
		gid, _ = strconv.Atoi(e[3])
	} else {
		return bad("no such user in the image's /etc/passwd")
	}
	if !hasGroup {
		return uid, gid, nil
	}
	if n, err := strconv.Atoi(group); err == nil {
		return uid, n, nil
	}
	if e, ok := img.lookupName("etc/group", group); ok && len(e) > 2 {
		gid, _ = strconv.Atoi(e[2])
		return uid, gid, nil
	}
	return bad("no group %q in the image's /etc/group", group)
}

// imageFile returns the path of rel in the topmost layer that has it, or
// "" when none has it or a layer above deleted it (a whiteout: a
// character device).
func (img *Image) imageFile(rel string) string {
	for i := len(img.Layers) - 1; i >= 0; i-- {
		p := filepath.Join(img.Layers[i], rel)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if fi.Mode()&fs.ModeCharDevice != 0 || !fi.Mode().IsRegular() {
			return ""
		}
		return p
	}
	return ""
}

// lookupName finds the colon-separated line of file whose first field is
// name.
func (img *Image) lookupName(file, name string) ([]string, bool) {
	return img.lookupID(file, name, 0)
}

// lookupID finds the line of file whose field number field is value.
func (img *Image) lookupID(file, value string, field int) ([]string, bool) {
	p := img.imageFile(file)
	if p == "" {
		return nil, false
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Split(s.Text(), ":")
		if len(fields) > field && len(fields) > 3 && fields[field] == value {
			return fields, true
		}
	}
	return nil, false
}
