package container

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// List describes every image in the store, in the order they came in.
func (s *ImageStore) List() ([]ImageInfo, error) {
	unlock, err := s.lock(false)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	var infos []ImageInfo
	for _, d := range idx.Manifests {
		name := d.Annotations[refNameAnnotation]
		img, err := s.image(name, d.Digest)
		if err != nil {
			return nil, &Error{Code: ExitRuntimeError, Op: "image", Path: name, Err: err}
		}
		info := ImageInfo{Name: name, Digest: d.Digest, Size: img.Size + d.Size, Layers: len(img.Layers)}
		for _, l := range img.Layers {
			info.Unpacked += storeUsage(l)
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// Remove takes the image named ref out of the store, with every blob and
// unpacked layer no other image uses; the layers of a running container
// stay until a later Prune. It returns the bytes freed.
func (s *ImageStore) Remove(ref ImageRef) (int64, error) {
	unlock, err := s.lock(true)
	if err != nil {
		return 0, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return 0, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	if _, ok := idx.find(ref.String()); !ok {
		return 0, &Error{Code: ExitRuntimeError, Op: "rmi", Path: ref.String(), Err: ErrImageNotStored}
	}
	kept := idx.Manifests[:0]
	for _, d := range idx.Manifests {
		if d.Annotations[refNameAnnotation] != ref.String() {
			kept = append(kept, d)
		}
	}
	idx.Manifests = kept
	if err := s.writeIndex(idx); err != nil {
		return 0, &Error{Code: ExitRuntimeError, Op: "rmi", Path: ref.String(), Err: err}
	}
	return s.collect(idx)
}

// Prune removes every blob and unpacked layer that no image in the store
// and no running container uses, and what pulls that died left. It
// returns the bytes freed.
func (s *ImageStore) Prune() (int64, error) {
	unlock, err := s.lock(true)
	if err != nil {
		return 0, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return 0, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
	}
	return s.collect(idx)
}

// collect removes, under the lock, what idx does not reach.
func (s *ImageStore) collect(idx index) (int64, error) {
	used := map[string]bool{}
	for _, d := range idx.Manifests {
		used[blobName(d.Digest)] = true
		var m manifest
		if err := s.readJSON(d.Digest, &m); err != nil {
			continue // a broken manifest: its blobs go
		}
		used[blobName(m.Config.Digest)] = true
		for _, l := range m.Layers {
			used[blobName(l.Digest)] = true
		}
		var cf imageConfigFile
		if s.readJSON(m.Config.Digest, &cf) == nil {
			for _, id := range cf.RootFS.DiffIDs {
				used["layers/"+strings.TrimPrefix(id, "sha256:")] = true
			}
		}
	}
	// A running container's layers stay, whatever the index says, until
	// a later prune finds them unused.
	for name := range layersInUse(filepath.Join(s.dir, "layers")) {
		used["layers/"+name] = true
	}
	var freed int64
	for _, sub := range []string{"blobs/sha256", "layers", "tmp"} {
		entries, err := os.ReadDir(filepath.Join(s.dir, sub))
		if err != nil {
			return freed, &Error{Code: ExitRuntimeError, Op: "image store", Path: s.dir, Err: err}
		}
		for _, e := range entries {
			key := sub + "/" + e.Name()
			if sub == "blobs/sha256" {
				key = "blobs/" + e.Name()
			}
			if used[key] {
				continue
			}
			path := filepath.Join(s.dir, sub, e.Name())
			size := storeUsage(path)
			if err := removeTree(path); err != nil {
				return freed, &Error{Code: ExitRuntimeError, Op: "image store", Path: path, Err: err}
			}
			freed += size
		}
	}
	return freed, nil
}

func blobName(digest string) string { return "blobs/" + strings.TrimPrefix(digest, "sha256:") }

// storeUsage is the space the files under path take on disk (st_blocks,
// as du counts it), each inode once; unreadable entries count nothing.
func storeUsage(path string) int64 {
	var total int64
	seen := map[uint64]bool{}
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && !seen[st.Ino] {
			seen[st.Ino] = true
			total += st.Blocks * 512
		}
		return nil
	})
	return total
}
