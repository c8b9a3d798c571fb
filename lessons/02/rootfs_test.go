//go:build linux

package rootfs_test

import (
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/lessons/02"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// build runs your BuildRootfs into a fresh directory and returns it.
func build(l *lessontest.T, programs ...string) string {
	l.Helper()
	dir := filepath.Join(l.TempDir(), "rootfs")
	err := rootfs.BuildRootfs(dir, programs...)
	l.NoError(err, fmt.Sprintf("BuildRootfs(%q, %q)", dir, programs))
	return dir
}

// hostProgram is the file behind a program name on the host: found in
// PATH, symlinks followed (sh is often a link to dash).
func hostProgram(l *lessontest.T, name string) string {
	l.Helper()
	path, err := exec.LookPath(name)
	l.NoError(err, "finding "+name+" in the host's PATH")
	real, err := filepath.EvalSymlinks(path)
	l.NoError(err, "following the symlinks of "+path)
	return real
}

func TestBuildRootfsCopiesPrograms(t *testing.T) {
	l := lessontest.New(t, "a-root-filesystem")
	defer l.Recover()
	dir := build(l, "sh", "ls", "cat")
	for _, d := range []string{"bin", "etc", "proc", "sys", "dev", "tmp"} {
		fi, err := os.Stat(filepath.Join(dir, d))
		l.NoError(err, "finding the directory /"+d+" in the rootfs")
		l.True(fi.IsDir(), "/"+d+" to be a directory", fi.Mode().String())
	}
	for _, name := range []string{"sh", "ls", "cat"} {
		host := hostProgram(l, name)
		want, err := os.Stat(host)
		l.NoError(err, "stat "+host)
		inside := filepath.Join(dir, "bin", name)
		got, err := os.Lstat(inside)
		l.NoError(err, "finding bin/"+name+" in the rootfs")
		l.True(got.Mode().IsRegular(), "bin/"+name+" to be a regular file (a copy, not a link to the host)", got.Mode().String())
		l.True(got.Mode().Perm()&0o111 != 0, "bin/"+name+" to have an execute bit", got.Mode().String())
		l.Equal("size of bin/"+name+" (the same as the host's "+host+")", want.Size(), got.Size())
	}
}

func TestBuildRootfsRefusesMissingProgram(t *testing.T) {
	l := lessontest.New(t, "a-root-filesystem")
	defer l.Recover()
	dir := filepath.Join(t.TempDir(), "rootfs")
	err := rootfs.BuildRootfs(dir, "sh", "no-such-program-here")
	l.Error(err, `BuildRootfs(dir, "sh", "no-such-program-here")`)
	l.Contains("the error", err.Error(), "no-such-program-here")
}

func TestBuildRootfsCopiesSharedLibraries(t *testing.T) {
	l := lessontest.New(t, "shared-libraries-and-the-loader")
	defer l.Recover()
	ls, err := exec.LookPath("ls")
	l.NoError(err, "finding ls in the host's PATH")
	f, err := elf.Open(ls)
	l.NoError(err, "reading "+ls+" as ELF")
	defer f.Close()
	interp := interpreter(l, f)
	l.True(interp != "", ls+" to be dynamically linked (to have a PT_INTERP)", "a static program")
	needed, err := f.ImportedLibraries()
	l.NoError(err, "reading the DT_NEEDED entries of "+ls)

	dir := build(l, "ls")
	files := filesByName(l, dir)

	_, err = os.Lstat(filepath.Join(dir, interp))
	l.NoError(err, "finding the interpreter "+interp+" at the same path inside the rootfs")
	l.True(len(files[filepath.Base(interp)]) > 0, "a file named "+filepath.Base(interp)+" under the rootfs", "only a dangling name")

	// What ls needs, then what those libraries need, read from the copies
	// in the rootfs: every name must be there.
	type need struct{ name, by string }
	var queue []need
	for _, n := range needed {
		queue = append(queue, need{n, "ls"})
	}
	seen := map[string]bool{filepath.Base(interp): true}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n.name] {
			continue
		}
		seen[n.name] = true
		paths := files[n.name]
		l.True(len(paths) > 0, fmt.Sprintf("a file named %s (needed by %s) under the rootfs", n.name, n.by), "none")
		lib, err := elf.Open(paths[0])
		if err != nil {
			continue // a symlink that leads out of the rootfs; the chroot tests will tell
		}
		more, err := lib.ImportedLibraries()
		lib.Close()
		l.NoError(err, "reading the DT_NEEDED entries of "+paths[0])
		for _, m := range more {
			queue = append(queue, need{m, n.name})
		}
	}
}

// interpreter returns the PT_INTERP of f, or "" for a static program.
func interpreter(l *lessontest.T, f *elf.File) string {
	l.Helper()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := io.ReadAll(p.Open())
			l.NoError(err, "reading PT_INTERP")
			return strings.TrimRight(string(b), "\x00")
		}
	}
	return ""
}

// filesByName walks dir and lists the regular files under it by base
// name; a symlink is listed too, under its own name, when what it leads
// to inside dir is a regular file.
func filesByName(l *lessontest.T, dir string) map[string][]string {
	l.Helper()
	files := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.Type().IsRegular():
			files[d.Name()] = append(files[d.Name()], path)
		case d.Type()&fs.ModeSymlink != 0:
			if target := insideRootfs(dir, path); target != "" {
				files[d.Name()] = append(files[d.Name()], target)
			}
		}
		return nil
	})
	l.NoError(err, "walking the rootfs "+dir)
	return files
}

// insideRootfs follows the symlink at path the way the kernel will after a
// chroot into dir (an absolute target starts at dir), and returns the
// regular file it leads to, or "".
func insideRootfs(dir, path string) string {
	for hops := 0; hops < 40; hops++ {
		target, err := os.Readlink(path)
		if err != nil {
			return ""
		}
		if filepath.IsAbs(target) {
			path = filepath.Join(dir, target)
		} else {
			path = filepath.Join(filepath.Dir(path), target)
		}
		fi, err := os.Lstat(path)
		switch {
		case err != nil:
			return ""
		case fi.Mode().IsRegular():
			return path
		case fi.Mode()&fs.ModeSymlink == 0:
			return ""
		}
	}
	return ""
}
