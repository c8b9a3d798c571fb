package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
	"golang.org/x/term"
)

func init() {
	verbs["watch"] = verb{run: linuxOnly(runtime.GOOS, "watch", watchVerb), usage: "watch [LESSON]", summary: "re-run a lesson's tests whenever you save one of its files (default: the first not passing)"}
}

// pollEvery is how often watch looks at the lesson's files. It polls
// rather than asking inotify (fsnotify): in the workshop VM the checkout
// is a Vagrant synced folder (vboxsf, NFS, 9p), edited from the host's
// editor, and such filesystems deliver no inotify events for changes made
// on the other side, so a watcher would wait forever. Polling a dozen
// files' size and modification time costs microseconds, works on every
// filesystem and needs no new dependency; 300 ms is faster than a learner
// can switch from the editor to the terminal.
const pollEvery = 300 * time.Millisecond

func watchVerb(args []string) int {
	if len(args) > 1 {
		return usageError("watch", "want at most one lesson number, got %d arguments", len(args))
	}
	root, lessons, ok := checkout("watch")
	if !ok {
		return 2
	}
	var n int
	if len(args) == 1 {
		var err error
		if n, err = workshop.ParseLesson(args[0], lessons); err != nil {
			return usageError("watch", "%v", err)
		}
	} else {
		n = firstNotPassing(root, lessons)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tty := term.IsTerminal(int(os.Stdout.Fd()))
	dir := filepath.Join(root, workshop.Dir(n))
	for {
		seen := fingerprint(dir)
		watchRun(ctx, root, n, tty)
		if ctx.Err() != nil {
			break
		}
		fmt.Printf("\nwatching %s: save a file to run its tests again (Ctrl-C to quit)\n", workshop.Dir(n))
		if !waitForChange(ctx, dir, seen) {
			break
		}
	}
	fmt.Println("\nwatch: stopped")
	return 0
}

// firstNotPassing is the first lesson whose tests do not all pass (the
// first lesson when all do).
func firstNotPassing(root string, lessons []int) int {
	status := lessonStatus(root, lessons)
	for _, n := range lessons {
		if status[n] != statusPassed {
			return n
		}
	}
	return lessons[0]
}

// watchRun runs lesson n's tests once and shows how they went: the first
// failure with its notes section, or the next step when all pass.
func watchRun(ctx context.Context, root string, n int, tty bool) {
	title := strings.TrimPrefix(lessonNotes(n).Title, fmt.Sprintf("Lesson %02d: ", n))
	if tty {
		fmt.Print("\x1b[H\x1b[2J") // a clean screen for each run, as rustlings watch does
	} else {
		fmt.Printf("\n%s\n", strings.Repeat("─", 60))
	}
	fmt.Printf("lesson %02d: %s · go test %s · %s\n", n, title, workshop.Package(n), time.Now().Format("15:04:05"))
	results, err := workshop.RunTestsContext(ctx, root, workshop.Package(n))
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		fmt.Printf("go test did not run: %v\n", err)
		return
	}
	pkg := results[workshop.Module+"/"+workshop.Dir(n)]
	if pkg == nil || len(pkg.Tests) == 0 {
		fmt.Println("\nthe lesson did not build; go said:")
		if pkg != nil {
			fmt.Println(indented(strings.Join(pkg.Output, "\n")))
		}
		return
	}
	passed, failed, bonus := 0, []*workshop.TestResult{}, 0
	for _, t := range pkg.Tests {
		switch {
		case t.Action == "pass":
			passed++
		case t.Action == "fail" && workshop.IsBonus(t.Name):
			bonus++ // not required: shown only once the rest passes
		case t.Action == "fail":
			failed = append(failed, t)
		}
	}
	fmt.Printf("%d of %d tests pass\n", passed, len(pkg.Tests))
	if len(failed) == 0 {
		next := ""
		if lessons, err := workshop.LessonNumbers(root); err == nil && n < lessons[len(lessons)-1] {
			next = fmt.Sprintf("; next: go run ./lessons watch %d", n+1)
		}
		fmt.Printf("\n✓ lesson %02d passes%s\n", n, next)
		if bonus > 0 {
			fmt.Printf("  (%d bonus tests fail, which the lesson does not require: go run ./lessons check %d)\n", bonus, n)
		}
		return
	}
	first := failed[0]
	fmt.Printf("\n✗ %s", first.Name)
	if len(failed) > 1 {
		fmt.Printf(" (and %d more failing: go run ./lessons check %d lists them)", len(failed)-1, n)
	}
	fmt.Println()
	for _, m := range failureMessages(first.Output) {
		fmt.Println(indented(m))
	}
	sections, _ := workshop.TestSections(filepath.Join(root, workshop.Dir(n)))
	if s, ok := lessonNotes(n).Section(sections[first.Name]); ok {
		fmt.Println()
		showEnv(s.Text, "PAGER=cat") // a pager would stop the watch until quit
	}
	fmt.Printf("\nstuck? go run ./lessons hint %d\n", n)
}

// fingerprint is the name, size and modification time of every file
// under dir.
func fingerprint(dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			fmt.Fprintf(&b, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}

// waitForChange returns true once the files under dir differ from seen
// and have stayed the same for one more poll (an editor that saves in
// steps is run once), or false when ctx is done.
func waitForChange(ctx context.Context, dir, seen string) bool {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	last := seen
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
		now := fingerprint(dir)
		if now != seen && now == last {
			return true
		}
		last = now
	}
}
