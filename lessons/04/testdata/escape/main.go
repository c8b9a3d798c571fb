//go:build linux

// Command escape tries lesson 02's chroot escape for real, against your
// own code: after your lesson 02 Chroot ("chroot"), or after your lesson
// 04 MakePrivate and PivotRoot ("pivot"). It runs in a new mount
// namespace of its own, so the host's mounts are left as they were, and
// says whether the escape reached the host's root directory.
//
//	sudo go run ./lessons/04/testdata/escape chroot DIR
//	sudo go run ./lessons/04/testdata/escape pivot DIR
//
// DIR is any directory, a root filesystem or an empty one: the escape
// needs no program inside it. It lives under testdata so that the
// lesson's files still mirror its solution's; go run builds it all the
// same.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	rootfs "github.com/unboxed-go/unboxed/lessons/02"
	mounts "github.com/unboxed-go/unboxed/lessons/04"
)

// child is os.Args[0] of the copy that runs in the new mount namespace.
const child = "escape-child"

const usage = "usage: sudo go run ./lessons/04/testdata/escape chroot|pivot DIR (e.g. pivot /tmp/r)"

func main() {
	if len(os.Args) != 3 || os.Args[1] != "chroot" && os.Args[1] != "pivot" {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if os.Args[0] == child {
		if err := escape(os.Args[1], os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "escape:", err)
			os.Exit(1)
		}
		return
	}
	dir, err := filepath.Abs(os.Args[2])
	if err == nil {
		_, err = os.Stat(dir)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "escape: %v\n%s\n", err, usage)
		os.Exit(2)
	}
	// Start this program again in a new mount namespace (lesson 03): the
	// pivot, and any mount the learner's code makes, stay in there.
	cmd := exec.Command("/proc/self/exe", os.Args[1], dir)
	cmd.Args[0] = child
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &unix.SysProcAttr{Cloneflags: unix.CLONE_NEWNS}
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			fmt.Fprintf(os.Stderr, "escape: %v (run it as root: sudo)\n", err)
		}
		os.Exit(1)
	}
}

// escape enters dir the way mode says, then walks out as in lesson 02.
func escape(mode, dir string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("your code panicked: %v (finish its lesson first)", p)
		}
	}()
	var host unix.Stat_t
	if err := unix.Stat("/", &host); err != nil {
		return err
	}
	if mode == "chroot" {
		fmt.Println("entering", dir, "with your lesson 02 Chroot")
		if err := rootfs.Chroot(dir); err != nil {
			return err
		}
	} else {
		fmt.Println("entering", dir, "with your lesson 04 MakePrivate and PivotRoot")
		if err := mounts.MakePrivate(); err != nil {
			return err
		}
		if err := mounts.PivotRoot(dir); err != nil {
			return err
		}
	}
	fmt.Println("inside, / holds:", list("/"))

	// Lesson 02's four steps: a directory, a chroot into it without a
	// chdir, a long walk up, a chroot to where the walk ended.
	hole := fmt.Sprintf("/.escape-%d", os.Getpid())
	if err := os.Mkdir(hole, 0o700); err != nil {
		return err
	}
	defer os.Remove(hole) // the walk did not get out: it is still at /
	if err := unix.Chroot(hole); err != nil {
		return err
	}
	for i := 0; i < 64; i++ {
		if err := unix.Chdir(".."); err != nil {
			return err
		}
	}
	if err := unix.Chroot("."); err != nil {
		return err
	}
	var now unix.Stat_t
	if err := unix.Stat("/", &now); err != nil {
		return err
	}
	if now.Dev == host.Dev && now.Ino == host.Ino {
		_ = os.Remove(filepath.Join(dir, hole)) // the host's path to it
		fmt.Println("ESCAPED: / is the host's root again, and holds:", list("/"))
		return nil
	}
	fmt.Println("stuck: after the walk, / is still", dir+":", list("/"))
	return nil
}

// list names the first entries of dir.
func list(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err.Error()
	}
	var names []string
	for i, e := range entries {
		if i == 12 {
			names = append(names, "...")
			break
		}
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}
