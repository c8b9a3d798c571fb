//go:build linux

package overlay_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestWritesNeverReachTheLowerLayer(t *testing.T) {
	l := lessontest.New(t, "copy-up")
	defer l.Recover()
	l.NeedPrivileges()
	app := layer(l, map[string]string{
		"etc/motd":        "welcome\n",
		"etc/app.conf":    "port=80\n",
		"data/a":          "a\n",
		"data/b":          "b\n",
		"var/log/app.log": "line 1\nline 2\n",
	})
	l.NoError(os.Symlink("motd", filepath.Join(app, "etc/greeting")), "making a symlink in the layer")
	rootfs := l.Rootfs()
	state := l.TempDir()
	writeCanary(l, onLayers(state, app), rootfs, app)
	layerBefore, rootfsBefore := fingerprint(l, app), fingerprint(l, rootfs)
	mounts := lessontest.HostMounts(t)

	for _, step := range []struct{ name, script string }{
		{"write new files", `echo new > /new; echo new > /etc/new; mkdir -p /data/sub; echo deep > /data/sub/f`},
		{"append and overwrite", `echo port=8080 >> /etc/app.conf; echo root2:x:0:0::/:/bin/sh >> /etc/passwd
echo gone > /var/log/app.log; : > /etc/hostname`},
		{"delete", `rm /etc/motd /etc/group /data/b; rm -rf /var/log`},
		{"rename and relink", `mv /data/a /data/a2; mv /etc/passwd /etc/passwd.old; mv /data /data2
ln -sf /etc/app.conf /etc/greeting`},
		{"change modes", `chmod 600 /etc/app.conf; chmod 700 /bin/busybox; chmod 777 /etc`},
	} {
		out, code := l.RunContainer(onLayers(state, app), "set -e\n"+step.script+"\necho done")
		l.True(code == 0 && strings.HasSuffix(out, "done\n"),
			fmt.Sprintf("the container's %q to succeed", step.name),
			fmt.Sprintf("exit code %d, output %q", code, out))
	}

	// Each container saw its own writes, and the next one starts afresh.
	out, code := l.RunContainer(onLayers(state, app), `echo more >> /etc/app.conf; cat /etc/app.conf
rm /etc/motd; [ -e /etc/motd ] || echo "motd gone"`)
	l.Equal("what a container read after its own append and delete (exit code "+fmt.Sprint(code)+")",
		"port=80\nmore\nmotd gone\n", out)
	out, _ = l.RunContainer(onLayers(state, app), `cat /etc/app.conf /etc/motd /data/a /etc/greeting
for f in /new /etc/new /data2 /data/sub; do [ -e $f ] && echo "$f is there"; done; true`)
	l.Equal("what the next container sees: the layer as it was, no file of the earlier ones",
		"port=80\nwelcome\na\nwelcome\n", out)

	l.Equal("what changed in the layer "+app+" (want nothing)", "", treeDiff(layerBefore, fingerprint(l, app)))
	l.Equal("what changed in the rootfs "+rootfs+" (want nothing)", "", treeDiff(rootfsBefore, fingerprint(l, rootfs)))
	l.Equal("the host's mount table after the containers", mounts, lessontest.HostMounts(t))
	stateIsEmpty(l, state)
}

func TestLastLayerWins(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order []string // which layers, bottom first
		want  string
	}{
		{"layers one then two: two is on top", []string{"one", "two"}, "two\n"},
		{"layers two then one: one is on top", []string{"two", "one"}, "one\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "layers")
			defer l.Recover()
			l.NeedPrivileges()
			layers := map[string]string{
				"one": layer(l, map[string]string{"etc/greeting": "one\n", "only-in-one": "1\n", "etc/hostname": "from-a-layer\n"}),
				"two": layer(l, map[string]string{"etc/greeting": "two\n", "only-in-two": "2\n"}),
			}
			var dirs []string
			for _, name := range tc.order {
				dirs = append(dirs, layers[name])
			}
			state := l.TempDir()
			out, code := l.RunContainer(onLayers(state, dirs...), `cat /etc/greeting; cat /etc/hostname
cat /only-in-one /only-in-two; ls /bin/busybox`)
			l.Equal(fmt.Sprintf("the exit code of the container on layers %v", tc.order), 0, code)
			lines := strings.SplitAfter(out, "\n")
			l.True(len(lines) >= 2, "two lines or more of output", fmt.Sprintf("%q", out))
			l.Equal(fmt.Sprintf("/etc/greeting with layers %v (bottom first; the last is on top)", tc.order), tc.want, lines[0])
			l.Equal("/etc/hostname, which a layer holds over the rootfs (the rootfs is the bottom layer)", "from-a-layer\n", lines[1])
			l.Equal("the files only one layer has, and the rootfs's busybox", "1\n2\n/bin/busybox\n", strings.Join(lines[2:], ""))
			stateIsEmpty(l, state)
		})
	}
}

func TestContainersOnOneImageStayApart(t *testing.T) {
	l := lessontest.New(t, "one-image-many-containers")
	defer l.Recover()
	l.NeedPrivileges()
	app := layer(l, map[string]string{"etc/app.conf": "port=80\n"})
	state := l.TempDir()
	cfg := onLayers(state, app)
	cfg.Namespaces, cfg.Rootfs = container.AllNamespaces, l.Rootfs()
	writeCanary(l, cfg, l.Rootfs(), app)

	// Container A writes, then waits on its stdin while B runs.
	inR, inW, err := os.Pipe()
	l.NoError(err, "making a pipe")
	defer inW.Close()
	outR, outW, err := os.Pipe()
	l.NoError(err, "making a pipe")
	defer outR.Close()
	a := cfg
	a.Args = []string{"/bin/sh", "-c", `echo A > /shared; echo port=1 > /etc/app.conf; echo ready
read x
cat /shared /etc/app.conf; [ -e /from-b ] && echo "A sees /from-b"; true`}
	a.Stdin, a.Stdout, a.Stderr = inR, outW, outW
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := container.Start(ctx, a)
	inR.Close()
	outW.Close()
	l.NoError(err, "starting container A")
	waited := false
	defer func() {
		if !waited {
			cancel()
			_, _ = c.Wait()
		}
	}()
	lines := make(chan string, 8)
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(outR)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
	}()
	select {
	case line := <-lines:
		l.Equal("container A's first line of output", "ready", line)
	case <-time.After(20 * time.Second):
		l.Fatalf("want container A to print ready within 20s, got nothing")
	}

	out, code := l.RunContainer(cfg, `[ -e /shared ] && echo "B sees /shared"; cat /etc/app.conf; echo B > /from-b`)
	l.Equal("container B's output (exit code "+fmt.Sprint(code)+"), while A runs on the same image", "port=80\n", out)

	_, err = inW.Write([]byte("go\n"))
	l.NoError(err, "writing to container A's stdin")
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	code, err = c.Wait()
	waited = true
	l.NoError(err, "waiting for container A")
	l.Equal("container A's exit code", 0, code)
	l.Equal("what container A read back after B ran", "A\nport=1", strings.Join(rest, "\n"))
	l.Equal("the layer's /etc/app.conf after both", "port=80\n", readFile(l, filepath.Join(app, "etc/app.conf")))
	stateIsEmpty(l, state)
}

func TestNothingStaysMounted(t *testing.T) {
	l := lessontest.New(t, "where-the-overlay-lives")
	defer l.Recover()
	l.NeedPrivileges()
	app := layer(l, map[string]string{"etc/app.conf": "port=80\n"})
	state := l.TempDir()
	keepIn := l.TempDir()
	kept := filepath.Join(keepIn, "kept")
	writeCanary(l, onLayers(state, app), l.Rootfs(), app)
	before := lessontest.HostMounts(t)

	// A container that runs and writes.
	out, code := l.RunContainer(onLayers(state, app), `echo x > /x; cat /x`)
	l.Equal("the output of echo x > /x; cat /x (exit code "+fmt.Sprint(code)+")", "x\n", out)

	// One that keeps its upper directory.
	cfg := onLayers(state, app)
	cfg.KeepUpper = kept
	out, code = l.RunContainer(cfg, `echo y > /y`)
	l.Equal("the exit code of a container with KeepUpper (output "+fmt.Sprintf("%q", out)+")", 0, code)

	// One whose command does not exist: it never starts.
	cfg = onLayers(state, app)
	cfg.Namespaces, cfg.Rootfs = container.AllNamespaces, l.Rootfs()
	cfg.Args = []string{"/no/such/command"}
	code, err := container.Run(context.Background(), cfg)
	l.Error(err, "running /no/such/command in a container")
	l.Equal("the exit code of a command that does not exist", 127, code)

	// One killed by its context while it runs. The host does not see its
	// overlay even then: the mount lives in the container's namespace.
	outR, outW, err := os.Pipe()
	l.NoError(err, "making a pipe")
	defer outR.Close()
	cfg.Args = []string{"/bin/sh", "-c", `awk '$5 == "/" { for (i = 6; i < NF; i++) if ($i == "-") print $(i+1) }' /proc/self/mountinfo; sleep 60`}
	cfg.Stdout, cfg.Stderr = outW, outW
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := container.Start(ctx, cfg)
	outW.Close()
	l.NoError(err, "starting a container that sleeps")
	waited := false
	defer func() {
		if !waited {
			cancel()
			_, _ = c.Wait()
		}
	}()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(outR).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		l.Equal("the filesystem type of / inside the container", "overlay\n", s)
	case <-time.After(20 * time.Second):
		l.Fatalf("want the container to print the type of its root within 20s, got nothing")
	}
	during := overlayMountsOf(t, state, app)
	cancel()
	code, err = c.Wait()
	waited = true
	l.Error(err, "a container killed by its context (Wait)")
	l.Equal("the exit code of a container killed by its context", 137, code)
	l.Equal("the host's overlay mounts naming the layer or state dir while a container ran", "", during)

	l.Equal("the host's overlay mounts naming the layer, kept or state dir afterwards", "", overlayMountsOf(t, state, app, keepIn))
	l.Equal("the host's mount table after the containers", before, lessontest.HostMounts(t))
	stateIsEmpty(l, state)
	entries, err := os.ReadDir(keepIn)
	l.NoError(err, "reading "+keepIn)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	l.Equal("what is next to the kept upper dir (its work dir must be gone)", "kept", strings.Join(names, " "))
}

func readFile(l *lessontest.T, path string) string {
	l.Helper()
	data, err := os.ReadFile(path)
	l.NoError(err, "reading "+path)
	return string(data)
}
