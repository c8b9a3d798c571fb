//go:build linux

package images_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/09"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

func TestAContainerRunsFromYourLayers(t *testing.T) {
	l := lessontest.New(t, "running-an-image")
	defer l.Recover()
	l.NeedPrivileges()
	config := container.ImageConfig{
		Entrypoint: []string{"/bin/sh", "-c"},
		Cmd:        []string{`echo "$GREETING from $(pwd)"; ls /data; [ -e /etc/motd ] || echo no motd; /app/current`},
		Env:        []string{"PATH=/bin:/usr/bin", "GREETING=hello"},
		WorkingDir: "/app",
	}
	layout := writeLayout(l, image{config: config, layers: [][]byte{
		dirTar(l, l.Rootfs()), // busybox: the image's operating system
		base(l),
		layerTar(l, entry{name: "etc/.wh.motd"}),
		layerTar(l, entry{name: "data/.wh..wh..opq"}, entry{name: "data/"}, entry{name: "data/c", body: "c\n"}),
	}})
	img, err := images.Unpack(layout, "v1", l.TempDir())
	l.NoError(err, "Unpack of a busybox image of four layers")
	l.Equal("the number of layer directories", 4, len(img.Layers))
	var out strings.Builder
	cfg := container.Config{
		Namespaces: container.AllNamespaces,
		Rootfs:     img.Layers[0], Layers: img.Layers[1:], Overlay: true, StateDir: l.TempDir(),
		Args: img.Config.Command(nil, nil), Env: img.Config.Env, Dir: img.Config.WorkingDir,
		Stdout: &out, Stderr: &out,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := container.Run(ctx, cfg)
	l.NoError(err, "running a container on your layers with the image's Entrypoint, Cmd, Env and WorkingDir")
	l.Equal(fmt.Sprintf("the container's output (exit code %d)", code), "hello from /app\nc\nno motd\napp\n", out.String())
}

// storeEntries lists a store's files, blobs and layers.
func storeEntries(l *lessontest.T, dir string) string {
	var all []string
	for _, pattern := range []string{"*", "*/*", "blobs/sha256/*"} {
		found, err := filepath.Glob(filepath.Join(dir, pattern))
		l.NoError(err, "listing the store")
		all = append(all, found...)
	}
	sort.Strings(all)
	return strings.Join(all, "\n")
}

func TestTheRuntimeUnpacksWithYourApplyLayer(t *testing.T) {
	l := lessontest.New(t, "the-store")
	defer l.Recover()
	s, err := container.OpenImageStore(l.TempDir())
	l.NoError(err, "opening an image store")
	layout := writeLayout(l, image{config: container.ImageConfig{Cmd: []string{"/app/run"}}, layers: [][]byte{base(l), layerTar(l, entry{name: "etc/.wh.motd"})}})
	ref, err := container.ParseImageRef("oci:" + layout + ":v1")
	l.NoError(err, "parsing the reference")
	img, err := s.Pull(context.Background(), ref, container.PullOptions{})
	l.NoError(err, "the runtime's Pull, which unpacks with your ApplyLayer")
	l.Equal("the base layer in the store", baseTree, tree(l, img.Layers[0]))
	l.Equal("the whiteout layer in the store", "etc: dir 755\netc/motd: whiteout", tree(l, img.Layers[1]))

	before := storeEntries(l, s.Dir())
	evil := writeLayout(l, image{layers: [][]byte{layerTar(l, entry{name: "ok", body: "fine"}, entry{name: "../escape", body: "x"})}})
	ref, _ = container.ParseImageRef("oci:" + evil + ":v1")
	_, err = s.Pull(context.Background(), ref, container.PullOptions{})
	l.Error(err, "the runtime's Pull of an image whose layer writes ../escape")
	l.Equal("the store after the refused pull (nothing added, no tmp/escape)", before, storeEntries(l, s.Dir()))
}
