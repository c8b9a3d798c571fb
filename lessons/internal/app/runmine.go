package app

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// run --mine runs a container on the learner's own stages: it reads the
// lessons to see which stages are written (workshop.Stages, from the
// source, so that this CLI never imports a lesson), builds the runtime of
// lessons/internal/mine/unboxed with those stages linked in, and execs it
// with the rest of the arguments. A lesson that does not compile is one
// line here, not the compiler's wall of text.

// mineFlags are run's own flags for --mine, taken out of the arguments
// before the library's run parses the rest.
type mineFlags struct {
	mine, onlyMine bool
	overlay        string // a go build -overlay file (CI: every solution)
}

// cutMineFlags takes --mine, --only-mine and --overlay FILE out of args,
// up to the first "--".
func cutMineFlags(args []string) (mineFlags, []string, error) {
	var f mineFlags
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			return f, append(rest, args[i:]...), nil
		case a == "--mine" || a == "-mine":
			f.mine = true
		case a == "--only-mine" || a == "-only-mine":
			f.mine, f.onlyMine = true, true
		case a == "--overlay" || a == "-overlay":
			if i+1 == len(args) {
				return f, nil, fmt.Errorf("--overlay needs a FILE (go build's -overlay JSON)")
			}
			i++
			f.overlay = args[i]
		case strings.HasPrefix(a, "--overlay="):
			f.overlay = strings.TrimPrefix(a, "--overlay=")
		default:
			rest = append(rest, a)
		}
	}
	if f.overlay != "" && !f.mine {
		return f, nil, fmt.Errorf("--overlay goes with --mine")
	}
	return f, rest, nil
}

// runVerb is run: the library's runtime, or with --mine the learner's.
func runVerb(args []string) int {
	f, rest, err := cutMineFlags(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed run: %v\n", err)
		return 125
	}
	if !f.mine {
		return runLibrary(rest)
	}
	bin, code := buildMine(f, os.Stderr)
	if bin == "" {
		return code
	}
	return execRuntime(bin, append([]string{"run"}, rest...))
}

// buildMine decides which stages are the learner's, says so in one line
// on stderr, and builds the runtime with them. It returns the binary, or
// "" and the exit status when there is none to run.
func buildMine(f mineFlags, stderr *os.File) (string, int) {
	root, err := workshop.FindRoot(".")
	if err != nil {
		fmt.Fprintf(stderr, "unboxed run --mine: %v\n", err)
		return "", 125
	}
	var overlay map[string]string
	if f.overlay != "" {
		if overlay, err = workshop.ReadOverlay(f.overlay); err != nil {
			fmt.Fprintf(stderr, "unboxed run --mine: %v\n", err)
			return "", 125
		}
	}
	version, _, _ := cgroups.Roots()
	stages, err := workshop.Stages(root, overlay, version == "v1")
	if err != nil {
		fmt.Fprintf(stderr, "unboxed run --mine: %v\n", err)
		return "", 125
	}
	assembly, err := workshop.Assembly(root, overlay)
	if err != nil {
		fmt.Fprintf(stderr, "unboxed run --mine: %v\n", err)
		return "", 125
	}
	// Lesson 10's Run counts as one more stage: written, it assembles the
	// container (the one line then ends "Run" among yours).
	stages = append(stages, assembly)
	yours, library, stubs := splitStages(stages)
	if f.onlyMine && len(stubs) > 0 {
		for _, s := range stubs {
			fmt.Fprintf(stderr, "%s is still a TODO\n", s)
		}
		fmt.Fprintf(stderr, "unboxed run --only-mine: %d of %d stages are still stubs (the lines above); write them, or drop --only-mine to run the library's in their place\n", len(library), len(stages))
		return "", 125
	}
	fmt.Fprintln(stderr, stagesLine(yours, library))
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "unboxed", "bin", "unboxed-mine")
	build := []string{"build", "-o", bin, "-ldflags", "-X main.yours=" + strings.Join(yours, ",")}
	if f.overlay != "" {
		build = append(build, "-overlay", f.overlay)
	}
	cmd := exec.Command("go", append(build, "./lessons/internal/mine/unboxed")...)
	var out bytes.Buffer
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, &out, &out
	// Static, as cmd/unboxed is built: no C library to load at each of
	// the two processes of every container.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(stderr, "unboxed run --mine: %s\n", compileError(out.String(), err))
		return "", 125
	}
	return bin, 0
}

// splitStages names the written stages, the stubs, and where each stub is.
func splitStages(stages []workshop.Stage) (yours, library, stubs []string) {
	for _, s := range stages {
		if s.Written() {
			yours = append(yours, s.Name)
			continue
		}
		library = append(library, s.Name)
		files := map[string][]string{}
		var order []string
		for _, stub := range s.Stubs {
			file, fn, _ := strings.Cut(stub, ": ")
			if _, ok := files[file]; !ok {
				order = append(order, file)
			}
			files[file] = append(files[file], fn)
		}
		for _, file := range order {
			what := s.Name
			if fns := files[file]; len(fns) > 1 || fns[0] != s.Name {
				what += " (" + strings.Join(fns, ", ") + ")"
			}
			stubs = append(stubs, file+": "+what)
		}
	}
	return yours, library, stubs
}

// stagesLine is the one line that says whose stage runs.
func stagesLine(yours, library []string) string {
	y, l := strings.Join(yours, " "), strings.Join(library, " ")
	if y == "" {
		y = "none yet"
	}
	if l == "" {
		l = "none"
	}
	return "yours: " + y + " · the library's: " + l
}

var (
	// packageHeader starts go build's errors for one package.
	packageHeader = regexp.MustCompile(`(?m)^# \S*/lessons/(\d\d)\s*$`)
	// compilerLine is one error: file:line:col: message.
	compilerLine = regexp.MustCompile(`(?m)^\S+\.go:\d+(?::\d+)?: .*$`)
)

// compileError turns go build's output into one line: the lesson that
// does not compile and its first error.
func compileError(out string, err error) string {
	if h := packageHeader.FindStringSubmatchIndex(out); h != nil {
		lesson := out[h[2]:h[3]]
		if first := compilerLine.FindString(out[h[1]:]); first != "" {
			return fmt.Sprintf("lesson %s does not compile: %s (all of it: go build ./lessons/%s)", lesson, first, lesson)
		}
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(out), "\n"); first != "" {
		return fmt.Sprintf("building your runtime failed: %s", first)
	}
	return fmt.Sprintf("building your runtime failed: %v", err)
}
