package workshop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The checkout's lessons are stubs: every stage is the library's. With
// every solution overlaid, as go build -overlay sees them, every stage is
// written.
func TestStagesStubsAndSolutions(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	stages, err := Stages(root, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != len(StageNames()) {
		t.Fatalf("want %d stages, got %d", len(StageNames()), len(stages))
	}
	for _, s := range stages {
		if s.Written() {
			t.Errorf("stage %s: want a stub in the checkout's lesson %02d, got written", s.Name, s.Lesson)
		}
	}
	overlay := map[string]string{}
	sols, _ := filepath.Glob(filepath.Join(root, "solutions", "*", "*.go"))
	for _, sol := range sols {
		overlay[filepath.Join(root, "lessons", filepath.Base(filepath.Dir(sol)), filepath.Base(sol))] = sol
	}
	stages, err = Stages(root, overlay, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stages {
		if !s.Written() {
			t.Errorf("stage %s: want written with the solutions overlaid, got stubs %q", s.Name, s.Stubs)
		}
	}
}

// A stage whose function calls a stub of its lesson is a stub too; lesson
// 05's cgroup stage needs every method, and on a v1 host the bonus's.
func TestStagesFollowCalls(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	todo := `panic("TODO(lesson 8): write it")`
	write("lessons/08/privileges.go", "package p\nfunc LoadSeccomp() error { _ = SeccompProgram(); return nil }\n"+
		"func SeccompProgram() int { "+todo+" }\nfunc SetNoNewPrivs() error { return nil }\n")
	write("lessons/05/cgroups.go", "package c\ntype Cgroup struct{}\nfunc Create() {}\n"+
		"func (c *Cgroup) SetMemory() {}\nfunc (c *Cgroup) SetPids() {}\nfunc (c *Cgroup) SetCPU() {}\n"+
		"func (c *Cgroup) Add() { c.write() }\nfunc (c *Cgroup) write() { "+strings.Replace(todo, "8", "5", 1)+" }\n"+
		"func (c *Cgroup) Destroy() {}\n")
	for _, n := range []string{"01", "02", "03", "04", "06", "07", "09"} {
		write("lessons/"+n+"/x.go", "package x\n")
	}
	stages, err := Stages(root, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Stage{}
	for _, s := range stages {
		got[s.Name] = s
	}
	if s := got["LoadSeccomp"]; s.Written() || s.Stubs[0] != "lessons/08/privileges.go: LoadSeccomp" {
		t.Errorf("want LoadSeccomp a stub through SeccompProgram, got %q", s.Stubs)
	}
	if !got["SetNoNewPrivs"].Written() {
		t.Errorf("want SetNoNewPrivs written, got stubs %q", got["SetNoNewPrivs"].Stubs)
	}
	if s := got["NewCgroup"]; s.Written() || len(s.Stubs) != 1 || !strings.HasSuffix(s.Stubs[0], "Cgroup.Add") {
		t.Errorf("want NewCgroup a stub through Cgroup.Add, got %q", s.Stubs)
	}
	if s := got["PivotRoot"]; s.Written() || !strings.Contains(s.Stubs[0], "missing") {
		t.Errorf("want a missing PivotRoot to count as a stub, got %q", s.Stubs)
	}
}

// Lesson 10's Run and Init are a stub in the checkout and written with
// its solution overlaid.
func TestAssembly(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Assembly(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Written() || len(a.Stubs) != 2 {
		t.Errorf("want Run and Init stubs in the checkout's lesson 10, got %q", a.Stubs)
	}
	sol := filepath.Join(root, "solutions", "10", "runtime.go")
	a, err = Assembly(root, map[string]string{filepath.Join(root, "lessons", "10", "runtime.go"): sol})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Written() {
		t.Errorf("want Run and Init written with %s overlaid, got stubs %q", sol, a.Stubs)
	}
}
