package container

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ldSoConfDirs returns the library directories that root/etc/ld.so.conf
// lists, in order and without repeats, following its include lines the way
// ldconfig(8) does. The paths are as the loader sees them (not prefixed with
// root): root only says where to read the files, so tests can use a fixture
// tree. A missing /etc/ld.so.conf gives no directories and no error.
func ldSoConfDirs(root string) ([]string, error) {
	p := ldSoConf{root: filepath.Clean(root), seen: map[string]bool{}}
	if err := p.parse("/etc/ld.so.conf", 0); err != nil {
		return nil, err
	}
	return p.dirs, nil
}

type ldSoConf struct {
	root string
	dirs []string
	seen map[string]bool
}

// maxLdSoConfDepth stops an include loop (a file that includes itself).
const maxLdSoConfDepth = 16

// parse reads one file of the configuration. Its format (ld.so.conf is
// documented only by ldconfig's source, elf/ldconfig.c in glibc): one
// directory a line; "#" starts a comment; "include PATTERN..." reads every
// file that each glob pattern matches, in sorted order, a relative pattern
// being relative to the including file's directory; "hwcap" lines are
// obsolete and ignored; the libc5-era "DIR=TYPE" form means DIR.
func (p *ldSoConf) parse(file string, depth int) error {
	if depth > maxLdSoConfDepth {
		return fmt.Errorf("read %s: includes nested deeper than %d: an include loop?", file, maxLdSoConfDepth)
	}
	f, err := os.Open(filepath.Join(p.root, file))
	if errors.Is(err, fs.ErrNotExist) && depth == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read ld.so.conf: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
		case fields[0] == "include":
			for _, pattern := range fields[1:] {
				if err := p.include(file, pattern, depth); err != nil {
					return err
				}
			}
		case fields[0] == "hwcap":
		default:
			dir, _, _ := strings.Cut(strings.TrimSpace(line), "=")
			p.add(dir)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", filepath.Join(p.root, file), err)
	}
	return nil
}

// include parses every file that pattern, found in file, matches.
func (p *ldSoConf) include(file, pattern string, depth int) error {
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(filepath.Dir(file), pattern)
	}
	matches, err := filepath.Glob(filepath.Join(p.root, pattern))
	if err != nil {
		return fmt.Errorf("read %s: include %q: %w", filepath.Join(p.root, file), pattern, err)
	}
	for _, m := range matches {
		rel, err := filepath.Rel(p.root, m)
		if err != nil {
			return err
		}
		if err := p.parse("/"+rel, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (p *ldSoConf) add(dir string) {
	dir = strings.TrimSpace(dir)
	if dir == "" {
		return
	}
	dir = filepath.Clean(dir)
	if !p.seen[dir] {
		p.seen[dir] = true
		p.dirs = append(p.dirs, dir)
	}
}
