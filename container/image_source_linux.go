package container

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A blobSource is where a pull reads an image from: a layout directory, an
// archive unpacked into one, or a registry.
type blobSource interface {
	// roots lists the descriptors that tag may name (several when they
	// are one image for several platforms).
	roots(tag string) ([]descriptor, error)
	// open reads the blob d names. The caller checks its digest.
	open(d descriptor) (io.ReadCloser, error)
}

// layoutSource reads an OCI image layout directory (image-spec
// image-layout.md). mem holds blobs made up on the way (the manifest of a
// legacy docker save archive).
type layoutSource struct {
	dir string
	mem map[string][]byte
	// confined: dir is an unpacked archive, whose symlinks must not lead
	// out of it (a blob named by a link to a host file).
	confined bool
}

// path returns dir/rel, or an error when the archive's symlinks take it
// out of dir.
func (l *layoutSource) path(rel string) (string, error) {
	p := filepath.Join(l.dir, rel)
	if !l.confined {
		return p, nil
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	top, err := filepath.EvalSymlinks(l.dir)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(real, top+"/") {
		return "", fmt.Errorf("%s in the archive is a symbolic link out of it", rel)
	}
	return real, nil
}

func (l *layoutSource) roots(tag string) ([]descriptor, error) {
	var idx index
	p, err := l.path("index.json")
	var data []byte
	if err == nil {
		data, err = os.ReadFile(p)
	}
	if err != nil {
		return nil, fmt.Errorf("not an OCI image layout (want a directory with index.json, oci-layout and blobs/, e.g. one written by skopeo copy ... oci:DIR:TAG): %w", err)
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(l.dir, "index.json"), err)
	}
	var tags []string
	for _, d := range idx.Manifests {
		name := d.Annotations[refNameAnnotation]
		if tag != "" && name == tag {
			return []descriptor{d}, nil
		}
		if name != "" {
			tags = append(tags, name)
		}
	}
	switch {
	case tag != "":
		return nil, fmt.Errorf("no image tagged %q in the layout; its tags: %s", tag, strings.Join(tags, ", "))
	case len(idx.Manifests) == 0:
		return nil, fmt.Errorf("the layout's index.json lists no image")
	case len(idx.Manifests) == 1:
		return idx.Manifests, nil
	}
	for _, d := range idx.Manifests {
		if d.Platform == nil {
			return nil, fmt.Errorf("the layout holds %d images; name one with a tag (its tags: %s), e.g. oci:DIR:%s", len(idx.Manifests), strings.Join(tags, ", "), firstOr(tags, "latest"))
		}
	}
	return idx.Manifests, nil // one image for several platforms
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

func (l *layoutSource) open(d descriptor) (io.ReadCloser, error) {
	if data, ok := l.mem[d.Digest]; ok {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	hex, err := checkDigest(d.Digest)
	if err != nil {
		return nil, err
	}
	p, err := l.path(filepath.Join("blobs", "sha256", hex))
	var f *os.File
	if err == nil {
		f, err = os.Open(p)
	}
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("blob %s is missing from the image (%w)", d.Digest, err)
	}
	return f, err
}

// openArchive unpacks an oci-archive or docker-archive tarball into tmp
// (with the layer unpacker: nothing in it may leave tmp) and returns the
// source that reads it.
func openArchive(ref ImageRef, tmp string) (blobSource, error) {
	f, err := os.Open(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("%w (want an archive file, e.g. one written by docker save or skopeo copy ... %s:FILE)", err, ref.Transport)
	}
	defer f.Close()
	if err := ApplyLayer(f, tmp); err != nil {
		return nil, fmt.Errorf("reading the archive %s: %w", ref.Path, err)
	}
	if _, err := os.Lstat(filepath.Join(tmp, "index.json")); err == nil {
		return &layoutSource{dir: tmp, confined: true}, nil // OCI, and docker save since Docker 25
	}
	if ref.Transport == "docker-archive" {
		return legacyDockerArchive(tmp)
	}
	return nil, fmt.Errorf("%s has no index.json: not an OCI archive (is it a docker save tarball? then docker-archive:%s)", ref.Path, ref.Path)
}

// legacyDockerArchive reads the manifest.json of a docker save tarball
// from before Docker 25 (config and layers named by path, layers
// uncompressed, so each one's digest is its diff_id) and makes up the
// OCI manifest that describes the same image.
func legacyDockerArchive(dir string) (blobSource, error) {
	var entries []struct {
		Config string
		Layers []string
	}
	src := &layoutSource{dir: dir, mem: map[string][]byte{}, confined: true}
	p, err := src.path("manifest.json")
	var data []byte
	if err == nil {
		data, err = os.ReadFile(p)
	}
	if err != nil {
		return nil, fmt.Errorf("neither index.json nor manifest.json in the archive: not a docker save tarball")
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if len(entries) != 1 {
		return nil, fmt.Errorf("the archive holds %d images; save one image per archive (docker save IMAGE)", len(entries))
	}
	blob := func(name, mediaType string) (descriptor, error) {
		path, err := resolveInRoot(dir, name)
		if err == nil {
			path, err = filepath.EvalSymlinks(path)
		}
		if err == nil && !strings.HasPrefix(path, dir+"/") {
			err = fmt.Errorf("%s leaves the archive", name)
		}
		if err != nil {
			return descriptor{}, err
		}
		f, err := os.Open(path)
		if err != nil {
			return descriptor{}, err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		d := descriptor{MediaType: mediaType, Digest: fmt.Sprintf("sha256:%x", h.Sum(nil)), Size: n}
		if err == nil {
			// Layout's name for it, so open finds it like any other blob.
			err = linkBlob(dir, path, d.Digest)
		}
		return d, err
	}
	var m manifest
	m.SchemaVersion, m.MediaType = 2, mediaOCIManifest
	if m.Config, err = blob(entries[0].Config, mediaOCIConfig); err != nil {
		return nil, err
	}
	for _, l := range entries[0].Layers {
		d, err := blob(l, mediaOCILayer)
		if err != nil {
			return nil, err
		}
		m.Layers = append(m.Layers, d)
	}
	mdata, _ := json.Marshal(m)
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(mdata))
	src.mem[digest] = mdata
	idx, _ := json.Marshal(index{SchemaVersion: 2, Manifests: []descriptor{{MediaType: mediaOCIManifest, Digest: digest, Size: int64(len(mdata))}}})
	return src, os.WriteFile(filepath.Join(dir, "index.json"), idx, 0o644)
}

// linkBlob names path in dir's blobs/sha256 by digest.
func linkBlob(dir, path, digest string) error {
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(blobs, strings.TrimPrefix(digest, "sha256:"))
	if _, err := os.Lstat(dst); err == nil {
		return nil
	}
	return os.Symlink(path, dst)
}
