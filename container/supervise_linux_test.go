package container

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// superviseChild is PID 1 of a new PID namespace that starts sh -c
// os.Args[1] and then hands over to Supervise alone, with SIGTERM,
// SIGUSR1 and SIGINT caught for it to pass on, and terminalKeys when
// os.Args[2] is "keys": the exported stage, without the rest of the init.
const superviseChild = "container-test-supervise"

// supervisedEnv, in a container's environment, has this test binary's
// init add its value to what Supervise returns (testSupervise): proof
// that the init goes through the stages table.
const supervisedEnv = "UNBOXED_TEST_SUPERVISE_ADD"

func init() {
	Register(superviseChild, func() {
		sigs := make(chan os.Signal, 4)
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGINT)
		p, err := os.StartProcess("/bin/sh", []string{"sh", "-c", os.Args[1]}, &os.ProcAttr{
			Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(ExitRuntimeError)
		}
		os.Exit(Supervise(p.Pid, sigs, len(os.Args) > 2 && os.Args[2] == "keys"))
	})
}

// testSupervise is this test binary's Supervise stage (installed at init
// with testOverlayStage): the library's, plus the number in
// supervisedEnv when the command's environment has one.
func testSupervise(command int, sigs <-chan os.Signal, terminalKeys bool) int {
	code := Supervise(command, sigs, terminalKeys)
	if n, err := strconv.Atoi(os.Getenv(supervisedEnv)); err == nil {
		return code + n
	}
	return code
}

// runSupervised runs superviseChild with script in a new PID namespace
// and returns its exit status and output.
func runSupervised(t *testing.T, script string) (int, string) {
	t.Helper()
	var out strings.Builder
	cmd := Command(superviseChild, script)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWPID, Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	_ = cmd.Wait() // the exit status is the answer
	return cmd.ProcessState.ExitCode(), out.String()
}

func TestSupervise(t *testing.T) {
	needRoot(t)
	// An orphan that exits (with 5) before the command does must not
	// count: the command's own code or signal does.
	orphanFirst := `o=$(sh -c 'sh -c "exit 5" >/dev/null & echo $!'); ` +
		`while grep -q '^State:.[SR]' /proc/$o/status 2>/dev/null; do :; done; `
	for _, tc := range []struct {
		name   string
		script string
		want   int
	}{
		{"its own code", "exit 3", 3},
		{"its own code after an orphan's", orphanFirst + "exit 7", 7},
		{"128+N when signal N killed it", orphanFirst + "kill -TERM $$", 128 + 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runSupervised(t, tc.script)
			assert.Equal(t, tc.want, code, out)
		})
	}
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		keys string
		want int
	}{
		{"passes signals on", syscall.SIGUSR1, "", 4},
		{"passes SIGINT on without a terminal", syscall.SIGINT, "", 4},
		// The terminal has delivered Ctrl-C to everyone already.
		{"keeps SIGINT with terminalKeys", syscall.SIGINT, "keys", 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			require.NoError(t, err)
			defer r.Close()
			// The trap runs once the foreground sleep ends: the signal
			// reaches sleep too, from kill(-1).
			cmd := Command(superviseChild, `trap 'exit 4' USR1 INT; echo ready; sleep 1; exit 9`, tc.keys)
			cmd.Stdout = w
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWPID, Pdeathsig: syscall.SIGKILL}
			require.NoError(t, cmd.Start())
			w.Close()
			line := make([]byte, 6)
			_, err = r.Read(line)
			require.NoError(t, err)
			require.Equal(t, "ready\n", string(line))
			require.NoError(t, cmd.Process.Signal(tc.sig))
			_ = cmd.Wait()
			assert.Equal(t, tc.want, cmd.ProcessState.ExitCode(), "4: the command's trap ran; 9: the signal never reached it")
		})
	}
}

// TestInitCallsTheSuperviseStage: the init runs the Supervise of the
// stages table (testSupervise here), not the library's directly.
func TestInitCallsTheSuperviseStage(t *testing.T) {
	needRoot(t)
	code, err := Run(context.Background(), Config{
		Args:       []string{"sh", "-c", "exit 3"},
		Env:        []string{"PATH=/usr/bin:/bin", supervisedEnv + "=100"},
		Namespaces: []Namespace{PID},
		Init:       true,
	})
	require.NoError(t, err)
	assert.Equal(t, 103, code, "the command's 3, plus the 100 of this binary's Supervise stage")
}
