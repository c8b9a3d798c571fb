package container

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// AvailablePrograms returns those of names that this host has, in their
// order: a name with no slash must be found in PATH, an absolute path must be
// an executable file. No names, or none found, gives nil.
func AvailablePrograms(names ...string) []string {
	var found []string
	for _, name := range names {
		if _, err := findProgram(name); err == nil {
			found = append(found, name)
		}
	}
	return found
}

// BuildRootfs makes a minimal root filesystem in dir for programs to run in
// under chroot(2) or pivot_root(2). dir is made (with its parents, mode
// 0755) when it is absent; a dir that exists must be empty, so that nothing
// already there is overwritten. The files belong to the caller.
//
// The rootfs has the standard directories (bin, sbin, usr/bin, usr/sbin,
// lib, lib64 when the host has it, etc, proc, sys, dev, tmp with mode 1777,
// root, home, var, run), the top-level bin and lib ones laid out as on the
// host (on a merged-/usr host, /bin is a symlink to usr/bin); /etc/passwd
// and /etc/group with root and nobody; and /etc/hostname.
//
// Each program is a name looked up in the host's PATH ("sh") or an absolute
// path ("/bin/ls"). Its content (symlinks followed) is copied to /bin/NAME
// with its mode, and where the host has it in another directory
// (/usr/local/bin/NAME), a symlink there leads to /bin/NAME. Its ELFDeps are
// copied to the paths the loader will look for them at, with the symlinks on
// the way recreated (/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/...).
// A script (#!) is copied without dependencies: give its interpreter as a
// program too. Libraries a program loads with dlopen(3) (NSS modules) are
// not copied. A program that finds its libraries through $ORIGIN will not
// find them from /bin: they are copied to their host paths.
//
// Every program and its libraries are found before anything is made. On an
// error, an *Error, what BuildRootfs made is removed again (dir too, when
// it made dir), so no half-built rootfs is left behind.
func BuildRootfs(dir string, programs ...string) error {
	type program struct {
		name, path, content string
		deps                []string
	}
	var progs []program
	byName := map[string]string{}
	for _, p := range programs {
		path, err := findProgram(p)
		if err != nil {
			return err
		}
		content, err := filepath.EvalSymlinks(path)
		if err != nil {
			return &Error{Code: ExitRuntimeError, Op: "find program", Path: p, Err: err}
		}
		name := filepath.Base(path)
		if have, dup := byName[name]; dup {
			if have == content {
				continue
			}
			return &Error{Code: ExitRuntimeError, Op: "build rootfs", Path: dir, Err: fmt.Errorf("two programs would be /bin/%s: %s and %s", name, have, content)}
		}
		byName[name] = content
		var deps []string
		if !isScript(content) {
			if deps, err = ELFDeps(path); err != nil {
				return err
			}
		}
		progs = append(progs, program{name, path, content, deps})
	}
	return buildRootfs("build rootfs", dir, func(t *rootfsTree) error {
		bin, err := t.mirrorDir("/bin")
		if err != nil {
			return err
		}
		for _, p := range progs {
			if err := t.copyFile(p.content, filepath.Join(bin, p.name)); err != nil {
				return err
			}
			home, err := t.mirrorDir(filepath.Dir(p.path))
			if err != nil {
				return err
			}
			if home != bin {
				rel, err := filepath.Rel(home, filepath.Join(bin, p.name))
				if err != nil {
					return err
				}
				if err := t.symlink(rel, filepath.Join(home, p.name)); err != nil {
					return err
				}
			}
			for _, d := range p.deps {
				if err := t.mirrorFile(d); err != nil {
					return fmt.Errorf("copy %s (needed by %s): %w", d, p.path, err)
				}
			}
		}
		return nil
	})
}

// findProgram returns the host path of a program given to BuildRootfs.
func findProgram(name string) (string, error) {
	const want = `want a name looked up in PATH, such as "sh", or an absolute path, such as "/bin/ls"`
	fail := func(err error) error { return &Error{Code: ExitRuntimeError, Op: "find program", Path: name, Err: err} }
	switch {
	case name == "":
		return "", fail(errors.New("empty program name: " + want))
	case filepath.IsAbs(name):
		fi, err := os.Stat(name)
		if err != nil {
			return "", fail(fmt.Errorf("%w (%s)", err, want))
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return "", fail(fmt.Errorf("not an executable file (%s)", want))
		}
		return name, nil
	case strings.Contains(name, "/"):
		return "", fail(errors.New("a relative path: " + want))
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fail(fmt.Errorf("not found in PATH=%s (%s)", os.Getenv("PATH"), want))
	}
	if !filepath.IsAbs(path) {
		return "", fail(fmt.Errorf("found only as %s, relative to the current directory (%s)", path, want))
	}
	return path, nil
}

// isScript says whether the file at path starts with "#!" (execve(2)).
func isScript(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, []byte("#!"))
}

// buildRootfs claims dir, lays out the standard directories and files,
// and runs fill. When anything fails it removes what it made.
func buildRootfs(op, dir string, fill func(*rootfsTree) error) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: op, Path: dir, Err: err}
	}
	undo, err := claimDir(abs)
	if err != nil {
		return &Error{Code: ExitRuntimeError, Op: op, Path: abs, Err: err}
	}
	t := &rootfsTree{dir: abs}
	err = t.layout()
	if err == nil {
		err = fill(t)
	}
	if err != nil {
		undo()
		return &Error{Code: ExitRuntimeError, Op: op, Path: abs, Err: err}
	}
	return nil
}

// claimDir makes dir, with the parents it lacks, or checks that the dir
// that is there is empty. undo removes what claimDir made, or what was put
// in the empty dir.
func claimDir(dir string) (undo func(), err error) {
	var missing []string // dir, then its missing parents, upwards
	for p := dir; ; p = filepath.Dir(p) {
		_, err := os.Lstat(p)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, p)
	}
	if len(missing) == 0 {
		f, err := os.Open(dir)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || !fi.IsDir() {
			return nil, errors.New("exists and is not a directory: want an empty or absent directory")
		}
		if names, _ := f.Readdirnames(1); len(names) > 0 {
			return nil, fmt.Errorf("directory is not empty (it has %s): refusing to build a rootfs over what is there; want an empty or absent directory", names[0])
		}
		return func() { removeContents(dir) }, nil
	}
	top := ""
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if errors.Is(err, fs.ErrExist) && i > 0 {
			continue // a parent someone else just made: not ours to remove
		}
		if err != nil {
			if top != "" {
				os.RemoveAll(top)
			}
			return nil, err
		}
		if top == "" {
			top = missing[i]
		}
	}
	return func() { os.RemoveAll(top) }, os.Chmod(dir, 0o755)
}

func removeContents(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// rootfsDirs are the directories of every rootfs, and their modes. Those
// marked host are made the way the host has them (the link where it has a
// link), with mode 0755; lib64 only when the host has it.
var rootfsDirs = []struct {
	path string
	perm fs.FileMode
	host bool
}{
	{"/usr/bin", 0o755, true}, {"/usr/sbin", 0o755, true}, {"/bin", 0o755, true}, {"/sbin", 0o755, true},
	{"/lib", 0o755, true}, {"/lib64", 0o755, true},
	{"/etc", 0o755, false}, {"/proc", 0o555, false}, {"/sys", 0o555, false}, {"/dev", 0o755, false},
	{"/tmp", 0o777 | fs.ModeSticky, false}, {"/root", 0o700, false}, {"/home", 0o755, false},
	{"/var", 0o755, false}, {"/run", 0o755, false},
}

// rootfsEtc are the files of every rootfs's /etc (passwd(5), group(5)).
var rootfsEtc = []struct{ name, content string }{
	{"passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"},
	{"group", "root:x:0:\nnobody:x:65534:\n"},
	{"hostname", "unboxed\n"},
}

// layout makes the standard directories and files of a rootfs.
func (t *rootfsTree) layout() error {
	for _, d := range rootfsDirs {
		if !d.host {
			if err := t.mkdir(d.path); err != nil {
				return err
			}
			if err := os.Chmod(t.at(d.path), d.perm); err != nil {
				return err
			}
			continue
		}
		if _, err := os.Lstat(d.path); errors.Is(err, fs.ErrNotExist) && d.path == "/lib64" {
			continue // a host without lib64 (arm64, i386) has no loader there
		}
		if _, err := t.mirrorDir(d.path); err != nil {
			return err
		}
	}
	for _, f := range rootfsEtc {
		if err := t.writeFile("/etc/"+f.name, f.content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
