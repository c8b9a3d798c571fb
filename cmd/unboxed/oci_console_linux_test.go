package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// process.terminal: the container's stdio is a pty whose master create
// sends to the console socket, sized by process.consoleSize.
func TestOCIConsoleSocket(t *testing.T) {
	r := newOCI(t)
	dir := bundle(t, r, "/bin/sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo tty-ok; stty size; ls -l /dev/console | cut -c1")
	editSpec(t, dir, func(s *specs.Spec) {
		s.Process.Terminal = true
		s.Process.ConsoleSize = &specs.Box{Height: 24, Width: 80}
	})
	out, code := r.run("create", "--bundle", dir, "tty")
	assert.Equal(t, 125, code, "a terminal needs a console socket")
	assert.Contains(t, out, "--console-socket")

	sock := filepath.Join(t.TempDir(), "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	require.NoError(t, err)
	defer l.Close()
	masters := make(chan *os.File, 1)
	go func() {
		conn, err := l.AcceptUnix()
		if err != nil {
			masters <- nil
			return
		}
		defer conn.Close()
		oob := make([]byte, unix.CmsgSpace(4))
		_, oobn, _, _, err := conn.ReadMsgUnix(make([]byte, 64), oob)
		msgs, perr := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || perr != nil || len(msgs) != 1 {
			masters <- nil
			return
		}
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) != 1 {
			masters <- nil
			return
		}
		masters <- os.NewFile(uintptr(fds[0]), "pty-master")
	}()
	out, code = r.run("create", "--bundle", dir, "--console-socket", sock, "tty")
	require.Equal(t, 0, code, out)
	defer r.run("delete", "--force", "tty")
	master := <-masters
	require.NotNil(t, master, "create sends the pty's master over the socket")
	defer master.Close()
	out, code = r.run("start", "tty")
	require.Equal(t, 0, code, out)
	var got []byte
	buf := make([]byte, 256)
	for !strings.Contains(string(got), "\nc") && !strings.Contains(string(got), "\r\nc") {
		n, err := master.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break // EIO once the container's side is closed
		}
	}
	text := strings.ReplaceAll(string(got), "\r\n", "\n")
	assert.Contains(t, text, "tty-ok\n", "stdin and stdout are the terminal")
	assert.Contains(t, text, "24 80\n", "process.consoleSize")
	assert.Contains(t, text, "\nc", "/dev/console is the pty, a character device")
}
