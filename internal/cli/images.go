package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/unboxed-go/unboxed/container"
)

// The image verbs' usage and summaries.
const (
	ImagesUsage   = "images [--verbose]"
	ImagesSummary = "list the images in the store, with their sizes"
	RmiUsage      = "rmi REF..."
	RmiSummary    = "remove images from the store, with what no other image uses"
	PruneUsage    = "prune"
	PruneSummary  = "remove the blobs and layers no stored image uses"
)

// Images lists the store: an image a line, with its compressed size and
// the disk space of its unpacked layers (shared layers count in each
// image that has them); --verbose adds each image's config.
func Images(prog string, args []string) int {
	fs := flag.NewFlagSet("images", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	verbose := fs.Bool("verbose", false, "show each image's command, environment, working directory, user and ports")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "unboxed images: bad arguments %q (usage: %s %s)\n", args, prog, ImagesUsage)
		return 2
	}
	s, err := container.OpenImageStore("")
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed images: %v\n", err)
		return 1
	}
	infos, err := s.List()
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed images: %v\n", err)
		return 1
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tDIGEST\tLAYERS\tSIZE\tUNPACKED")
	for _, i := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", i.Name, strings.TrimPrefix(i.Digest, "sha256:")[:12], i.Layers, humanBytes(i.Size), humanBytes(i.Unpacked))
	}
	tw.Flush()
	if *verbose {
		for _, i := range infos {
			r, err := container.ParseImageRef(i.Name)
			if err != nil {
				continue
			}
			if img, err := s.Get(r); err == nil {
				describe(os.Stdout, img)
			}
		}
	}
	fmt.Printf("store: %s\n", s.Dir())
	return 0
}

// describe prints what an image runs, as an inspect would.
func describe(w io.Writer, img *container.Image) {
	c := img.Config
	fmt.Fprintf(w, "\n%s\n", img.Name)
	fmt.Fprintf(w, "  Entrypoint:   %q\n  Cmd:          %q\n  Env:          %q\n", c.Entrypoint, c.Cmd, c.Env)
	user := fmt.Sprintf("%q", c.User)
	if uid, gid, err := img.ResolveUser(); err == nil {
		user += fmt.Sprintf(" (uid %d, gid %d)", uid, gid)
	} else {
		user += fmt.Sprintf(" (%v)", err)
	}
	fmt.Fprintf(w, "  WorkingDir:   %q\n  User:         %s\n  ExposedPorts: %s\n", c.WorkingDir, user, strings.Join(c.ExposedPorts, " "))
	for _, l := range img.Layers {
		fmt.Fprintf(w, "  layer %s\n", l)
	}
}

// Rmi removes images and what only they used.
func Rmi(prog string, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(os.Stderr, "unboxed rmi: no image given (usage: %s %s)\n", prog, RmiUsage)
		return 2
	}
	s, err := container.OpenImageStore("")
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed rmi: %v\n", err)
		return 1
	}
	code := 0
	for _, a := range args {
		r, err := parseRef(a)
		if err == nil {
			var freed int64
			if freed, err = s.Remove(r); err == nil {
				fmt.Printf("removed %s (%s freed)\n", r, humanBytes(freed))
				continue
			}
		}
		fmt.Fprintf(os.Stderr, "unboxed rmi: %v\n", err)
		code = 1
	}
	return code
}

// Prune removes what no stored image uses.
func Prune(prog string, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(os.Stderr, "unboxed prune: takes no arguments (usage: %s %s)\n", prog, PruneUsage)
		return 2
	}
	s, err := container.OpenImageStore("")
	if err == nil {
		var freed int64
		if freed, err = s.Prune(); err == nil {
			fmt.Printf("%s freed\n", humanBytes(freed))
			return 0
		}
	}
	fmt.Fprintf(os.Stderr, "unboxed prune: %v\n", err)
	return 1
}
