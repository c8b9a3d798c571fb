//go:build linux

package namespaces_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

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
else echo reaped; fi`
	out, code := run(l, container.Config{Init: true}, script)
	l.Equal(fmt.Sprintf("the exit code of the script (output: %q)", out), 0, code)
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
