//go:build linux

package images_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/09"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	lessontest.Main(m, 9, container.Stages{ApplyLayer: images.ApplyLayer})
}

// mtime is every test entry's modification time.
var mtime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// entry is one tar entry of a test layer: a name ending in "/" is a
// directory; link makes a symlink, or with hard a hard link.
type entry struct {
	name, body, link string
	hard             bool
	mode             int64
}

// layerTar writes entries as an uncompressed tar, as a layer's diff_id
// names it.
func layerTar(l *lessontest.T, entries ...entry) []byte {
	l.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: mtime, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		switch {
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag, h.Size = tar.TypeDir, 0
		case e.link != "" && e.hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.link, 0
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if h.Mode == 0 {
			h.Mode = map[bool]int64{true: 0o755, false: 0o644}[h.Typeflag == tar.TypeDir]
		}
		l.NoError(tw.WriteHeader(h), "writing the test layer's entry "+e.name)
		_, err := tw.Write([]byte(e.body))
		l.NoError(err, "writing the test layer's file "+e.name)
	}
	l.NoError(tw.Close(), "closing the test layer")
	return buf.Bytes()
}

// dirTar writes the tree under dir as a layer, as docker build would.
func dirTar(l *lessontest.T, dir string) []byte {
	l.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || path == dir {
			return err
		}
		link, _ := os.Readlink(path)
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name, _ = filepath.Rel(dir, path)
		if err := tw.WriteHeader(h); err != nil || !info.Mode().IsRegular() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	l.NoError(err, "making a layer of "+dir)
	l.NoError(tw.Close(), "closing the layer of "+dir)
	return buf.Bytes()
}

// image is a test image: its config and its layers' tars.
type image struct {
	config container.ImageConfig
	layers [][]byte
}

// writeLayout writes img as an OCI image layout tagged "v1", its layers
// gzipped, and returns the layout's directory.
func writeLayout(l *lessontest.T, img image) string {
	l.Helper()
	layout := l.TempDir()
	blob := func(mediaType string, data []byte) map[string]any {
		d := fmt.Sprintf("%x", sha256.Sum256(data))
		l.NoError(os.MkdirAll(filepath.Join(layout, "blobs", "sha256"), 0o755), "making blobs/sha256")
		l.NoError(os.WriteFile(filepath.Join(layout, "blobs", "sha256", d), data, 0o644), "writing a blob")
		return map[string]any{"mediaType": mediaType, "digest": "sha256:" + d, "size": len(data)}
	}
	var layers []any
	var diffIDs []string
	for _, t := range img.layers {
		diffIDs = append(diffIDs, fmt.Sprintf("sha256:%x", sha256.Sum256(t)))
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		_, _ = zw.Write(t)
		l.NoError(zw.Close(), "gzipping a layer")
		layers = append(layers, blob("application/vnd.oci.image.layer.v1.tar+gzip", gz.Bytes()))
	}
	c := img.config
	config := blob("application/vnd.oci.image.config.v1+json", mustJSON(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Entrypoint": c.Entrypoint, "Cmd": c.Cmd, "Env": c.Env, "WorkingDir": c.WorkingDir},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	}))
	manifest := blob("application/vnd.oci.image.manifest.v1+json", mustJSON(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config, "layers": layers,
	}))
	manifest["annotations"] = map[string]string{"org.opencontainers.image.ref.name": "v1"}
	l.NoError(os.WriteFile(filepath.Join(layout, "index.json"), mustJSON(map[string]any{"schemaVersion": 2, "manifests": []any{manifest}}), 0o644), "writing index.json")
	l.NoError(os.WriteFile(filepath.Join(layout, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644), "writing oci-layout")
	return layout
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// tree describes every entry under dir, one line each: the path,
// then "dir MODE", "file MODE CONTENT", "link -> TARGET", "whiteout" (a
// 0/0 character device) or "opaque dir MODE" (the overlay xattr), in
// the order filepath.WalkDir visits them.
func tree(l *lessontest.T, dir string) string {
	l.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		mode := fmt.Sprintf("%o", info.Mode().Perm())
		var desc string
		switch {
		case info.IsDir() && opaque(path):
			desc = "opaque dir " + mode
		case info.IsDir():
			desc = "dir " + mode
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			desc = "link -> " + target
		case info.Mode()&fs.ModeCharDevice != 0 && info.Sys().(*syscall.Stat_t).Rdev == 0:
			desc = "whiteout"
		case info.Mode().IsRegular():
			data, _ := os.ReadFile(path)
			desc = fmt.Sprintf("file %s %q", mode, data)
		default:
			desc = info.Mode().String()
		}
		lines = append(lines, rel+": "+desc)
		return nil
	})
	l.NoError(err, "reading the tree "+dir)
	return strings.Join(lines, "\n")
}

// opaque: the overlay's opaque mark, as root or in a user namespace.
func opaque(dir string) bool {
	for _, attr := range []string{"trusted.overlay.opaque", "user.overlay.opaque"} {
		buf := make([]byte, 4)
		if n, err := unix.Lgetxattr(dir, attr, buf); err == nil && n == 1 && buf[0] == 'y' {
			return true
		}
	}
	return false
}

// base is the bottom layer of most tests.
func base(l *lessontest.T) []byte {
	return layerTar(l,
		entry{name: "etc/"},
		entry{name: "etc/motd", body: "welcome\n"},
		entry{name: "etc/os-release", body: "ID=unboxed\n"},
		entry{name: "data/"},
		entry{name: "data/a", body: "a\n"},
		entry{name: "data/b", body: "b\n", mode: 0o600},
		entry{name: "app/"},
		entry{name: "app/run", body: "#!/bin/sh\necho app\n", mode: 0o755},
		entry{name: "app/current", link: "run"},
	)
}
