package container

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// layersInUse lists the directories under layersDir that a mounted
// overlay has as a lower layer: the layers of running containers. Their
// mounts live in the containers' own mount namespaces, so the runtime's
// mount table does not show them; every process's does
// (/proc/PID/mountinfo, proc(5)), and the overlay lists its lowerdir in
// its super options. Processes this user may not read are skipped.
func layersInUse(layersDir string) map[string]bool {
	inUse := map[string]bool{}
	seen := map[string]bool{} // mount namespaces already read
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		ns, err := os.Readlink(filepath.Join(p, "ns", "mnt"))
		if err != nil || seen[ns] {
			continue
		}
		seen[ns] = true
		f, err := os.Open(filepath.Join(p, "mountinfo"))
		if err != nil {
			continue
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			line := s.Text()
			if !strings.Contains(line, " - overlay ") {
				continue
			}
			for _, opt := range strings.Split(line[strings.LastIndexByte(line, ' ')+1:], ",") {
				lowers, ok := strings.CutPrefix(opt, "lowerdir=")
				if !ok {
					continue
				}
				for _, l := range strings.Split(unescapeMountinfo(lowers), ":") {
					if filepath.Dir(l) == layersDir {
						inUse[filepath.Base(l)] = true
					}
				}
			}
		}
		f.Close()
	}
	return inUse
}

// unescapeMountinfo undoes the octal escapes mountinfo writes for space,
// tab, newline and backslash (proc(5): "\040" is a space).
func unescapeMountinfo(s string) string {
	return strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(s)
}
