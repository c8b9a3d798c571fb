package container

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
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
// way unboxed run --init does.
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
	fmt.Printf("exit %d %v\n", code, err)
}

// countSIGINT counts the SIGINTs it gets for half a second after "ready".
// It also starts itself again ("background") in a process group of its
// own, as a shell starts a background job: the terminal's Ctrl-C does not
// reach that one, so any SIGINT it counts was passed on by the init or
// the runtime. (The foreground count alone could not tell: a second
// SIGINT that arrives while the first is pending is merged with it,
// signal(7).)
func countSIGINT() {
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT)
	background := len(os.Args) > 1 && os.Args[1] == "background"
	var helper *exec.Cmd
	var helperOut strings.Builder
	if !background {
		helper = exec.Command("/proc/self/exe", "background")
		helper.Args[0] = childCountSIGINT
		helper.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		ready, err := helper.StdoutPipe()
		if err == nil {
			err = helper.Start()
		}
		line, _ := bufio.NewReader(ready).ReadString('\n')
		if err != nil || line != "ready\n" {
			fmt.Printf("background counter: %v %q\n", err, line)
			return
		}
		go func() { _, _ = io.Copy(&helperOut, ready) }()
	}
	fmt.Println("ready")
	n := 0
	end := time.After(time.Duration(countSIGINTSeconds * float64(time.Second)))
	for counting := true; counting; {
		select {
		case <-sigs:
			n++
		case <-end:
			counting = false
		}
	}
	if background {
		fmt.Printf("SIGINT %d\n", n)
		return
	}
	_ = helper.Wait()
	fmt.Printf("SIGINT %d; in the background: %s\n", n, strings.TrimSpace(helperOut.String()))
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
// runtime that runs a command with an init. The terminal sends SIGINT to
// every process of its foreground group, the command's included; the init
// passed its own copy on to every process in the container, and the
// runtime its own to the init, so the command got two or three, and a
// background job one it should never get.
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
	assert.Equal(t, "SIGINT 1; in the background: SIGINT 0", next("SIGINT"), "one Ctrl-C: one SIGINT for the command, none for a background job")
	assert.Equal(t, "exit 0 <nil>", next("exit"))
}
