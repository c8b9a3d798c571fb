package container

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dirLayer writes the tree under dir as a layer's tar, as docker build
// would: names relative to the root, symlinks kept.
func dirLayer(t testing.TB, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || path == dir {
			return err
		}
		link := ""
		if info.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name, _ = filepath.Rel(dir, path)
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		}
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// runImage runs img as Apply sets it up, with args, and returns what it
// printed and its exit status.
func runImage(t *testing.T, img *Image, entrypoint, args []string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cfg := Config{Namespaces: AllNamespaces, StateDir: t.TempDir(), Stdout: &out, Stderr: &out}
	img.Apply(&cfg, entrypoint, args)
	code, err := Run(context.Background(), cfg)
	if code == ExitRuntimeError {
		require.NoError(t, err)
	}
	return out.String(), code
}

// Images in the styles people run (busybox; a Debian-like tree of the
// host's programs and libraries) start from their layers, with the
// config's Entrypoint, Cmd, Env and WorkingDir; whiteouts and opaque
// directories of upper layers hide what is below.
func TestRunImages(t *testing.T) {
	needRoot(t)
	debian := filepath.Join(t.TempDir(), "debian")
	require.NoError(t, BuildRootfs(debian, AvailablePrograms("sh", "ls", "cat", "env", "pwd")...))
	require.NoError(t, os.WriteFile(filepath.Join(debian, "etc", "os-release"), []byte("ID=debian\n"), 0o644))
	busybox := dirLayer(t, testRootfs(t))
	cfg := ImageConfig{Entrypoint: []string{"/bin/sh", "-c"}, Cmd: []string{"pwd; echo $GREETING; cat /etc/motd; ls /data"}, Env: []string{"GREETING=hi"}, WorkingDir: "/data"}
	layout := writeLayout(t,
		testImage{tag: "busybox", config: cfg, layers: [][]byte{busybox, baseLayer(t),
			layerTar(t, entry{name: ".wh.gone"}, entry{name: "data/"}, entry{name: "data/.wh.a"}),
			layerTar(t, entry{name: "etc/"}, entry{name: "etc/.wh..wh..opq"}, entry{name: "etc/motd", body: "only me\n"})}},
		testImage{tag: "debian", config: ImageConfig{Cmd: []string{"sh", "-c", "cat /etc/os-release; pwd"}}, layers: [][]byte{dirLayer(t, debian)}},
		testImage{tag: "user", config: ImageConfig{User: "app", Cmd: []string{"/bin/sh", "-c", "echo $(id -u):$(id -g)"}}, layers: [][]byte{busybox,
			layerTar(t, entry{name: "etc/"}, entry{name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/:/bin/sh\n"}, entry{name: "etc/group", body: "root:x:0:\napp:x:1001:\n"})}},
	)
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	img, err := pull(t, s, "oci:"+layout+":busybox")
	require.NoError(t, err)
	out, code := runImage(t, img, nil, nil)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "/data\nhi\nonly me\nb\n", out)
	out, code = runImage(t, img, nil, []string{"ls /etc; test -e /gone || echo gone"})
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "motd\ngone\n", out, "the opaque /etc hides the lower layers' files, the whiteout /gone")
	out, code = runImage(t, img, []string{"/bin/echo"}, []string{"replaced"})
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "replaced\n", out, "--entrypoint replaces the Entrypoint, and the Cmd with it")

	img, err = pull(t, s, "oci:"+layout+":debian")
	require.NoError(t, err)
	out, code = runImage(t, img, nil, nil)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "ID=debian\n/\n", out)

	img, err = pull(t, s, "oci:"+layout+":user")
	require.NoError(t, err)
	out, code = runImage(t, img, nil, nil)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "1000:1001\n", out, "the image's User, named in its own /etc/passwd")
}

func TestImageCommand(t *testing.T) {
	c := ImageConfig{Entrypoint: []string{"/ep", "-x"}, Cmd: []string{"a", "b"}}
	assert.Equal(t, []string{"/ep", "-x", "a", "b"}, c.Command(nil, nil))
	assert.Equal(t, []string{"/ep", "-x", "c"}, c.Command(nil, []string{"c"}))
	assert.Equal(t, []string{"/other"}, c.Command([]string{"/other"}, nil))
	assert.Equal(t, []string{"/other", "c"}, c.Command([]string{"/other"}, []string{"c"}))
	assert.Empty(t, c.Command([]string{}, nil), "an empty entrypoint removes it, and the Cmd with it (docker run --entrypoint \"\")")
}

// rmi and prune leave a running container's layers alone; once it has
// ended, prune takes them.
func TestStoreKeepsTheLayersOfARunningContainer(t *testing.T) {
	needRoot(t)
	layout := writeLayout(t, testImage{tag: "v1", layers: [][]byte{dirLayer(t, testRootfs(t)), baseLayer(t)}})
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	img, err := pull(t, s, "oci:"+layout+":v1")
	require.NoError(t, err)
	stdin, w, err := os.Pipe()
	require.NoError(t, err)
	var out bytes.Buffer
	cfg := Config{Namespaces: AllNamespaces, StateDir: t.TempDir(), Stdin: stdin, Stdout: &out, Stderr: &out}
	img.Apply(&cfg, nil, []string{"/bin/sh", "-c", "read x; cat /etc/motd"})
	c, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	stdin.Close()
	_, err = s.Remove(mustRef(t, "oci:"+layout+":v1"))
	require.NoError(t, err)
	for _, l := range img.Layers {
		_, err := os.Stat(l)
		assert.NoError(t, err, "a running container's layer stays after rmi")
	}
	w.Close()
	code, err := c.Wait()
	require.NoError(t, err)
	assert.Equal(t, 0, code, out.String())
	assert.Equal(t, "hello from the base\n", out.String())
	freed, err := s.Prune()
	require.NoError(t, err)
	assert.Greater(t, freed, int64(0))
	assertEmpty(t, filepath.Join(s.Dir(), "layers"))
}

func TestUnescapeMountinfo(t *testing.T) {
	assert.Equal(t, "/home/a b/x\\y", unescapeMountinfo(`/home/a\040b/x\134y`))
}
