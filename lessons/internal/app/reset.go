package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

func init() {
	verbs["reset"] = verb{run: resetVerb, usage: "reset LESSON", summary: "put a lesson's exercise back as it was (your version is backed up)"}
}

func resetVerb(args []string) int {
	root, n, code, ok := oneLesson("reset", args)
	if !ok {
		return code
	}
	if exec.Command("git", "-C", root, "rev-parse", "--verify", "-q", "HEAD").Run() != nil {
		fmt.Fprintf(os.Stderr, "unboxed reset: %s is not a git checkout with a commit, so there is no original to restore: clone the workshop with git clone\n", root)
		return 1
	}
	files, err := workshop.ExerciseFiles(root, n)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed reset: %v\n", err)
		return 1
	}
	backup := filepath.Join(root, ".unboxed", "backup", fmt.Sprintf("%02d-%s", n, time.Now().Format("20060102-150405")))
	for _, f := range files {
		rel := filepath.Join(workshop.Dir(n), f)
		original, err := exec.Command("git", "-C", root, "show", "HEAD:"+rel).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "unboxed reset: git has no %s at HEAD: %v\n", rel, err)
			return 1
		}
		path := filepath.Join(root, rel)
		current, err := os.ReadFile(path)
		if err == nil && string(current) == string(original) {
			fmt.Printf("%s: already as it was\n", rel)
			continue
		}
		if err == nil {
			if err := os.MkdirAll(backup, 0o755); err != nil {
				fmt.Fprintf(os.Stderr, "unboxed reset: %v\n", err)
				return 1
			}
			if err := os.WriteFile(filepath.Join(backup, f), current, 0o644); err != nil {
				fmt.Fprintf(os.Stderr, "unboxed reset: back up %s: %v\n", rel, err)
				return 1
			}
		}
		if err := os.WriteFile(path, original, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "unboxed reset: %v\n", err)
			return 1
		}
		fmt.Printf("%s: reset (your version: %s)\n", rel, filepath.Join(backup, f))
	}
	if err := forgetHints(n); err != nil {
		fmt.Fprintf(os.Stderr, "unboxed reset: forget the hints read: %v\n", err)
		return 1
	}
	fmt.Printf("hints: the next go run ./lessons hint %d is the first again\n", n)
	return 0
}
