package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
	"golang.org/x/term"
)

// rendererPackage is the command that renders Markdown (glamour). This
// binary does not link it: glamour's package initialisation would cost
// every verb, and every container that run starts pays a binary's
// initialisation twice (the runtime, then its re-executed init). Only the
// verbs that render (notes, hint, check, watch) start it.
const rendererPackage = "lessons/internal/render"

// show prints Markdown through the renderer, which pages it when it is
// longer than the terminal. Where the renderer cannot be built (no
// checkout here, no go command), it prints the Markdown as it is.
func show(md string) { showEnv(md) }

// showEnv is show with extra environment variables for the renderer
// ("PAGER=cat": never wait for a pager).
func showEnv(md string, env ...string) {
	bin, err := renderer()
	if err == nil {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(md)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err = cmd.Run(); cmd.ProcessState != nil {
			return // it ran: what it printed is what there is
		}
	}
	fmt.Fprintf(os.Stderr, "unboxed: unstyled notes (%v)\n", err)
	fmt.Print(md)
}

// renderer returns the renderer's binary for this checkout, built into the
// user's cache directory the first time and whenever rendererKey changes.
func renderer() (string, error) {
	root, err := workshop.FindRoot(".")
	if err != nil {
		return "", err
	}
	key, err := rendererKey(root, runtime.Version())
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the notes renderer: %w", err)
	}
	dir := filepath.Join(cache, "unboxed", "bin")
	bin := filepath.Join(dir, "render-"+key)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		fmt.Fprintln(os.Stderr, "unboxed: building the notes renderer into your cache directory (the first build takes a minute)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Build beside the final name and rename: another workshop process may
	// be building or running the same renderer now.
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	build := exec.Command("go", "build", "-o", tmp, "./"+rendererPackage)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("build %s: %v: %s", rendererPackage, err, strings.TrimSpace(string(out)))
	}
	if err := os.Rename(tmp, bin); err != nil {
		os.Remove(tmp)
		return "", err
	}
	removeOldRenderers(dir, bin)
	return bin, nil
}

// rendererKey names a build of the renderer: a hash of what its binary
// depends on, so that reusing it needs no go build (which costs about
// 0.1 s even when nothing changed): the Go version (goVersion), the
// system, go.mod and go.sum (glamour's version), and the renderer's own
// source files. The renderer imports nothing else of this module.
func rendererKey(root, goVersion string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(rendererPackage), "*.go"))
	if err != nil {
		return "", err
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
	if len(files) == 0 {
		return "", fmt.Errorf("no renderer sources in %s", filepath.Join(root, rendererPackage))
	}
	for _, file := range append([]string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}, files...) {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(file), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// removeOldRenderers removes the builds of the renderer other than keep
// that have not been rebuilt for a day: older checkouts' renderers, kept a
// while for other checkouts on the same machine that still use them.
func removeOldRenderers(dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(dir, "render-*"))
	for _, path := range old {
		if path == keep {
			continue
		}
		if info, err := os.Stat(path); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.Remove(path)
		}
	}
}
