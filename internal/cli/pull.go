package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"golang.org/x/term"
)

// PullUsage and PullSummary describe the pull verb.
const (
	PullUsage   = "pull [--insecure-registry HOST] REF"
	PullSummary = "bring an image into the store: from a registry, an OCI layout (oci:DIR) or an archive"
)

// Pull brings an image into the store and prints what it fetched: a
// progress line per layer on a terminal, a plain line per layer elsewhere.
func Pull(prog string, args []string) int {
	var insecure []string
	fs := flag.NewFlagSet("pull", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("insecure-registry", "speak plain HTTP to `HOST[:PORT]` (localhost and 127.0.0.1 always)", func(h string) error {
		insecure = append(insecure, h)
		return nil
	})
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		if err == nil {
			err = fmt.Errorf("want one image reference, got %d arguments", fs.NArg())
		}
		fmt.Fprintf(os.Stderr, "unboxed pull: %v (usage: %s %s)\n", err, prog, PullUsage)
		return container.ExitRuntimeError
	}
	img, err := pullImage(fs.Arg(0), insecure, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed pull: %v\n", err)
		return container.ExitStatusOf(err)
	}
	fmt.Printf("%s: %s (%d layers, %s)\n", img.Name, img.Digest, len(img.Layers), humanBytes(img.Size))
	return 0
}

// pullImage parses ref and pulls it into the default store, telling w
// how it goes.
func pullImage(ref string, insecure []string, w *os.File) (*container.Image, error) {
	r, err := parseRef(ref)
	if err != nil {
		return nil, err
	}
	s, err := container.OpenImageStore("")
	if err != nil {
		return nil, err
	}
	var end func()
	s.Progress, end = progressPrinter(w, term.IsTerminal(int(w.Fd())))
	img, err := s.Pull(context.Background(), r, container.PullOptions{Insecure: insecure})
	end()
	return img, err
}

// progressPrinter writes a line per blob: redrawn as it grows on a
// terminal, once when it is complete elsewhere. end finishes a line a
// failed pull left open.
func progressPrinter(w io.Writer, terminal bool) (progress func(container.PullEvent), end func()) {
	open := false
	progress = func(ev container.PullEvent) {
		short := strings.TrimPrefix(ev.Digest, "sha256:")[:12]
		switch {
		case ev.Cached:
			fmt.Fprintf(w, "%s: already in the store\n", short)
		case terminal:
			const width = 30
			bar := width
			if ev.Total > 0 {
				bar = int(int64(width) * ev.Done / ev.Total)
			}
			fmt.Fprintf(w, "\r%s: [%s%s] %s / %s", short, strings.Repeat("=", bar), strings.Repeat(" ", width-bar), humanBytes(ev.Done), humanBytes(ev.Total))
			open = ev.Done != ev.Total
			if !open {
				fmt.Fprintln(w)
			}
		case ev.Done == ev.Total:
			fmt.Fprintf(w, "%s: fetched %s\n", short, humanBytes(ev.Total))
		}
	}
	end = func() {
		if open {
			fmt.Fprintln(w)
		}
	}
	return progress, end
}

// humanBytes writes a size the way ls -h does: 1.5M, 12K, 300B.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1fG", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1fM", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1fK", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

// imageFor returns the image ref names from the store, pulled first (from
// insecure registries over plain HTTP) when the store does not have it.
func imageFor(ref string, insecure []string, w *os.File) (*container.Image, error) {
	r, err := parseRef(ref)
	if err != nil {
		return nil, err
	}
	s, err := container.OpenImageStore("")
	if err != nil {
		return nil, err
	}
	img, err := s.Get(r)
	if errors.Is(err, container.ErrImageNotStored) {
		return pullImage(ref, insecure, w)
	}
	return img, err
}

// parseRef reads an image reference and makes a layout's or an archive's
// path absolute, so that the store names it the same from any directory.
func parseRef(ref string) (container.ImageRef, error) {
	r, err := container.ParseImageRef(ref)
	if err == nil && r.Path != "" {
		r.Path, err = filepath.Abs(r.Path)
	}
	if err != nil {
		return r, &container.Error{Code: container.ExitRuntimeError, Op: "image", Err: err}
	}
	return r, nil
}
