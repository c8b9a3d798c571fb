package container

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// maxDocument is the most a manifest, index or config may weigh: they are
// read into memory (registries cap manifests at 4 MiB).
const maxDocument = 4 << 20

// Pull brings the image ref into the store, from a layout directory, an
// archive or a registry, and returns it. Every blob is checked against
// its digest and every layer against its diff_id before it is used; a
// blob already in the store is not read again, and a layer already
// unpacked is not unpacked again. On error the store is as it was.
func (s *ImageStore) Pull(ctx context.Context, ref ImageRef, opts PullOptions) (*Image, error) {
	fail := func(err error) (*Image, error) {
		return nil, &Error{Code: ExitRuntimeError, Op: "pull", Path: ref.String(), Err: err}
	}
	unlock, err := s.lock(true)
	if err != nil {
		return fail(err)
	}
	defer unlock()
	// Under the lock, whatever is in tmp is left by a pull that died.
	if entries, err := os.ReadDir(filepath.Join(s.dir, "tmp")); err == nil {
		for _, e := range entries {
			_ = removeTree(filepath.Join(s.dir, "tmp", e.Name()))
		}
	}
	var src blobSource
	switch ref.Transport {
	case "oci":
		src = &layoutSource{dir: ref.Path}
	case "oci-archive", "docker-archive":
		tmp, err := os.MkdirTemp(filepath.Join(s.dir, "tmp"), "archive-")
		if err != nil {
			return fail(err)
		}
		defer removeTree(tmp)
		if src, err = openArchive(ref, tmp); err != nil {
			return fail(err)
		}
	case "docker":
		src = newRegistrySource(ctx, ref, opts)
	default:
		return fail(fmt.Errorf("unknown transport %q (%s)", ref.Transport, refExample))
	}
	t := &txn{}
	img, err := s.pull(t, src, ref)
	if err != nil {
		t.rollback()
		return fail(err)
	}
	return img, nil
}

func (s *ImageStore) pull(t *txn, src blobSource, ref ImageRef) (*Image, error) {
	roots, err := src.roots(ref.Tag)
	if err != nil {
		return nil, err
	}
	d := roots[0]
	if len(roots) > 1 {
		if d, err = pickPlatform(roots); err != nil {
			return nil, err
		}
	}
	data, err := document(src, d)
	for err == nil && isIndex(d.MediaType) {
		var idx index
		if err = json.Unmarshal(data, &idx); err != nil {
			break
		}
		if d, err = pickPlatform(idx.Manifests); err == nil {
			data, err = document(src, d)
		}
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", d.Digest, err)
	}
	if len(m.Layers) == 0 {
		return nil, fmt.Errorf("manifest %s lists no layers", d.Digest)
	}
	cdata, err := document(s.orStore(src, m.Config.Digest), m.Config)
	if err != nil {
		return nil, err
	}
	var cf imageConfigFile
	if err := json.Unmarshal(cdata, &cf); err != nil {
		return nil, fmt.Errorf("config %s: %w", m.Config.Digest, err)
	}
	if len(cf.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("config %s lists %d diff_ids for %d layers", m.Config.Digest, len(cf.RootFS.DiffIDs), len(m.Layers))
	}
	if err := s.putBlob(t, m.Config.Digest, int64(len(cdata)), bytes.NewReader(cdata)); err != nil {
		return nil, err
	}
	for _, l := range m.Layers {
		if err := s.fetchBlob(t, src, l); err != nil {
			return nil, err
		}
	}
	for i, l := range m.Layers {
		if err := s.unpack(t, l.Digest, cf.RootFS.DiffIDs[i]); err != nil {
			return nil, err
		}
	}
	if err := s.putBlob(t, d.Digest, int64(len(data)), bytes.NewReader(data)); err != nil {
		return nil, err
	}
	name := ref.String()
	img, err := s.image(name, d.Digest)
	if err != nil {
		return nil, err
	}
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	kept := idx.Manifests[:0]
	for _, e := range idx.Manifests {
		if e.Annotations[refNameAnnotation] != name {
			kept = append(kept, e)
		}
	}
	idx.Manifests = append(kept, descriptor{MediaType: mediaOCIManifest, Digest: d.Digest, Size: int64(len(data)), Annotations: map[string]string{refNameAnnotation: name}})
	if err := s.writeIndex(idx); err != nil {
		return nil, err
	}
	return img, nil
}

// document reads a small blob (an index, a manifest, a config) and checks
// its digest.
func document(src blobSource, d descriptor) ([]byte, error) {
	if _, err := checkDigest(d.Digest); err != nil {
		return nil, err
	}
	r, err := src.open(d)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", d.Digest, err)
	}
	if len(data) > maxDocument {
		return nil, fmt.Errorf("%s is larger than %d bytes: not a manifest or config", d.Digest, maxDocument)
	}
	if d.Size > 0 && int64(len(data)) > d.Size {
		return nil, fmt.Errorf("blob %s: longer, its descriptor says %d bytes: the blob was tampered with or corrupted", d.Digest, d.Size)
	}
	if got := fmt.Sprintf("sha256:%x", sha256.Sum256(data)); got != d.Digest {
		return nil, fmt.Errorf("%s: its content hashes to %s: the blob was tampered with or corrupted", d.Digest, got)
	}
	return data, nil
}

// orStore is the store when it holds digest already, else src: a blob
// in the store is not fetched again.
func (s *ImageStore) orStore(src blobSource, digest string) blobSource {
	if _, err := checkDigest(digest); err == nil && s.hasBlob(digest) {
		return &layoutSource{dir: s.dir}
	}
	return src
}

// fetchBlob copies a layer into the store unless it is there already.
func (s *ImageStore) fetchBlob(t *txn, src blobSource, d descriptor) error {
	if _, err := checkDigest(d.Digest); err != nil {
		return err
	}
	if s.hasBlob(d.Digest) {
		s.progress(PullEvent{Digest: d.Digest, Done: d.Size, Total: d.Size, Cached: true})
		return nil
	}
	r, err := src.open(d)
	if err != nil {
		return err
	}
	defer r.Close()
	return s.putBlob(t, d.Digest, d.Size, &progressReader{r: r, s: s, ev: PullEvent{Digest: d.Digest, Total: d.Size}})
}

func (s *ImageStore) progress(ev PullEvent) {
	if s.Progress != nil {
		s.Progress(ev)
	}
}

type progressReader struct {
	r  io.Reader
	s  *ImageStore
	ev PullEvent
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.ev.Done += int64(n)
	if n > 0 {
		p.s.progress(p.ev)
	}
	return n, err
}

// unpack applies the stored layer blob into layers/DIFFID, through the
// ApplyLayer stage, unless that is there already, and checks the
// uncompressed tar against diffID.
func (s *ImageStore) unpack(t *txn, blob, diffID string) error {
	if _, err := checkDigest(diffID); err != nil {
		return fmt.Errorf("diff_id: %w", err)
	}
	final := s.layerPath(diffID)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	f, err := os.Open(s.blobPath(blob))
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := decompress(f)
	if err != nil {
		return fmt.Errorf("layer %s: %w", blob, err)
	}
	tmp, err := os.MkdirTemp(filepath.Join(s.dir, "tmp"), "layer-")
	if err != nil {
		return err
	}
	h := sha256.New()
	tee := io.TeeReader(r, h)
	err = steps().ApplyLayer(tee, tmp)
	if err == nil {
		_, err = io.Copy(io.Discard, tee) // the tar's end, for the hash
	}
	if got := fmt.Sprintf("sha256:%x", h.Sum(nil)); err == nil && got != diffID {
		err = fmt.Errorf("its uncompressed content hashes to %s, the config's diff_id is %s: tampered with or corrupted", got, diffID)
	}
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		_ = removeTree(tmp)
		return fmt.Errorf("layer %s: %w", blob, err)
	}
	t.added = append(t.added, final)
	return nil
}

// decompress reads a layer blob: gzip or plain tar, told apart by their
// first bytes (the media type is not always right).
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return nil, fmt.Errorf("a zstd-compressed layer, which this runtime cannot read yet (want gzip or plain tar layers)")
	}
	return br, nil
}
