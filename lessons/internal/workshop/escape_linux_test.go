package workshop

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Lesson 04's notes send the learner to a program that tries lesson 02's
// chroot escape against their own code. Built on the solutions, it must
// escape a chroot and stay stuck after pivot_root, and leave nothing
// behind in the directory it used.
func TestEscapeProgram(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		t.Skip("the escape needs root: go test -exec sudo ./lessons/internal/workshop")
	}
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	replace := []string{}
	for _, n := range []int{2, 4} {
		files, err := ExerciseFiles(root, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			replace = append(replace, fmt.Sprintf("%q:%q", filepath.Join(root, Dir(n), f), filepath.Join(root, SolutionDir(n), f)))
		}
	}
	if err := os.WriteFile(overlay, []byte(`{"Replace":{`+strings.Join(replace, ",")+`}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "escape")
	build := exec.Command("go", "build", "-overlay", overlay, "-o", bin, "./lessons/04/testdata/escape")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the escape program: %v\n%s", err, out)
	}
	for mode, want := range map[string]string{"chroot": "ESCAPED", "pivot": "stuck"} {
		dir := t.TempDir()
		out, err := exec.Command(bin, mode, dir).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("escape %s %s: want %q in its output, got %v:\n%s", mode, dir, want, err, out)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("escape %s left %v in %s", mode, entries, dir)
		}
	}
	if out, err := exec.Command(bin, "sideways", t.TempDir()).CombinedOutput(); err == nil || !strings.Contains(string(out), "usage:") {
		t.Errorf("escape with a bad mode: want an error with the usage, got %v:\n%s", err, out)
	}
}
