//go:build linux

package namespaces_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/03"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

// keysChild is PID 1 of a new PID namespace that runs your Supervise by
// itself, as the init would, with terminalKeys as its argument says. Its
// command traps SIGINT (exit 4) and sends SIGINT to PID 1, as Ctrl-C on
// a terminal would reach it; if the signal never comes back, the command
// exits 9 a second later.
const keysChild = "lesson03-terminal-keys"

func init() {
	lessontest.Child(keysChild, func(args []string, r lessontest.Report) error {
		sigs := make(chan os.Signal, 4)
		signal.Notify(sigs, syscall.SIGINT)
		cmd, err := os.StartProcess("/bin/sh", []string{"sh", "-c", "trap 'exit 4' INT; kill -INT 1; sleep 1; exit 9"},
			&os.ProcAttr{Files: []*os.File{nil, nil, os.Stderr}})
		if err != nil {
			return err
		}
		r["status"] = strconv.Itoa(namespaces.Supervise(cmd.Pid, sigs, len(args) > 0 && args[0] == "keys"))
		return nil
	})
}

// The tests of the init run containers with Config.Init: the library's
// init starts the command and then calls your Supervise as PID 1.

// orphanExits makes an orphan that exits with status 5 and waits until it
// has ended, reaped or a zombie: sh -c '... &' starts it and exits, so the
// kernel hands it to PID 1.
const orphanExits = `o=$(sh -c 'sh -c "exit 5" >/dev/null 2>&1 & echo $!')
while grep -q '^State:.[SR]' /proc/$o/status 2>/dev/null; do :; done
`

func TestInitReapsOrphans(t *testing.T) {
	l := lessontest.New(t, "pid-1-the-init")
	defer l.Recover()
	l.NeedPrivileges()
	// The orphan sleeps a little, then ends. Its /proc entry goes once
	// PID 1 reaps it; a zombie keeps it, in state Z, until the end.
	script := `o=$(sh -c 'sleep 0.1 >/dev/null 2>&1 & echo $!')
z=0
while [ $z -lt 20 ]; do
  s=$(cut -d' ' -f3,4 /proc/$o/stat 2>/dev/null)
  [ -z "$s" ] && break
  case $s in Z*) z=$((z+1)); last=$s;; esac
  sleep 0.05
done
if [ -e /proc/$o ]; then echo "zombie, state and parent: $last"
else echo reaped; fi
exit 3`
	out, code := run(l, container.Config{Init: true}, script)
	l.Equal(fmt.Sprintf("the status of the script, which ends with exit 3 (an init that returns before the command ends gives another; output: %q)", out), 3, code)
	l.Equal("what became of an orphan that ended (a zombie for a second: not reaped)", "reaped", strings.TrimSpace(out))
}

func TestInitKeepsTheCommandsStatus(t *testing.T) {
	for _, tc := range []struct {
		name, last string
		want       int
	}{
		{"its exit code", "exit 7", 7},
		{"128+15 when SIGTERM killed it", "kill -TERM $$", 128 + 15},
		{"128+9 when SIGKILL killed it", "kill -KILL $$", 128 + 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "pid-1-the-init")
			defer l.Recover()
			l.NeedPrivileges()
			// Two orphans end with status 5 before the command does.
			out, code := run(l, container.Config{Init: true}, orphanExits+orphanExits+tc.last)
			l.Equal(fmt.Sprintf("the container's status after orphans exited with 5 and the command ran %q (output: %q)", tc.last, out), tc.want, code)
		})
	}
}

func TestInitPassesSIGTERMOn(t *testing.T) {
	l := lessontest.New(t, "pid-1-the-init")
	defer l.Recover()
	l.NeedPrivileges()
	cfg := container.Config{Namespaces: container.AllNamespaces, Rootfs: l.Rootfs(), Init: true}
	needOwnNamespaces(l, cfg)
	outR, outW, err := os.Pipe()
	l.NoError(err, "making a pipe for the container's output")
	defer outR.Close()
	defer outW.Close()
	var stderr strings.Builder
	// The trap runs when the foreground sleep ends: SIGTERM from kill(-1)
	// ends it too. Without the signal the script gives up after 10 s.
	cfg.Args = []string{"/bin/sh", "-c", `trap 'echo got TERM; exit 5' TERM
echo ready
i=0
while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
exit 9`}
	cfg.Stdout, cfg.Stderr = outW, &stderr
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := container.Start(ctx, cfg)
	outW.Close() // the container has its own copy now
	l.NoError(err, "starting the container")
	finish := sync.OnceValues(c.Wait)
	defer finish()

	lines := bufio.NewScanner(outR)
	if !lines.Scan() || lines.Text() != "ready" {
		code, _ := finish()
		l.Fatalf("want the container's first line %q, got %q (exit code %d, stderr %q)", "ready", lines.Text(), code, stderr.String())
	}
	l.NoError(c.Signal(syscall.SIGTERM), "sending SIGTERM to the container's PID 1")
	lines.Scan()
	code, err := finish()
	l.NoError(err, "waiting for the container")
	l.Equal(fmt.Sprintf("the exit code after SIGTERM to PID 1 (the command's trap exits 5; without the signal it exits 9; stderr %q)", stderr.String()), 5, code)
	l.Equal("the command's output after its trap ran", "got TERM", lines.Text())
}

func TestInitLeavesTheTerminalsKeysAlone(t *testing.T) {
	for _, tc := range []struct {
		name, keys, want string
	}{
		{"SIGINT passed on without a terminal", "no", "4"},
		{"SIGINT not passed on with terminalKeys (the terminal sent it to all)", "keys", "9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "pid-1-the-init")
			defer l.Recover()
			l.NeedPrivileges()
			r := l.InChild(keysChild, unix.CLONE_NEWPID, tc.keys)
			l.Equal("the status your Supervise returned (4: the command's trap ran on SIGINT; 9: SIGINT never reached it)", tc.want, r["status"])
		})
	}
}
