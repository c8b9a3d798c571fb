//go:build linux

package images_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/09"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

const baseTree = `app: dir 755
app/current: link -> run
app/run: file 755 "#!/bin/sh\necho app\n"
data: dir 755
data/a: file 644 "a\n"
data/b: file 600 "b\n"
etc: dir 755
etc/motd: file 644 "welcome\n"
etc/os-release: file 644 "ID=unboxed\n"`

func TestUnpackReadsTheLayout(t *testing.T) {
	l := lessontest.New(t, "index-manifest-config")
	defer l.Recover()
	config := container.ImageConfig{Entrypoint: []string{"/app/run"}, Cmd: []string{"--fast"}, Env: []string{"PATH=/bin", "MODE=test"}, WorkingDir: "/data"}
	layout := writeLayout(l, image{config: config, layers: [][]byte{base(l)}})
	dir := l.TempDir()
	img, err := images.Unpack(layout, "v1", dir)
	l.NoError(err, "Unpack of a one-layer image")
	l.Equal("the layer directories", []string{filepath.Join(dir, "0")}, img.Layers)
	l.Equal("the config", config, img.Config)
	l.Equal("the unpacked layer (path: kind mode content)", baseTree, tree(l, img.Layers[0]))
	for _, p := range []string{"etc/motd", "data"} {
		fi, err := os.Lstat(filepath.Join(img.Layers[0], p))
		l.NoError(err, "stat of "+p)
		l.Equal("the mtime of "+p+", as the tar says", mtime.Unix(), fi.ModTime().Unix())
	}
	other := l.TempDir()
	_, err = images.Unpack(layout, "", other)
	l.NoError(err, `Unpack with tag "" of a layout with one image`)
	_, err = images.Unpack(layout, "v2", l.TempDir())
	l.Error(err, "Unpack of a tag the layout does not have")
}

// blobs returns the paths of a layout's manifest, config and layer blobs.
func blobs(l *lessontest.T, layout string) (manifest, config string, layers []string) {
	l.Helper()
	path := func(digest string) string {
		return filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
	}
	var idx struct{ Manifests []struct{ Digest string } }
	data, _ := os.ReadFile(filepath.Join(layout, "index.json"))
	l.NoError(json.Unmarshal(data, &idx), "reading the test's index.json")
	var m struct {
		Config struct{ Digest string }
		Layers []struct{ Digest string }
	}
	data, _ = os.ReadFile(path(idx.Manifests[0].Digest))
	l.NoError(json.Unmarshal(data, &m), "reading the test's manifest")
	for _, d := range m.Layers {
		layers = append(layers, path(d.Digest))
	}
	return path(idx.Manifests[0].Digest), path(m.Config.Digest), layers
}

func flipByte(l *lessontest.T, path string) {
	data, err := os.ReadFile(path)
	l.NoError(err, "reading "+path)
	data[len(data)/2] ^= 0x20
	l.NoError(os.WriteFile(path, data, 0o644), "writing "+path)
}

func TestEveryDigestIsChecked(t *testing.T) {
	l := lessontest.New(t, "content-addressing")
	defer l.Recover()
	cases := map[string]func(manifest, config string, layers []string) string{
		"one flipped byte in the manifest":       func(m, c string, ls []string) string { flipByte(l, m); return m },
		"one flipped byte in the config":         func(m, c string, ls []string) string { flipByte(l, c); return c },
		"one flipped byte in the second layer":   func(m, c string, ls []string) string { flipByte(l, ls[1]); return ls[1] },
		"the second layer's blob gone":           func(m, c string, ls []string) string { l.NoError(os.Remove(ls[1]), "removing a blob"); return ls[1] },
		"the config's blob gone":                 func(m, c string, ls []string) string { l.NoError(os.Remove(c), "removing a blob"); return c },
		"a layer swapped for another, same size": func(m, c string, ls []string) string { swap(l, ls[0], ls[1]); return ls[1] },
	}
	for name, spoil := range cases {
		layout := writeLayout(l, image{layers: [][]byte{base(l), layerTar(l, entry{name: "x", body: "y"})}})
		manifest, config, layers := blobs(l, layout)
		bad := spoil(manifest, config, layers)
		_, err := images.Unpack(layout, "v1", l.TempDir())
		l.Error(err, "Unpack of an image with "+name)
		l.Contains("the error for "+name, err.Error(), filepath.Base(bad)[:12])
	}
}

// swap makes the blob at b hold a's bytes (its digest no longer fits).
func swap(l *lessontest.T, a, b string) {
	data, err := os.ReadFile(a)
	l.NoError(err, "reading "+a)
	l.NoError(os.WriteFile(b, data, 0o644), "writing "+b)
}

func TestWhiteoutsDeleteWhatIsBelow(t *testing.T) {
	l := lessontest.New(t, "whiteouts")
	defer l.Recover()
	layout := writeLayout(l, image{layers: [][]byte{base(l), layerTar(l,
		entry{name: "etc/.wh.motd"},
		entry{name: "data/.wh.b"},
		entry{name: "app/.wh.current"},
		entry{name: "new", body: "new\n"},
		entry{name: "mine", body: "mine\n"},
		entry{name: ".wh.mine"}, // its own layer's file: spared
	)}})
	img, err := images.Unpack(layout, "v1", l.TempDir())
	l.NoError(err, "Unpack of a base and a layer with whiteouts")
	l.Equal("the base layer, untouched", baseTree, tree(l, img.Layers[0]))
	l.Equal("the whiteout layer", `app: dir 755
app/current: whiteout
data: dir 755
data/b: whiteout
etc: dir 755
etc/motd: whiteout
mine: file 644 "mine\n"
new: file 644 "new\n"`, tree(l, img.Layers[1]))
}

func TestOpaqueDirectoriesHideWhatIsBelow(t *testing.T) {
	l := lessontest.New(t, "opaque-directories")
	defer l.Recover()
	layout := writeLayout(l, image{layers: [][]byte{base(l), layerTar(l,
		entry{name: "data/"},
		entry{name: "data/c", body: "c\n"},
		entry{name: "data/.wh..wh..opq"}, // after c: it hides only the layers below
		entry{name: "etc/.wh..wh..opq"},
	)}})
	img, err := images.Unpack(layout, "v1", l.TempDir())
	l.NoError(err, "Unpack of a base and a layer with opaque directories")
	l.Equal("the layer with opaque directories", `data: opaque dir 755
data/c: file 644 "c\n"
etc: opaque dir 755`, tree(l, img.Layers[1]))
}

func TestEscapesAreRefused(t *testing.T) {
	l := lessontest.New(t, "escapes")
	defer l.Recover()
	for name, entries := range map[string][]entry{
		"../escape":                           {{name: "../escape", body: "x"}},
		"a/../../escape":                      {{name: "a/", mode: 0o755}, {name: "a/../../escape", body: "x"}},
		"/escape":                             {{name: "/escape", body: "x"}},
		"a symlink to ../.., then through it": {{name: "evil", link: "../.."}, {name: "evil/escape", body: "x"}},
		"a symlink to /.., then through it":   {{name: "evil", link: "/../../.."}, {name: "evil/escape", body: "x"}},
		"a hard link to ../../escape":         {{name: "h", link: "../../escape", hard: true}},
	} {
		parent := l.TempDir()
		layer := filepath.Join(parent, "deep", "layer")
		l.NoError(os.MkdirAll(layer, 0o755), "making "+layer)
		l.NoError(os.WriteFile(filepath.Join(parent, "escape"), []byte("host file\n"), 0o644), "writing a host file")
		err := images.ApplyLayer(strings.NewReader(string(layerTar(l, entries...))), layer)
		l.Error(err, "ApplyLayer of a layer with "+name)
		data, _ := os.ReadFile(filepath.Join(parent, "escape"))
		l.Equal("the host file beside the layer after "+name, "host file\n", string(data))
		matches, _ := filepath.Glob(filepath.Join(parent, "deep", "escape"))
		l.Equal(fmt.Sprintf("files named escape written outside the layer by %s", name), 0, len(matches))
	}
	// A directory replaced by a symlink to a host directory: the mode
	// the tar gave the directory must not land on the host's.
	victim := l.TempDir()
	l.NoError(os.Chmod(victim, 0o700), "chmod of a host directory")
	err := images.ApplyLayer(strings.NewReader(string(layerTar(l, entry{name: "d/", mode: 0o777}, entry{name: "d", link: victim}))), l.TempDir())
	l.NoError(err, "ApplyLayer of d/ (mode 777), then d as a symlink to a host directory")
	fi, err := os.Stat(victim)
	l.NoError(err, "stat of the host directory")
	l.Equal("the host directory's mode after the layer", "700", fmt.Sprintf("%o", fi.Mode().Perm()))

	// An absolute link target is the image's root, not the host's.
	dir := l.TempDir()
	err = images.ApplyLayer(strings.NewReader(string(layerTar(l, entry{name: "etc/"}, entry{name: "conf", link: "/etc"}, entry{name: "conf/x", body: "in\n"}))), dir)
	l.NoError(err, "ApplyLayer of conf -> /etc, then conf/x")
	l.Equal("the tree, with conf/x written through the link into etc", "conf: link -> /etc\netc: dir 755\netc/x: file 644 \"in\\n\"", tree(l, dir))
}
