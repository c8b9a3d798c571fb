package container

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each bad image is refused with a message that names the problem, and
// the store is left exactly as it was.
func TestPullBadInputLeavesTheStoreAsItWas(t *testing.T) {
	good := writeLayout(t, testImage{tag: "v1", layers: [][]byte{baseLayer(t)}})
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	_, err = pull(t, s, "oci:"+good+":v1")
	require.NoError(t, err)
	escape := layerTar(t, entry{name: "../escape", body: "x"})
	other := platform{OS: "linux", Architecture: "s390x"}
	for name, c := range map[string]struct {
		layout func(t *testing.T) string
		want   string
	}{
		"tampered blob": {func(t *testing.T) string {
			l := writeLayout(t, testImage{tag: "v1", layers: [][]byte{layerTar(t, entry{name: "x", body: "x"})}})
			flipByteOfLargestBlob(t, l)
			return l
		}, "hashes to sha256:"},
		"longer layer": {func(t *testing.T) string {
			noise := make([]byte, 16<<10)
			_, _ = rand.Read(noise) // gzip cannot shrink it: the layer is the largest blob
			l := writeLayout(t, testImage{tag: "v1", layers: [][]byte{layerTar(t, entry{name: "w", body: string(noise)})}})
			f, err := os.OpenFile(largestBlob(t, l), os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.Write(make([]byte, 1<<20))
			require.NoError(t, err)
			require.NoError(t, f.Close())
			return l
		}, "longer, its descriptor says"},
		"missing blob": {func(t *testing.T) string {
			l := writeLayout(t, testImage{tag: "v1", layers: [][]byte{layerTar(t, entry{name: "y", body: "y"})}})
			require.NoError(t, os.Remove(largestBlob(t, l)))
			return l
		}, "is missing from the image"},
		"escaping layer": {func(t *testing.T) string {
			return writeLayout(t, testImage{tag: "v1", layers: [][]byte{baseLayer(t), escape}})
		}, `"../escape" leaves the layer`},
		"unknown platform": {func(t *testing.T) string {
			return writeLayout(t, testImage{platform: &other, layers: [][]byte{baseLayer(t)}})
		}, "no image for this host's platform linux/" + hostPlatform().Architecture + "; the image has: linux/s390x"},
		"wrong diff_id": {func(t *testing.T) string {
			l := writeLayout(t, testImage{tag: "v1", layers: [][]byte{layerTar(t, entry{name: "z", body: "z"})}})
			rewriteConfig(t, l, func(cf map[string]any) {
				cf["rootfs"].(map[string]any)["diff_ids"] = []string{"sha256:" + hex64('0')}
			})
			return l
		}, "the config's diff_id is sha256:" + hex64('0')},
	} {
		t.Run(name, func(t *testing.T) {
			before := listing(t, s.Dir())
			tag := ":v1"
			if name == "unknown platform" {
				tag = ":multi"
			}
			_, err := pull(t, s, "oci:"+c.layout(t)+tag)
			assert.ErrorContains(t, err, c.want)
			assert.Equal(t, ExitRuntimeError, ExitStatusOf(err))
			assert.Equal(t, before, listing(t, s.Dir()), "the store changed")
		})
	}
}

func largestBlob(t *testing.T, layout string) string {
	t.Helper()
	var best string
	var size int64 = -1
	entries, err := os.ReadDir(filepath.Join(layout, "blobs", "sha256"))
	require.NoError(t, err)
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Size() > size {
			best, size = filepath.Join(layout, "blobs", "sha256", e.Name()), fi.Size()
		}
	}
	return best
}

func flipByteOfLargestBlob(t *testing.T, layout string) {
	path := largestBlob(t, layout)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)/2] ^= 1
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// rewriteConfig changes the config of the layout's only image, and the
// manifest and index.json that name it, so that every digest is right.
func rewriteConfig(t *testing.T, layout string, change func(map[string]any)) {
	t.Helper()
	var idx index
	readJSONFile(t, filepath.Join(layout, "index.json"), &idx)
	var m manifest
	readJSONFile(t, blobFile(layout, idx.Manifests[0].Digest), &m)
	var cf map[string]any
	readJSONFile(t, blobFile(layout, m.Config.Digest), &cf)
	change(cf)
	data, _ := json.Marshal(cf)
	m.Config = writeBlob(t, layout, mediaOCIConfig, data)
	data, _ = json.Marshal(m)
	d := writeBlob(t, layout, mediaOCIManifest, data)
	d.Annotations = idx.Manifests[0].Annotations
	idx.Manifests[0] = d
	data, _ = json.Marshal(idx)
	require.NoError(t, os.WriteFile(filepath.Join(layout, "index.json"), data, 0o644))
}

func blobFile(layout, digest string) string {
	return filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v))
}

// Two images on one base layer store it once; removing one keeps the
// base for the other; prune then has nothing to do, and removing the
// other empties the store.
func TestStoreSharesLayers(t *testing.T) {
	base := layerTar(t, entry{name: "big", body: strings.Repeat("base layer ", 100000)})
	layout := writeLayout(t,
		testImage{tag: "one", layers: [][]byte{base, layerTar(t, entry{name: "one", body: "1"})}},
		testImage{tag: "two", layers: [][]byte{base, layerTar(t, entry{name: "two", body: "2"})}},
	)
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	one, err := pull(t, s, "oci:"+layout+":one")
	require.NoError(t, err)
	alone := storeUsage(s.Dir())
	two, err := pull(t, s, "oci:"+layout+":two")
	require.NoError(t, err)
	both := storeUsage(s.Dir())
	assert.Equal(t, one.Layers[0], two.Layers[0], "the base layer's directory is shared")
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "layers"))
	assert.Len(t, entries, 3, "three layers unpacked for two images of two layers each")
	t.Logf("store: one image %d KiB, two images sharing a %d KiB base %d KiB", alone/1024, len(base)/1024, both/1024)
	assert.Less(t, both-alone, int64(len(base)/2), "the second image must not store the base again")

	infos, err := s.List()
	require.NoError(t, err)
	require.Len(t, infos, 2)
	assert.Equal(t, "oci:"+layout+":one", infos[0].Name)
	assert.Equal(t, 2, infos[0].Layers)
	assert.Greater(t, infos[0].Unpacked, int64(len(base)/2))

	_, err = s.Remove(mustRef(t, "oci:"+layout+":one"))
	require.NoError(t, err)
	_, err = os.Stat(two.Layers[0])
	assert.NoError(t, err, "the shared base stays for the other image")
	_, err = os.Stat(one.Layers[1])
	assert.True(t, os.IsNotExist(err), "the layer only the removed image used is gone")
	freed, err := s.Prune()
	require.NoError(t, err)
	assert.Equal(t, int64(0), freed)
	_, err = s.Remove(mustRef(t, "oci:"+layout+":two"))
	require.NoError(t, err)
	for _, sub := range []string{"blobs/sha256", "layers", "tmp"} {
		assertEmpty(t, filepath.Join(s.Dir(), sub))
	}
	_, err = s.Remove(mustRef(t, "oci:"+layout+":two"))
	assert.ErrorIs(t, err, ErrImageNotStored)
}

// A second pull reads no blob; two pulls at once both succeed on one
// store.
func TestPullAgainAndAtOnce(t *testing.T) {
	layout := writeLayout(t, testImage{tag: "v1", layers: [][]byte{baseLayer(t), layerTar(t, entry{name: "x", body: "x"})}})
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	var mu sync.Mutex
	fetched, cached := map[string]bool{}, map[string]bool{}
	s.Progress = func(ev PullEvent) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Cached {
			cached[ev.Digest] = true
		} else {
			fetched[ev.Digest] = true
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = pull(t, s, "oci:"+layout+":v1") }()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Len(t, fetched, 2, "each layer fetched once")
	assert.Len(t, cached, 2, "the second pull found both layers in the store")
	fetched = map[string]bool{}
	_, err = pull(t, s, "oci:"+layout+":v1")
	require.NoError(t, err)
	assert.Empty(t, fetched, "a pull of a stored image fetches nothing")
}

// What a pull killed halfway leaves is in tmp/, never under a final name;
// the next pull clears it, under the lock.
func TestPullClearsWhatADeadPullLeft(t *testing.T) {
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	half := filepath.Join(s.Dir(), "tmp", "layer-123")
	require.NoError(t, os.MkdirAll(filepath.Join(half, "usr", "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(s.Dir(), "tmp", "blob-456"), []byte("half a blob"), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(half, "usr"), 0o555)) // as a layer's /proc would be
	_, err = pull(t, s, "oci:"+writeLayout(t, testImage{tag: "v1", layers: [][]byte{baseLayer(t)}})+":v1")
	require.NoError(t, err)
	assertEmpty(t, filepath.Join(s.Dir(), "tmp"))
}

// An image with more layers than an overlay's mount options can name is
// refused at the pull, with the store as it was.
func TestPullRefusesTooManyLayers(t *testing.T) {
	var layers [][]byte
	for i := 0; i < 40; i++ {
		layers = append(layers, layerTar(t, entry{name: strings.Repeat("x", i+1), body: "x"}))
	}
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	before := listing(t, s.Dir())
	_, err = pull(t, s, "oci:"+writeLayout(t, testImage{tag: "v1", layers: layers})+":v1")
	assert.ErrorContains(t, err, "40 layers: their paths")
	assert.Equal(t, before, listing(t, s.Dir()))
}
