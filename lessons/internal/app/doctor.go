package app

// The doctor verb: is this machine ready for the workshop? It runs one check
// after the other and prints a line per finding, so an instructor can read
// 30 machines at a glance:
//
//	ok      kernel             6.8.0-45-generic (rootless overlayfs needs 5.11)
//	warn    busybox            not found: the runtime falls back to host programs
//	        fix: sudo apt-get install busybox-static
//	doctor: 20 ok, 0 missing, 1 warnings
//
// The kernel-facing checks live in doctor_linux.go (kernel, namespaces),
// doctor_linux_cgroup.go (cgroup version and controllers) and
// doctor_linux_mount.go (overlay, pivot_root); this file holds the report
// and the checks that need no kernel.

import (
	"bufio"
	"debug/elf"
	"errors"
	"fmt"
	"github.com/unboxed-go/unboxed/container"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

func init() {
	verbs["doctor"] = verb{run: doctor, usage: "doctor [--clean]", summary: "is this machine ready for the workshop? (--clean: remove what crashed runs left)"}
}

// The status words of a finding. "missing" makes doctor exit 1; "warn"
// does not: the workshop works, with a detour the fix line explains.
const (
	statusOK      = "ok"
	statusMissing = "missing"
	statusWarn    = "warn"
)

// reportWidth is the column that no line of the report reaches.
const reportWidth = 100

// A finding is one line of the report.
type finding struct {
	status string // statusOK, statusMissing or statusWarn
	name   string // what was checked, e.g. "ns/pid"
	detail string // what was found
	fix    string // what to type when status is not ok; "\n" starts a new line
}

// doctorEnv is what the checks depend on besides the machine itself.
type doctorEnv struct {
	root bool   // the effective user ID is 0
	tmp  string // where probes make their temp dirs; "" means os.TempDir()
}

// doctorChecks run in this order; each returns one finding or more.
var doctorChecks = []func(doctorEnv) []finding{
	checkKernel, checkNamespaces, checkCgroups, checkOverlay, checkPivotRoot,
	checkPrivileges, checkGo, checkBusybox, checkRunc,
}

// doctor is the verb: it takes no arguments, prints the report on stdout
// and returns 1 when anything is missing.
func doctor(args []string) int {
	if len(args) == 1 && args[0] == "--clean" {
		return doctorClean(os.Stdout)
	}
	if len(args) > 0 {
		return usageError("doctor", "unexpected argument %q (the one flag is --clean)", args[0])
	}
	return runDoctor(os.Stdout, doctorEnv{root: os.Geteuid() == 0})
}

// doctorClean removes the state directories and cgroups that crashed runs
// left behind, and says what it removed.
func doctorClean(w io.Writer) int {
	removed, err := container.CleanStale()
	for _, r := range removed {
		fmt.Fprintf(w, "removed %s\n", r)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed doctor --clean: %v\n", err)
		return 1
	}
	fmt.Fprintf(w, "doctor --clean: removed %d stale item(s)\n", len(removed))
	return 0
}

// runDoctor runs every check, prints each finding as it comes and the
// summary line last, and returns the exit status: 1 if anything is missing.
func runDoctor(w io.Writer, env doctorEnv) int {
	counts := map[string]int{}
	for _, check := range doctorChecks {
		for _, f := range check(env) {
			counts[f.status]++
			io.WriteString(w, formatFinding(f))
		}
	}
	fmt.Fprintf(w, "doctor: %d ok, %d missing, %d warnings\n",
		counts[statusOK], counts[statusMissing], counts[statusWarn])
	if counts[statusMissing] > 0 {
		return 1
	}
	return 0
}

// formatFinding renders a finding as its status line, the detail wrapped
// under itself, and for a non-ok finding the fix, every line under
// reportWidth columns unless a single word is longer.
func formatFinding(f finding) string {
	var b strings.Builder
	head := fmt.Sprintf("%-7s %-18s ", f.status, f.name)
	for i, line := range wrap(f.detail, reportWidth-1-len(head)) {
		if i > 0 {
			head = strings.Repeat(" ", len(head))
		}
		b.WriteString(strings.TrimRight(head+line, " ") + "\n")
	}
	if f.status != statusOK && f.fix != "" {
		const indent = "        fix: "
		for i, line := range wrap(f.fix, reportWidth-1-len(indent)) {
			if i == 0 {
				b.WriteString(indent + line + "\n")
			} else {
				b.WriteString(strings.Repeat(" ", len(indent)) + line + "\n")
			}
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most width bytes at spaces, and at
// every "\n". It returns one empty line for empty text.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len(line)+1+len(word) > width {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		lines = append(lines, line)
	}
	return lines
}

// checkPrivileges says how this user can do what needs root: as root,
// through passwordless sudo, or not at all.
func checkPrivileges(env doctorEnv) []finding {
	f := finding{status: statusOK, name: "privileges"}
	switch {
	case env.root:
		f.detail = "running as root"
	case exec.Command("sudo", "-n", "true").Run() == nil:
		f.detail = "passwordless sudo: tests that need root run with go test -exec sudo"
	default:
		f.status = statusWarn
		f.detail = "neither root nor passwordless sudo: lessons that create namespaces " +
			"run rootless through user namespaces"
		f.fix = "or use sudo for them: go test -exec sudo ./lessons/NN"
	}
	return []finding{f}
}

// checkGo compares the Go that built this binary with the go directive of
// the nearest go.mod above the working directory; without one it only
// reports the version.
func checkGo(doctorEnv) []finding {
	have := runtime.Version()
	f := finding{status: statusOK, name: "go"}
	wd, _ := os.Getwd()
	path := findGoMod(wd)
	if path == "" {
		f.detail = have + " (no go.mod above " + wd + " to compare with)"
		return []finding{f}
	}
	want, err := goDirectiveOf(path)
	switch {
	case err != nil:
		f.status, f.detail = statusWarn, err.Error()
		f.fix = "run the doctor from the unboxed checkout: cd unboxed && go run ./lessons doctor"
	case !goVersionAtLeast(have, want):
		f.status = statusMissing
		f.detail = fmt.Sprintf("%s is older than go %s that %s asks for", have, want, path)
		f.fix = "install Go " + want + " or newer: https://go.dev/doc/install"
	default:
		f.detail = fmt.Sprintf("%s (go.mod asks for go %s)", have, want)
	}
	return []finding{f}
}

// findGoMod returns the path of the go.mod in dir or its nearest parent
// that has one, or "" when there is none up to /.
func findGoMod(dir string) string {
	for dir != "" {
		path := filepath.Join(dir, "go.mod")
		if _, err := os.Stat(path); err == nil {
			return path
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// goDirectiveOf reads the go directive of the go.mod at path.
func goDirectiveOf(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	v, err := parseGoDirective(f)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return v, nil
}

// parseGoDirective returns the version of the "go 1.24.0" line of a go.mod.
func parseGoDirective(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "go" {
			return fields[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("no go directive")
}

// goVersionAtLeast says whether the Go release have (as runtime.Version
// says it: "go1.26.8", "go1.25rc1", "devel ...") is want ("1.24.0") or
// newer. A devel toolchain counts as new enough.
func goVersionAtLeast(have, want string) bool {
	if strings.HasPrefix(have, "devel") {
		return true
	}
	h, w := versionNumbers(strings.TrimPrefix(have, "go")), versionNumbers(want)
	for i := 0; i < len(w); i++ {
		var n int
		if i < len(h) {
			n = h[i]
		}
		if n != w[i] {
			return n > w[i]
		}
	}
	return true
}

// versionNumbers turns "1.25rc1" or "1.24.0" into its dotted numbers, [1 25]
// and [1 24 0]; it stops at the first part that does not start with a digit.
func versionNumbers(v string) []int {
	var nums []int
	for _, part := range strings.Split(v, ".") {
		end := 0
		for end < len(part) && part[end] >= '0' && part[end] <= '9' {
			end++
		}
		n, err := strconv.Atoi(part[:end])
		if err != nil {
			break
		}
		nums = append(nums, n)
	}
	return nums
}

// busyboxPaths are where distributions install busybox.
var busyboxPaths = []string{"/bin/busybox", "/usr/bin/busybox"}

// checkBusybox looks for a statically linked busybox, which runs in a root
// filesystem that holds nothing else.
func checkBusybox(doctorEnv) []finding {
	const fix = "sudo apt-get install busybox-static"
	for _, path := range busyboxPaths {
		static, err := isStaticELF(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			continue
		case err != nil:
			return []finding{{statusWarn, "busybox", err.Error(), fix}}
		case !static:
			return []finding{{statusWarn, "busybox", path +
				" is dynamically linked: it needs the host's libc in the container", fix}}
		}
		return []finding{{statusOK, "busybox", path + " is statically linked", ""}}
	}
	return []finding{{statusWarn, "busybox", "not found: the runtime falls back to host programs", fix}}
}

// isStaticELF says whether the ELF executable at path runs without a
// dynamic loader: it has no PT_INTERP program header (elf(5)). Static-pie
// binaries count as static.
func isStaticELF(path string) (bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false, nil
		}
	}
	return true, nil
}

// checkRunc looks for runc, which only `demo startup` uses for comparison.
func checkRunc(doctorEnv) []finding {
	path, err := exec.LookPath("runc")
	if err != nil {
		return []finding{{statusWarn, "runc", "not on PATH (optional: only demo startup uses it)",
			"sudo apt-get install runc"}}
	}
	return []finding{{statusOK, "runc", path, ""}}
}
