// Package rootfs is lesson 02: a root filesystem, and chroot. You build a
// tiny root filesystem from programs on the host, with the shared libraries
// and the loader they need, and you move a process into it with chroot(2).
//
// Read the notes first: go run ./lessons notes 2
package rootfs

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// BuildRootfs makes a minimal root filesystem in dir: it creates dir (with
// its parents) and the directories bin, etc, proc, sys, dev and tmp in it,
// then copies each program to dir/bin/<base name>, keeping its mode bits. A
// program is a name looked up in PATH ("sh") or a path ("/bin/ls"). For a
// dynamically linked program it also copies the ELF interpreter (PT_INTERP)
// and every shared library the program needs (DT_NEEDED, and what those
// libraries need in turn), each to the same absolute path inside dir, so
// that the loader finds them there after a chroot.
func BuildRootfs(dir string, programs ...string) error {
	for _, sub := range []string{"bin", "etc", "proc", "sys", "dev", "tmp"} {
		path := filepath.Join(dir, sub)
		if err := os.MkdirAll(path, 0o755); err != nil {
			return fmt.Errorf("build rootfs %s: %w", dir, err)
		}
	}
	// Everyone may write in /tmp; the sticky bit stops them deleting each
	// other's files.
	if err := os.Chmod(filepath.Join(dir, "tmp"), 0o777|fs.ModeSticky); err != nil {
		return fmt.Errorf("build rootfs %s: %w", dir, err)
	}
	for _, p := range programs {
		path, err := exec.LookPath(p) // a path with a slash is used as written
		if err != nil {
			return fmt.Errorf("build rootfs %s: find program %q: %w", dir, p, err)
		}
		if err := copyFile(path, filepath.Join(dir, "bin", filepath.Base(path))); err != nil {
			return fmt.Errorf("build rootfs %s: %w", dir, err)
		}
		deps, err := elfDeps(path)
		if err != nil {
			return fmt.Errorf("build rootfs %s: %s: %w", dir, path, err)
		}
		for _, d := range deps {
			if err := copyFile(d, filepath.Join(dir, d)); err != nil {
				return fmt.Errorf("build rootfs %s: %s needs %s: %w", dir, path, d, err)
			}
		}
	}
	return nil
}

// Chroot makes dir the root directory of the calling process and moves its
// working directory to the new "/". Errors name the operation and the path.
func Chroot(dir string) error {
	if err := unix.Chroot(dir); err != nil {
		return &os.PathError{Op: "chroot", Path: dir, Err: err}
	}
	// Without this the working directory stays outside the new root.
	if err := unix.Chdir("/"); err != nil {
		return &os.PathError{Op: "chdir", Path: "/", Err: err}
	}
	return nil
}

// copyFile copies the content of src (symlinks followed) to dst, making
// dst's directory, and gives dst src's mode bits.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	// Chmod, not the mode of OpenFile: the umask would clear bits there.
	mode := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	return os.Chmod(dst, mode)
}

// elfDeps returns the interpreter and the shared libraries that the ELF
// program at path needs, as host paths. A static program or a script gives
// none.
func elfDeps(path string) ([]string, error) {
	f, err := elf.Open(path)
	var notELF *elf.FormatError
	if errors.As(err, &notELF) {
		return nil, nil // a script: give its interpreter as a program too
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()

	var deps []string
	seen := map[string]bool{}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(p.Open())
		if err != nil {
			return nil, fmt.Errorf("read PT_INTERP: %w", err)
		}
		interp := strings.TrimRight(string(b), "\x00")
		deps = append(deps, interp)
		// libc lists the loader among its own needs: it is there already.
		seen[filepath.Base(interp)] = true
	}

	dirs := libDirs(f.Machine)
	queue, err := f.ImportedLibraries()
	if err != nil {
		return nil, fmt.Errorf("read DT_NEEDED: %w", err)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		lib, needs, err := findLibrary(name, dirs, f)
		if err != nil {
			return nil, err
		}
		deps = append(deps, lib)
		queue = append(queue, needs...)
	}
	return deps, nil
}

// findLibrary looks for the library name in dirs and returns the first one
// built for the same machine and class as prog, with the libraries it needs.
func findLibrary(name string, dirs []string, prog *elf.File) (string, []string, error) {
	for _, dir := range dirs {
		path := filepath.Join(dir, name)
		lib, err := elf.Open(path)
		if err != nil {
			continue // not there, or not ELF
		}
		needs, err := lib.ImportedLibraries()
		match := lib.Machine == prog.Machine && lib.Class == prog.Class
		lib.Close()
		if !match {
			continue // a 32-bit library for a 64-bit program, say
		}
		if err != nil {
			return "", nil, fmt.Errorf("read DT_NEEDED of %s: %w", path, err)
		}
		return path, needs, nil
	}
	return "", nil, fmt.Errorf("library %s not found in %s", name, strings.Join(dirs, ":"))
}

// libDirs are the directories the loader searches by default, the Debian
// multiarch ones of the program's machine first.
func libDirs(m elf.Machine) []string {
	var dirs []string
	switch m {
	case elf.EM_X86_64:
		dirs = append(dirs, "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu")
	case elf.EM_AARCH64:
		dirs = append(dirs, "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu")
	}
	return append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib")
}
