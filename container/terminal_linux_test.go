package container

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The children of TestCtrlCReachesTheCommandOnce: a runtime on a terminal
// of its own, and the command it runs, which counts the SIGINTs it gets.
const (
	childOnTerminal    = "container-test-on-terminal"
	childCountSIGINT   = "container-test-count-sigint"
	countSIGINTSeconds = 0.5
)

func init() {
	Register(childOnTerminal, runOnTerminal)
	Register(childCountSIGINT, countSIGINT)
}

// runOnTerminal runs childCountSIGINT (found through the PATH directory in
// os.Args[1]) in a container with an init, on this process's terminal, the
// way unboxed run --init does, and says whether it holds the terminal's
// foreground again afterwards.
func runOnTerminal() {
	code, err := Run(context.Background(), Config{
		Args:           []string{childCountSIGINT},
		Env:            []string{"PATH=" + os.Args[1]},
		Namespaces:     []Namespace{PID},
		Init:           true,
		Stdin:          os.Stdin,
		Stdout:         os.Stdout,
		Stderr:         os.Stderr,
		ForwardSignals: true,
	})
	pgrp, _ := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	fmt.Printf("exit %d %v; the runtime holds the terminal again: %v\n", code, err, pgrp == unix.Getpgrp())
}

// countSIGINT counts the SIGINTs it gets for half a second after "ready",
// and says whether it leads the terminal's foreground process group (as
// a shell's job does) rather than share the group of the runtime and init,
// which would also get the terminal's SIGINT and pass it on again. (Two
// SIGINTs close together can count as one, since a signal already pending
// is not queued twice (signal(7)): the count alone could miss the double.)
func countSIGINT() {
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT)
	fmt.Println("ready")
	n := 0
	end := time.After(time.Duration(countSIGINTSeconds * float64(time.Second)))
	for {
		select {
		case <-sigs:
			n++
		case <-end:
			fg, _ := unix.IoctlGetInt(0, unix.TIOCGPGRP)
			fmt.Printf("SIGINT %d; the command leads the terminal's foreground group: %v\n", n, fg == os.Getpid() && unix.Getpgrp() == os.Getpid())
			return
		}
	}
}

// openPty opens a new pseudo-terminal, its master and its slave
// (pty(7): posix_openpt, unlockpt, ptsname).
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here (%v): a kernel with CONFIG_UNIX98_PTYS and /dev/pts mounted", err)
	}
	t.Cleanup(func() { master.Close() })
	require.NoError(t, unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0), "unlockpt")
	n, err := unix.IoctlGetUint32(int(master.Fd()), unix.TIOCGPTN)
	require.NoError(t, err, "ptsname")
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	return master, slave
}

// TestCtrlCReachesTheCommandOnce types Ctrl-C once on the terminal of a
// runtime that runs a command with an init. The command must get one
// SIGINT: it used to get one from the terminal (every process of the
// foreground group does), one from the init, which passed on the one it
// got, and one more through the runtime's forwarding.
func TestCtrlCReachesTheCommandOnce(t *testing.T) {
	needRoot(t)
	master, slave := openPty(t)
	self, err := os.Executable()
	require.NoError(t, err)
	bin := t.TempDir()
	require.NoError(t, os.Symlink(self, filepath.Join(bin, childCountSIGINT)))

	runtime := Command(childOnTerminal, bin)
	runtime.Stdin, runtime.Stdout, runtime.Stderr = slave, slave, slave
	// A session of its own, with the pty as its controlling terminal, so
	// that it is the terminal's foreground process group, as a shell
	// makes the job it starts.
	runtime.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	require.NoError(t, runtime.Start())
	slave.Close()
	t.Cleanup(func() { _ = runtime.Process.Kill(); _ = runtime.Wait() })

	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(master)
		for scanner.Scan() {
			lines <- strings.TrimSpace(scanner.Text())
		}
	}()
	var seen []string
	next := func(prefix string) string {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case line, ok := <-lines:
				seen = append(seen, line)
				require.True(t, ok, "the terminal closed before %q; it showed %q", prefix, seen)
				if i := strings.Index(line, prefix); i >= 0 {
					return line[i:]
				}
			case <-timeout:
				t.Fatalf("no %q on the terminal in 10 s; it showed %q", prefix, seen)
			}
		}
	}
	next("ready")
	_, err = master.Write([]byte{3}) // Ctrl-C: the line discipline sends SIGINT
	require.NoError(t, err)
	assert.Equal(t, "SIGINT 1; the command leads the terminal's foreground group: true", next("SIGINT"), "one Ctrl-C, one SIGINT for the command")
	assert.Equal(t, "exit 0 <nil>; the runtime holds the terminal again: true", next("exit"))
}
