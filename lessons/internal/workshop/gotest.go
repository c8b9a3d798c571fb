package workshop

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// TestResult is how one top-level test ended, from go test -json.
type TestResult struct {
	Name   string
	Action string   // "pass", "fail" or "skip"; "" if it never ended
	Output []string // its lines of output, subtests' included
}

// PackageResult is one package's tests.
type PackageResult struct {
	Action string        // "pass", "fail" or "skip" for the package
	Tests  []*TestResult // top-level tests in the order they started
	Output []string      // output not tied to a test (build errors, panics)
}

// Failed lists the names of the top-level tests that failed.
func (p *PackageResult) Failed() []string {
	var names []string
	for _, t := range p.Tests {
		if t.Action == "fail" {
			names = append(names, t.Name)
		}
	}
	return names
}

type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// RunTests runs go test -json with args in root and returns the results by
// package import path. A failing test is not an error; a go command that
// could not run is.
func RunTests(root string, args ...string) (map[string]*PackageResult, error) {
	return RunTestsContext(context.Background(), root, args...)
}

// RunTestsContext is RunTests that interrupts go test when ctx is done
// (and kills it if it has not ended 10 s later).
func RunTestsContext(ctx context.Context, root string, args ...string) (map[string]*PackageResult, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, args...)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = root
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	results := ParseTestEvents(out)
	waitErr := cmd.Wait()
	if len(results) == 0 && waitErr != nil {
		return nil, &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: []byte(stderr.String())}
	}
	for _, p := range results {
		if p.Action == "fail" && len(p.Tests) == 0 && stderr.Len() > 0 {
			p.Output = append(p.Output, strings.Split(strings.TrimSpace(stderr.String()), "\n")...)
		}
	}
	return results, nil
}

// ParseTestEvents reads the stream of go test -json.
func ParseTestEvents(r io.Reader) map[string]*PackageResult {
	results := map[string]*PackageResult{}
	get := func(pkg string) *PackageResult {
		p := results[pkg]
		if p == nil {
			p = &PackageResult{}
			results[pkg] = p
		}
		return p
	}
	tests := map[string]*TestResult{}
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for s.Scan() {
		var e event
		if json.Unmarshal(s.Bytes(), &e) != nil {
			continue
		}
		pkg := e.Package
		if pkg == "" {
			pkg = e.ImportPath // build-output events
		}
		p := get(pkg)
		if e.Test == "" {
			switch e.Action {
			case "output", "build-output":
				p.Output = append(p.Output, strings.TrimRight(e.Output, "\n"))
			case "pass", "fail", "skip":
				p.Action = e.Action
			case "build-fail":
				p.Action = "fail"
			}
			continue
		}
		top, _, _ := strings.Cut(e.Test, "/")
		key := pkg + "\x00" + top
		t := tests[key]
		if t == nil {
			t = &TestResult{Name: top}
			tests[key] = t
			p.Tests = append(p.Tests, t)
		}
		switch e.Action {
		case "output":
			t.Output = append(t.Output, strings.TrimRight(e.Output, "\n"))
		case "pass", "fail", "skip":
			if e.Test == top {
				t.Action = e.Action
			}
		}
	}
	return results
}
