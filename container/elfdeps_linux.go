package container

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ELFDeps returns the absolute paths of the files a dynamically linked ELF
// program needs before its first instruction runs: its interpreter (the
// dynamic loader named by the PT_INTERP program header) first, then every
// shared library in its DT_NEEDED entries, and theirs, in the breadth-first
// order in which the loader loads them. A statically linked program (no
// PT_INTERP, no DT_NEEDED) gives nil and no error.
//
// Libraries are looked for the way ld.so(8) does it: in the DT_RPATH
// directories of the object that needs them and of the objects that needed
// it, up to the program (unless the object has a DT_RUNPATH); then in the
// object's DT_RUNPATH; then in the directories listed by /etc/ld.so.conf and
// the files it includes (ldconfig(8) builds ld.so.cache from them); then in
// the default directories, the multiarch one for the program's machine first
// (/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib64, /usr/lib64,
// /lib, /usr/lib). $ORIGIN in a path means the directory of the object that
// holds it. A candidate of another ELF class or machine (a 32-bit library for
// a 64-bit program) is passed over, as the loader passes it over. A name the
// loader already has (by DT_NEEDED name or DT_SONAME) is not looked for again.
//
// Paths are returned as found, symlinks and all (/lib64/ld-linux-x86-64.so.2,
// not what it points to): copy them following links. Left out are what the
// environment changes (LD_LIBRARY_PATH, LD_PRELOAD), $LIB and $PLATFORM, the
// glibc-hwcaps subdirectories, and libraries loaded with dlopen(3) at run
// time (NSS modules, iconv), which no ELF header names.
//
// The error is an *Error naming the program: for a missing interpreter or
// library it names that too, and the object that needed it.
func ELFDeps(path string) ([]string, error) {
	return elfDeps(path, "/")
}

// elfObject is what the loader reads from one ELF file.
type elfObject struct {
	path    string
	class   elf.Class
	data    elf.Data
	machine elf.Machine
	interp  string   // PT_INTERP, "" when there is none
	needed  []string // DT_NEEDED
	soname  string   // DT_SONAME, "" when there is none
	rpath   []string // DT_RPATH, $ORIGIN expanded; nil when there is a DT_RUNPATH
	runpath []string // DT_RUNPATH, $ORIGIN expanded
}

// elfDeps is ELFDeps with ld.so.conf read below root.
func elfDeps(path, root string) ([]string, error) {
	fail := func(err error) error { return &Error{Code: ExitRuntimeError, Op: "elf deps", Path: path, Err: err} }
	// The program's $ORIGIN is where the kernel found it, links resolved
	// (the loader reads /proc/self/exe); a library's is the directory it
	// was found in.
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fail(err)
	}
	prog, err := readELF(path, filepath.Dir(real))
	if err != nil {
		return nil, fail(err)
	}
	if prog.interp == "" && len(prog.needed) == 0 {
		return nil, nil
	}
	conf, err := ldSoConfDirs(root)
	if err != nil {
		return nil, fail(err)
	}
	defaults := defaultLibDirs(prog.class, prog.machine)

	var deps []string
	have := map[string]bool{} // names, sonames and paths already loaded
	if prog.interp != "" {
		ld, err := readELF(prog.interp, filepath.Dir(prog.interp))
		if err != nil {
			return nil, fail(fmt.Errorf("interpreter (PT_INTERP): %w", err))
		}
		deps = append(deps, prog.interp)
		// libc names the loader in its DT_NEEDED; the loader is already
		// there, under its soname, so it is not looked for in the dirs.
		have[prog.interp], have[filepath.Base(prog.interp)], have[ld.soname] = true, true, true
	}

	// chain is the DT_RPATH list that an object's own dependencies are
	// looked for in: its own DT_RPATH, then its loader's chain.
	type loaded struct {
		obj   *elfObject
		chain []string
	}
	queue := []loaded{{prog, prog.rpath}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		var dirs []string
		if cur.obj.runpath == nil {
			dirs = append(dirs, cur.chain...)
		}
		dirs = append(dirs, cur.obj.runpath...)
		dirs = append(dirs, conf...)
		dirs = append(dirs, defaults...)
		for _, name := range cur.obj.needed {
			if have[name] {
				continue
			}
			lib, err := findLibrary(name, dirs, prog)
			if err != nil {
				return nil, fail(fmt.Errorf("library %s (needed by %s): %w", name, cur.obj.path, err))
			}
			have[name] = true
			if lib.soname != "" {
				have[lib.soname] = true
			}
			if have[lib.path] {
				continue
			}
			have[lib.path] = true
			deps = append(deps, lib.path)
			queue = append(queue, loaded{lib, append(lib.rpath[:len(lib.rpath):len(lib.rpath)], cur.chain...)})
		}
	}
	return deps, nil
}

// findLibrary looks for name in dirs and returns the first file there that
// is an ELF object of the same class, byte order and machine as prog.
func findLibrary(name string, dirs []string, prog *elfObject) (*elfObject, error) {
	if strings.Contains(name, "/") {
		// A DT_NEEDED with a slash is a path, not a name to look for.
		dirs, name = []string{filepath.Dir(name)}, filepath.Base(name)
	}
	seen := map[string]bool{}
	var tried, skipped []string
	for _, dir := range dirs {
		if dir == "" || seen[dir] {
			continue
		}
		seen[dir] = true
		tried = append(tried, dir)
		candidate := filepath.Join(dir, name)
		if fi, err := os.Stat(candidate); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		lib, err := readELF(candidate, dir)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s (%v)", candidate, err))
			continue
		}
		if lib.class != prog.class || lib.data != prog.data || lib.machine != prog.machine {
			skipped = append(skipped, fmt.Sprintf("%s (%v %v, want %v %v)", candidate, lib.class, lib.machine, prog.class, prog.machine))
			continue
		}
		return lib, nil
	}
	msg := "not found in " + strings.Join(tried, ":")
	if len(skipped) > 0 {
		msg += "; passed over " + strings.Join(skipped, ", ")
	}
	return nil, errors.New(msg)
}

// readELF reads what the loader needs from the ELF file at path. origin is
// what $ORIGIN stands for in its DT_RPATH and DT_RUNPATH.
func readELF(path, origin string) (*elfObject, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	o := &elfObject{path: path, class: f.Class, data: f.Data, machine: f.Machine}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := io.ReadAll(p.Open())
			if err != nil {
				return nil, fmt.Errorf("read PT_INTERP: %w", err)
			}
			o.interp = strings.TrimRight(string(b), "\x00")
		}
	}
	// debug/elf reads the dynamic section through the section headers; a
	// file without one (a static program) has no DT_ entries at all.
	if o.needed, err = f.DynString(elf.DT_NEEDED); err != nil {
		return nil, fmt.Errorf("read DT_NEEDED: %w", err)
	}
	if s, _ := f.DynString(elf.DT_SONAME); len(s) > 0 {
		o.soname = s[0]
	}
	runpath, _ := f.DynString(elf.DT_RUNPATH)
	o.runpath = searchPath(runpath, origin)
	if len(runpath) == 0 {
		// With a DT_RUNPATH the loader ignores DT_RPATH (ld.so(8)).
		rpath, _ := f.DynString(elf.DT_RPATH)
		o.rpath = searchPath(rpath, origin)
	}
	return o, nil
}

// searchPath splits DT_RPATH or DT_RUNPATH values (colon-separated lists)
// and expands $ORIGIN and ${ORIGIN} to origin.
func searchPath(values []string, origin string) []string {
	var dirs []string
	for _, v := range values {
		for _, d := range strings.Split(v, ":") {
			d = strings.ReplaceAll(d, "${ORIGIN}", origin)
			d = strings.ReplaceAll(d, "$ORIGIN", origin)
			if d != "" {
				dirs = append(dirs, filepath.Clean(d))
			}
		}
	}
	return dirs
}

// multiarch is the Debian multiarch tuple of each machine, the name of the
// directory under /lib and /usr/lib that holds its libraries.
var multiarch = map[elf.Machine]string{
	elf.EM_X86_64:  "x86_64-linux-gnu",
	elf.EM_AARCH64: "aarch64-linux-gnu",
	elf.EM_386:     "i386-linux-gnu",
	elf.EM_ARM:     "arm-linux-gnueabihf",
	elf.EM_RISCV:   "riscv64-linux-gnu",
	elf.EM_S390:    "s390x-linux-gnu",
}

// defaultLibDirs are the directories the loader searches last, in order:
// the multiarch ones (Debian, Ubuntu), lib64 (Fedora, Arch), then plain lib.
func defaultLibDirs(class elf.Class, machine elf.Machine) []string {
	var dirs []string
	if tuple, ok := multiarch[machine]; ok {
		dirs = append(dirs, "/lib/"+tuple, "/usr/lib/"+tuple)
	}
	if class == elf.ELFCLASS64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	}
	return append(dirs, "/lib", "/usr/lib")
}
