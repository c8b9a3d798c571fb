package images

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/unboxed-go/unboxed/container"
)

// Image is an unpacked image: its layers' directories, bottom first, and
// what its config says about running it.
type Image struct {
	Layers []string
	Config container.ImageConfig
}

// descriptor points at a blob: its media type, digest and size
// (image-spec descriptor.md).
type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
}

// Unpack reads the image tagged tag (the annotation
// org.opencontainers.image.ref.name in index.json; "" for the layout's
// only image) from the OCI image layout directory layout: index.json,
// then the manifest, then the config, each blob checked against its
// digest and size. It applies each layer with ApplyLayer into a new
// directory dir/0, dir/1, ... (gunzipping a +gzip layer), checks the
// uncompressed tar against the config's diff_id, and returns the
// directories and the config. An error names the blob or entry at fault.
func Unpack(layout, tag, dir string) (Image, error) {
	var idx struct{ Manifests []descriptor }
	data, err := os.ReadFile(filepath.Join(layout, "index.json"))
	if err != nil {
		return Image{}, err
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return Image{}, fmt.Errorf("index.json: %w", err)
	}
	var found []descriptor
	for _, d := range idx.Manifests {
		if tag == "" || d.Annotations["org.opencontainers.image.ref.name"] == tag {
			found = append(found, d)
		}
	}
	if len(found) != 1 {
		return Image{}, fmt.Errorf("want one image tagged %q in index.json, found %d", tag, len(found))
	}
	var m struct {
		Config descriptor
		Layers []descriptor
	}
	if err := readJSON(layout, found[0], &m); err != nil {
		return Image{}, err
	}
	var cf struct {
		Config struct {
			Entrypoint, Cmd, Env []string
			WorkingDir, User     string
		} `json:"config"`
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := readJSON(layout, m.Config, &cf); err != nil {
		return Image{}, err
	}
	if len(cf.RootFS.DiffIDs) != len(m.Layers) {
		return Image{}, fmt.Errorf("config %s: %d diff_ids for %d layers", m.Config.Digest, len(cf.RootFS.DiffIDs), len(m.Layers))
	}
	c := cf.Config
	img := Image{Config: container.ImageConfig{Entrypoint: c.Entrypoint, Cmd: c.Cmd, Env: c.Env, WorkingDir: c.WorkingDir, User: c.User}}
	for i, l := range m.Layers {
		layerDir := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(layerDir, 0o755); err != nil {
			return Image{}, err
		}
		if err := applyBlob(layout, l, cf.RootFS.DiffIDs[i], layerDir); err != nil {
			return Image{}, err
		}
		img.Layers = append(img.Layers, layerDir)
	}
	return img, nil
}

// blobPath is where a layout keeps the blob of digest.
func blobPath(layout, digest string) (string, error) {
	hex, ok := strings.CutPrefix(digest, "sha256:")
	if !ok || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", fmt.Errorf("digest %q is not sha256: and 64 hex digits", digest)
	}
	return filepath.Join(layout, "blobs", "sha256", hex), nil
}

// readJSON reads a small blob, checks it against d, and decodes it.
func readJSON(layout string, d descriptor, v any) error {
	p, err := blobPath(layout, d.Digest)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("blob %s: %w", d.Digest, err)
	}
	if got := fmt.Sprintf("sha256:%x", sha256.Sum256(data)); got != d.Digest || int64(len(data)) != d.Size {
		return fmt.Errorf("blob %s: its content hashes to %s (%d bytes, want %d)", d.Digest, got, len(data), d.Size)
	}
	return json.Unmarshal(data, v)
}

// applyBlob checks a layer blob against its digest, then applies it into
// dir while hashing the uncompressed tar for its diff_id.
func applyBlob(layout string, d descriptor, diffID, dir string) error {
	p, err := blobPath(layout, d.Digest)
	if err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("blob %s: %w", d.Digest, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := fmt.Sprintf("sha256:%x", h.Sum(nil)); got != d.Digest {
		return fmt.Errorf("blob %s: its content hashes to %s", d.Digest, got)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(d.MediaType, "+gzip") {
		if r, err = gzip.NewReader(r); err != nil {
			return fmt.Errorf("layer %s: %w", d.Digest, err)
		}
	}
	h.Reset()
	tee := io.TeeReader(r, h)
	if err := ApplyLayer(tee, dir); err != nil {
		return fmt.Errorf("layer %s: %w", d.Digest, err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return err
	}
	if got := fmt.Sprintf("sha256:%x", h.Sum(nil)); got != diffID {
		return fmt.Errorf("layer %s: its tar hashes to %s, the config's diff_id is %s", d.Digest, got, diffID)
	}
	return nil
}
