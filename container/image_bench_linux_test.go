package container

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRunImage compares a container started from an image already in
// the store (the store's lookup of index.json, manifest and config, then
// its layer directories as the overlay's lowers) with run --rootfs on the
// same tree: the busybox rootfs, stored as a one-layer image. The target:
// within 10%. lookup-only is the store's part alone; interleaved runs
// the two in turn and reports their ratio.
//
//	go test -run XXX -bench RunImage -benchtime 200x ./container
func BenchmarkRunImage(b *testing.B) {
	if !isRoot() {
		b.Skip("needs root: go test -exec sudo -bench RunImage ./container")
	}
	layout := writeLayout(b, testImage{tag: "v1", layers: [][]byte{dirLayer(b, benchRootfs(b))}})
	dir := b.TempDir()
	s, err := OpenImageStore(filepath.Join(dir, "store"))
	if err != nil {
		b.Fatal(err)
	}
	ref, _ := ParseImageRef("oci:" + layout + ":v1")
	img, err := s.Pull(context.Background(), ref, PullOptions{})
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, cfg Config) {
		if code, err := Run(context.Background(), cfg); err != nil || code != 0 {
			b.Fatalf("run: %d %v", code, err)
		}
	}
	b.Run("lookup-only", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Get(ref); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rootfs", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			run(b, Config{Args: []string{"/bin/true"}, Namespaces: AllNamespaces, Rootfs: img.Layers[0], Overlay: true})
		}
	})
	// Both in turn, so that a busy machine slows both alike: the ratio
	// is the number to read.
	b.Run("interleaved", func(b *testing.B) {
		var onRootfs, onImage time.Duration
		for i := 0; i < b.N; i++ {
			start := time.Now()
			run(b, Config{Args: []string{"/bin/true"}, Namespaces: AllNamespaces, Rootfs: img.Layers[0], Overlay: true})
			onRootfs += time.Since(start)
			start = time.Now()
			img, err := s.Get(ref)
			if err != nil {
				b.Fatal(err)
			}
			cfg := Config{Namespaces: AllNamespaces}
			img.Apply(&cfg, nil, []string{"/bin/true"})
			run(b, cfg)
			onImage += time.Since(start)
		}
		b.ReportMetric(float64(onRootfs.Microseconds())/float64(b.N)/1000, "ms-rootfs/op")
		b.ReportMetric(float64(onImage.Microseconds())/float64(b.N)/1000, "ms-image/op")
		b.ReportMetric(float64(onImage)/float64(onRootfs), "image/rootfs")
	})
	b.Run("image", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			img, err := s.Get(ref)
			if err != nil {
				b.Fatal(err)
			}
			cfg := Config{Namespaces: AllNamespaces}
			img.Apply(&cfg, nil, []string{"/bin/true"})
			run(b, cfg)
		}
	})
}
