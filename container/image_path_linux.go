package container

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// resolveInRoot finds where the tar entry name goes under root, reading
// the symbolic links already on disk the way the container will see them:
// an absolute target starts again at root. Only the last component is not
// followed (the entry replaces it). A name that leaves root, by ".." or
// through a link whose target climbs above root, is refused rather than
// written: a layer that does that is hostile (it would reach the host's
// files while being unpacked, go-containerregistry#2227). umoci's
// oci/layer/tar_extract.go resolves inside the root the same way, but
// clamps a climbing ".." at the root instead of refusing it.
func resolveInRoot(root, name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("entry %q: an absolute name leaves the layer (entries are relative, e.g. etc/passwd)", name)
	}
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("entry %q leaves the layer through \"..\"", name)
	}
	rest := strings.Split(clean, "/")
	var done []string // resolved components, symlink-free, under root
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", fmt.Errorf("entry %q leaves the layer through \"..\" in a symbolic link", name)
			}
			done = done[:len(done)-1]
			continue
		}
		if len(rest) == 0 {
			done = append(done, c)
			break
		}
		p := filepath.Join(append([]string{root}, append(done, c)...)...)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if links++; links > maxSymlinks {
			return "", fmt.Errorf("entry %q: more than %d symbolic links on the way", name, maxSymlinks)
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		} else if escapes(done, target) {
			return "", fmt.Errorf("entry %q leaves the layer through the symbolic link /%s -> %s", name, strings.Join(append(done, c), "/"), target)
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(append([]string{root}, done...)...), nil
}

// escapes says whether a relative link target, read in the directory
// done, climbs above the root.
func escapes(done []string, target string) bool {
	depth := len(done)
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "..":
			if depth--; depth < 0 {
				return true
			}
		case "", ".":
		default:
			depth++
		}
	}
	return false
}
