// Package rootfs is lesson 02: a root filesystem, and chroot. You build a
// tiny root filesystem from programs on the host, with the shared libraries
// and the loader they need, and you move a process into it with chroot(2).
//
// Read the notes first: go run ./lessons notes 2
package rootfs

// BuildRootfs makes a minimal root filesystem in dir: it creates dir (with
// its parents) and the directories bin, etc, proc, sys, dev and tmp in it,
// then copies each program to dir/bin/<base name>, keeping its mode bits. A
// program is a name looked up in PATH ("sh") or a path ("/bin/ls"). For a
// dynamically linked program it also copies the ELF interpreter (PT_INTERP)
// and every shared library the program needs (DT_NEEDED, and what those
// libraries need in turn), each to the same absolute path inside dir, so
// that the loader finds them there after a chroot.
func BuildRootfs(dir string, programs ...string) error {
	// TODO(lesson 2): make the directories, copy each program into bin/,
	// then copy its interpreter and the libraries it needs, and theirs,
	// to the same paths inside dir (notes: "The exercise").
	//
	// A head start for the ELF part, with debug/elf:
	//
	//	f, err := elf.Open(path) // and f.Close() when done
	//	for _, p := range f.Progs {
	//		if p.Type == elf.PT_INTERP {
	//			// io.ReadAll(p.Open()): the loader's path, then "\x00"
	//		}
	//	}
	//	names, err := f.ImportedLibraries() // the DT_NEEDED names
	//	// f.Machine: elf.EM_X86_64 or elf.EM_AARCH64, which picks the
	//	// multiarch directories to search for each name
	panic("TODO(lesson 2): write BuildRootfs in lessons/02/rootfs.go")
}

// Chroot makes dir the root directory of the calling process and moves its
// working directory to the new "/". Errors name the operation and the path.
func Chroot(dir string) error {
	// TODO(lesson 2): chroot(2) into dir, then chdir to "/"; wrap each
	// error with the operation and the path.
	panic("TODO(lesson 2): write Chroot in lessons/02/rootfs.go")
}
