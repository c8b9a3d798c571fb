//go:build linux

package overlay_test

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/06"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestMain(m *testing.M) {
	lessontest.Main(m, 6, container.Stages{MountOverlay: overlay.MountOverlay})
}

// layer makes a directory that serves as a read-only layer: files maps a
// path in the layer ("etc/motd") to its content; a path ending in "/" is
// an empty directory.
func layer(l *lessontest.T, files map[string]string) string {
	l.Helper()
	dir := l.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			l.NoError(os.MkdirAll(path, 0o755), "making the layer directory "+path)
			continue
		}
		l.NoError(os.MkdirAll(filepath.Dir(path), 0o755), "making the layer directory "+filepath.Dir(path))
		l.NoError(os.WriteFile(path, []byte(content), 0o644), "writing the layer file "+path)
	}
	return dir
}

// onLayers is a container on the default rootfs with layers stacked on top
// through an overlay whose directories live under stateDir.
func onLayers(stateDir string, layers ...string) container.Config {
	return container.Config{Overlay: true, Layers: layers, StateDir: stateDir}
}

// fingerprint describes every entry of a tree by its path: its mode, and
// the sha256 of its content (a file) or its target (a symlink).
func fingerprint(l *lessontest.T, dir string) map[string]string {
	l.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		desc := info.Mode().String()
		switch {
		case info.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(data))
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			desc += " -> " + target
		}
		tree["/"+rel] = desc
		return nil
	})
	l.NoError(err, "reading the tree "+dir)
	return tree
}

// treeDiff says which paths differ between two fingerprints, "" for none.
func treeDiff(before, after map[string]string) string {
	var diffs []string
	for path, was := range before {
		now, ok := after[path]
		switch {
		case !ok:
			diffs = append(diffs, "removed "+path)
		case now != was:
			diffs = append(diffs, fmt.Sprintf("changed %s (%s, was %s)", path, now, was))
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			diffs = append(diffs, "added "+path)
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

// stateIsEmpty fails the test unless the state directory holds nothing:
// every container's upper and work directories are gone.
func stateIsEmpty(l *lessontest.T, stateDir string) {
	l.Helper()
	entries, err := os.ReadDir(stateDir)
	l.NoError(err, "reading the state directory "+stateDir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	l.Equal("what is left in the state directory "+stateDir, "", strings.Join(left, " "))
}

// overlayMountsOf lists the host's overlay mounts that name one of dirs.
func overlayMountsOf(t *testing.T, dirs ...string) string {
	var found []string
	for _, line := range strings.Split(lessontest.HostMounts(t), "\n") {
		if !strings.Contains(line, " - overlay ") {
			continue
		}
		for _, d := range dirs {
			if strings.Contains(line, d) {
				found = append(found, line)
				break
			}
		}
	}
	return strings.Join(found, "\n")
}

// canary is the file writeCanary writes.
const canary = "unboxed-lesson06-canary"

// writeCanary runs a container of cfg that writes one file, and fails the
// test, after removing the file, if it reached one of the lower layers. A
// MountOverlay that lets writes through would otherwise change the shared
// rootfs for every test and lesson after this one.
func writeCanary(l *lessontest.T, cfg container.Config, lowers ...string) {
	l.Helper()
	out, code := l.RunContainer(cfg, "echo canary > /"+canary)
	for _, dir := range lowers {
		path := filepath.Join(dir, canary)
		if _, err := os.Lstat(path); err == nil {
			_ = os.Remove(path)
			l.Fatalf("want a write in the container to stay out of the lower layer %s, got /%s there (removed now): is the container's root an overlay, with the lowers read-only?", dir, canary)
		}
	}
	l.Equal(fmt.Sprintf("the exit code of echo canary > /%s (output %q)", canary, out), 0, code)
}
