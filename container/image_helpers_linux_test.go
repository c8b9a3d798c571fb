package container

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// entry is one file of a test layer: a name ending in "/" is a directory;
// link makes a symlink (or, with hard, a hard link).
type entry struct {
	name, body, link string
	hard             bool
	mode             int64
}

// layerTar writes entries as an uncompressed tar.
func layerTar(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: when, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		switch {
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag, h.Size = tar.TypeDir, 0
		case e.link != "" && e.hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.link, 0
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := tw.Write([]byte(e.body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

func gzipped(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func digestOf(data []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(data)) }

// testImage is an image to write as a layout: layers are uncompressed
// tars, gzipped on the way.
type testImage struct {
	tag      string
	config   ImageConfig
	layers   [][]byte
	platform *platform // in a multi-platform index when set
}

// writeBlob puts data into the layout's blobs and describes it.
func writeBlob(t testing.TB, layout, mediaType string, data []byte) descriptor {
	t.Helper()
	d := digestOf(data)
	dir := filepath.Join(layout, "blobs", "sha256")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, strings.TrimPrefix(d, "sha256:")), data, 0o644))
	return descriptor{MediaType: mediaType, Digest: d, Size: int64(len(data))}
}

// writeImage writes img's config, layers and manifest into layout and
// returns the manifest's descriptor.
func writeImage(t testing.TB, layout string, img testImage) descriptor {
	t.Helper()
	var cf imageConfigFile
	cf.OS, cf.Architecture, cf.RootFS.Type = "linux", hostPlatform().Architecture, "layers"
	c := img.config
	cf.Config.Entrypoint, cf.Config.Cmd, cf.Config.Env, cf.Config.WorkingDir, cf.Config.User = c.Entrypoint, c.Cmd, c.Env, c.WorkingDir, c.User
	if len(c.ExposedPorts) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range c.ExposedPorts {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	m := manifest{SchemaVersion: 2, MediaType: mediaOCIManifest}
	for _, l := range img.layers {
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, digestOf(l))
		m.Layers = append(m.Layers, writeBlob(t, layout, mediaOCILayer+"+gzip", gzipped(t, l)))
	}
	cdata, _ := json.Marshal(cf)
	m.Config = writeBlob(t, layout, mediaOCIConfig, cdata)
	mdata, _ := json.Marshal(m)
	d := writeBlob(t, layout, mediaOCIManifest, mdata)
	d.Platform = img.platform
	return d
}

// writeLayout makes an OCI image layout of imgs: tagged ones by tag, and
// those with a platform together in one index tagged "multi".
func writeLayout(t testing.TB, imgs ...testImage) string {
	t.Helper()
	layout := t.TempDir()
	idx := index{SchemaVersion: 2, MediaType: mediaOCIIndex}
	var multi []descriptor
	for _, img := range imgs {
		d := writeImage(t, layout, img)
		if img.platform != nil {
			multi = append(multi, d)
			continue
		}
		d.Annotations = map[string]string{refNameAnnotation: img.tag}
		idx.Manifests = append(idx.Manifests, d)
	}
	if len(multi) > 0 {
		data, _ := json.Marshal(index{SchemaVersion: 2, MediaType: mediaOCIIndex, Manifests: multi})
		d := writeBlob(t, layout, mediaOCIIndex, data)
		d.Annotations = map[string]string{refNameAnnotation: "multi"}
		idx.Manifests = append(idx.Manifests, d)
	}
	data, _ := json.Marshal(idx)
	require.NoError(t, os.WriteFile(filepath.Join(layout, "index.json"), data, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(layout, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644))
	return layout
}

// listing names every path under dir with its kind, sorted: what a test
// compares before and after a failed pull.
func listing(t *testing.T, dir string) string {
	t.Helper()
	var paths []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		paths = append(paths, rel+" "+info.Mode().Type().String())
		return nil
	})
	require.NoError(t, err)
	sort.Strings(paths)
	return strings.Join(paths, "\n")
}

// baseLayer is a small tree a busybox image would have on top of the
// test rootfs.
func baseLayer(t *testing.T) []byte {
	return layerTar(t,
		entry{name: "etc/"},
		entry{name: "etc/motd", body: "hello from the base\n"},
		entry{name: "data/"},
		entry{name: "data/a", body: "a\n"},
		entry{name: "data/b", body: "b\n"},
		entry{name: "gone", body: "soon deleted\n"},
		entry{name: "usr/bin/greet", body: "#!/bin/sh\necho greet \"$@\"\n", mode: 0o755},
	)
}
