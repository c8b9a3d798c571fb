package container

import (
	"archive/tar"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tarDir writes the tree under dir as a tar file.
func tarDir(t *testing.T, dir, file string) {
	t.Helper()
	f, err := os.Create(file)
	require.NoError(t, err)
	defer f.Close()
	tw := tar.NewWriter(f)
	require.NoError(t, tw.AddFS(os.DirFS(dir)))
	require.NoError(t, tw.Close())
}

// The archives: an OCI layout as a tar, docker save's OCI form (Docker
// 25+: a layout with a manifest.json beside it) and its legacy form.
func TestPullArchives(t *testing.T) {
	cfg := ImageConfig{Cmd: []string{"/bin/sh"}}
	layers := [][]byte{baseLayer(t), layerTar(t, entry{name: ".wh.gone"})}
	layout := writeLayout(t, testImage{tag: "v1", config: cfg, layers: layers})
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	ociTar := filepath.Join(t.TempDir(), "oci.tar")
	tarDir(t, layout, ociTar)
	fromOCI, err := pull(t, s, "oci-archive:"+ociTar+":v1")
	require.NoError(t, err)

	// docker save before Docker 25: uncompressed layers by path.
	legacy := t.TempDir()
	var cf imageConfigFile
	cf.OS, cf.Architecture = "linux", hostPlatform().Architecture
	cf.Config.Cmd = cfg.Cmd
	var paths []string
	for i, l := range layers {
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, digestOf(l))
		p := filepath.Join("layer"+string(rune('0'+i)), "layer.tar")
		require.NoError(t, os.MkdirAll(filepath.Join(legacy, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(legacy, p), l, 0o644))
		paths = append(paths, p)
	}
	cdata, _ := json.Marshal(cf)
	require.NoError(t, os.WriteFile(filepath.Join(legacy, "config.json"), cdata, 0o644))
	mdata, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"x:v1"}, "Layers": paths}})
	require.NoError(t, os.WriteFile(filepath.Join(legacy, "manifest.json"), mdata, 0o644))
	legacyTar := filepath.Join(t.TempDir(), "legacy.tar")
	tarDir(t, legacy, legacyTar)
	fromLegacy, err := pull(t, s, "docker-archive:"+legacyTar)
	require.NoError(t, err)

	// Docker 25+: the OCI layout, plus manifest.json.
	require.NoError(t, os.WriteFile(filepath.Join(layout, "manifest.json"), []byte(`[]`), 0o644))
	newTar := filepath.Join(t.TempDir(), "new.tar")
	tarDir(t, layout, newTar)
	fromNew, err := pull(t, s, "docker-archive:"+newTar)
	require.NoError(t, err)

	for _, img := range []*Image{fromOCI, fromLegacy, fromNew} {
		assert.Equal(t, cfg, img.Config, img.Name)
		assert.Equal(t, fromOCI.Layers, img.Layers, "%s: the same diff_ids, the same layer directories", img.Name)
	}
	_, err = pull(t, s, "oci-archive:"+legacyTar)
	assert.ErrorContains(t, err, "not an OCI archive (is it a docker save tarball? then docker-archive:")
}

// An archive's blob that is a symlink to a host file is not read, even
// when the digest fits the host file.
func TestArchiveLinksStayInside(t *testing.T) {
	layout := writeLayout(t, testImage{tag: "v1", layers: [][]byte{baseLayer(t)}})
	host := filepath.Join(t.TempDir(), "secret")
	blob := largestBlob(t, layout)
	require.NoError(t, os.Rename(blob, host))
	require.NoError(t, os.Symlink(host, blob))
	archive := filepath.Join(t.TempDir(), "evil.tar")
	f, err := os.Create(archive)
	require.NoError(t, err)
	tw := tar.NewWriter(f)
	require.NoError(t, filepath.Walk(layout, func(path string, info os.FileInfo, err error) error {
		if err != nil || path == layout {
			return err
		}
		link, _ := os.Readlink(path)
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name, _ = filepath.Rel(layout, path)
		if err := tw.WriteHeader(h); err != nil || !info.Mode().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			_, err = tw.Write(data)
		}
		return err
	}))
	require.NoError(t, tw.Close())
	require.NoError(t, f.Close())
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	_, err = pull(t, s, "oci-archive:"+archive+":v1")
	assert.ErrorContains(t, err, "is a symbolic link out of it")
}
