package container

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// The store is an OCI image layout of its own (oci-layout, index.json with
// one entry per image, named by the annotation
// org.opencontainers.image.ref.name, and blobs/sha256/HEX) plus
// layers/HEX: each layer unpacked, named by its diff_id. Everything is
// written under tmp/ and renamed into place, so what has its final name is
// complete; a lock file serialises the writers (flock(2)).

// OpenImageStore opens the image store in dir, making it when missing.
// An empty dir means the default: unboxed/images in the cache directory
// where DefaultRootfs keeps its rootfs.
func OpenImageStore(dir string) (*ImageStore, error) {
	if dir == "" {
		cache, err := cacheDir()
		if err != nil {
			return nil, &Error{Code: ExitRuntimeError, Op: "image store", Err: fmt.Errorf("%w (set XDG_CACHE_HOME or HOME)", err)}
		}
		dir = filepath.Join(cache, "unboxed", "images")
	}
	for _, sub := range []string{"blobs/sha256", "layers", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, &Error{Code: ExitRuntimeError, Op: "image store", Path: dir, Err: err}
		}
	}
	if f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDONLY, 0o644); err == nil {
		f.Close()
	}
	layout := filepath.Join(dir, "oci-layout")
	if _, err := os.Stat(layout); err != nil {
		if err := os.WriteFile(layout, []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
			return nil, &Error{Code: ExitRuntimeError, Op: "image store", Path: dir, Err: err}
		}
	}
	return &ImageStore{dir: dir}, nil
}

// Dir is the store's directory.
func (s *ImageStore) Dir() string { return s.dir }

// lock takes the store's lock, exclusive for a writer. A process killed
// while holding it loses it with its file descriptors.
func (s *ImageStore) lock(exclusive bool) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	if err := unix.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

func (s *ImageStore) blobPath(digest string) string {
	return filepath.Join(s.dir, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
}

func (s *ImageStore) layerPath(diffID string) string {
	return filepath.Join(s.dir, "layers", strings.TrimPrefix(diffID, "sha256:"))
}

func (s *ImageStore) hasBlob(digest string) bool {
	_, err := os.Stat(s.blobPath(digest))
	return err == nil
}

// txn remembers what one pull added, to take it out again on failure: the
// store is then as it was.
type txn struct{ added []string }

func (t *txn) rollback() {
	for i := len(t.added) - 1; i >= 0; i-- {
		_ = removeTree(t.added[i])
	}
}

// putBlob copies r into the store as digest, checking the content (and the
// size, when not negative) against it first.
func (s *ImageStore) putBlob(t *txn, digest string, size int64, r io.Reader) error {
	if _, err := checkDigest(digest); err != nil {
		return err
	}
	if s.hasBlob(digest) {
		return nil
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "blob-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	h := sha256.New()
	if size >= 0 {
		r = io.LimitReader(r, size+1) // a blob longer than it says is refused, not stored whole
	}
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("blob %s: %w", digest, err)
	}
	if size >= 0 && n != size {
		got := fmt.Sprintf("%d bytes", n)
		if n > size {
			got = "longer"
		}
		return fmt.Errorf("blob %s: %s, its descriptor says %d bytes: the blob was tampered with or corrupted", digest, got, size)
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != digest {
		return fmt.Errorf("blob %s: its content hashes to %s: the blob was tampered with or corrupted", digest, got)
	}
	if err := os.Rename(f.Name(), s.blobPath(digest)); err != nil {
		return err
	}
	t.added = append(t.added, s.blobPath(digest))
	return nil
}

// readJSON reads a small blob of the store, checks its digest again and
// decodes it into v.
func (s *ImageStore) readJSON(digest string, v any) error {
	data, err := os.ReadFile(s.blobPath(digest))
	if err != nil {
		return err
	}
	if got := fmt.Sprintf("sha256:%x", sha256.Sum256(data)); got != digest {
		return fmt.Errorf("blob %s in the store hashes to %s: remove it (unboxed prune) and pull again", digest, got)
	}
	return json.Unmarshal(data, v)
}

func (s *ImageStore) readIndex() (index, error) {
	var idx index
	data, err := os.ReadFile(filepath.Join(s.dir, "index.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return index{SchemaVersion: 2, MediaType: mediaOCIIndex}, nil
	}
	if err != nil {
		return idx, err
	}
	return idx, json.Unmarshal(data, &idx)
}

func (s *ImageStore) writeIndex(idx index) error {
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "index-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(s.dir, "index.json"))
}

// find returns the index entry named name.
func (idx index) find(name string) (descriptor, bool) {
	for _, d := range idx.Manifests {
		if d.Annotations[refNameAnnotation] == name {
			return d, true
		}
	}
	return descriptor{}, false
}

// Get returns the stored image named ref (as ImageRef.String writes it),
// with its layers' directories.
func (s *ImageStore) Get(ref ImageRef) (*Image, error) {
	unlock, err := s.lock(false)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	d, ok := idx.find(ref.String())
	if !ok {
		return nil, &Error{Code: ExitRuntimeError, Op: "image", Path: ref.String(), Err: ErrImageNotStored}
	}
	img, err := s.image(ref.String(), d.Digest)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "image", Path: ref.String(), Err: err}
	}
	return img, nil
}

// maxLowerdir is how long the layers' paths may be together: mount(2)
// copies at most a page of options, and the upper and work directories
// and the option names need the rest.
const maxLowerdir = 3600

// image reads a stored image's manifest and config; every layer must be
// unpacked already.
func (s *ImageStore) image(name, digest string) (*Image, error) {
	var m manifest
	if err := s.readJSON(digest, &m); err != nil {
		return nil, err
	}
	var cf imageConfigFile
	if err := s.readJSON(m.Config.Digest, &cf); err != nil {
		return nil, err
	}
	img := &Image{Name: name, Digest: digest, Config: cf.imageConfig(), Size: m.Config.Size}
	length := 0
	if len(cf.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("the config lists %d diff_ids for %d layers", len(cf.RootFS.DiffIDs), len(m.Layers))
	}
	for i, l := range m.Layers {
		dir := s.layerPath(cf.RootFS.DiffIDs[i])
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("layer %s is not unpacked (pull the image again): %w", cf.RootFS.DiffIDs[i], err)
		}
		img.Layers = append(img.Layers, dir)
		img.Size += l.Size
		length += len(dir) + 1
	}
	if length > maxLowerdir {
		return nil, fmt.Errorf("%d layers: their paths (%d bytes) do not fit in overlayfs's mount options, one page (move the store to a shorter path: XDG_CACHE_HOME)", len(m.Layers), length)
	}
	return img, nil
}
