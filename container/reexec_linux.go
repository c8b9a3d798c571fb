package container

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
)

// The re-exec mechanism. A Go program cannot safely call unshare(2) for
// itself: namespaces belong to OS threads, and the Go runtime moves goroutines
// between threads it creates whenever it likes. So the runtime starts a fresh
// copy of its own binary (/proc/self/exe) with the clone flags it wants, and
// that copy, born inside the new namespaces, recognises itself by os.Args[0]
// and runs a registered child function instead of main.

var (
	childrenMu sync.Mutex
	children   = map[string]func(){}
)

// Register makes fn runnable as a child: when this binary is started with
// os.Args[0] == name (see Command), Init runs fn and exits with status 0 if fn
// returns. Register panics if name is already taken. Call it from init
// functions or TestMain, before Init.
func Register(name string, fn func()) {
	childrenMu.Lock()
	defer childrenMu.Unlock()
	if _, dup := children[name]; dup {
		panic(fmt.Sprintf("container: child %q registered twice", name))
	}
	children[name] = fn
}

// Init runs the registered child function named by os.Args[0], then exits.
// When os.Args[0] names no registered child it returns false at once and the
// program goes on as usual. Call it first thing in main and in TestMain.
func Init() bool {
	childrenMu.Lock()
	fn, ok := children[os.Args[0]]
	childrenMu.Unlock()
	if !ok {
		return false
	}
	fn()
	os.Exit(0)
	return true // not reached
}

// Command returns a command that runs this same binary as the child
// registered under name, with args after it. It is not started; Stdin, Stdout
// and Stderr are nil (the null device) until the caller sets them.
// Lesson 01 asks for this function.
func Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(Self(), args...)
	cmd.Args[0] = name
	return cmd
}

// Self is the path that runs the current binary again: /proc/self/exe, which
// stays valid even when the file was deleted or replaced after start.
func Self() string { return "/proc/self/exe" }
