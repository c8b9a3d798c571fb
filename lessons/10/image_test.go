//go:build linux

package capstone_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	capstone "github.com/unboxed-go/unboxed/lessons/10"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// layerOf packs the tree at dir into a layer tar, as an image holds it,
// with one more file, /etc/from-the-image.
func layerOf(l *lessontest.T, dir string) *bytes.Buffer {
	l.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		case !info.Mode().IsRegular() && !info.IsDir():
			return nil // device nodes and sockets: not in an image
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = strings.TrimPrefix(path, dir+"/")
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			_, err = tw.Write(data)
			return err
		}
		return nil
	})
	l.NoError(err, "packing the default rootfs into a layer")
	marker := []byte("unpacked from a layer\n")
	l.NoError(tw.WriteHeader(&tar.Header{Name: "etc/from-the-image", Mode: 0o644, Size: int64(len(marker)), Typeflag: tar.TypeReg}), "adding a file to the layer")
	_, err = tw.Write(marker)
	l.NoError(err, "adding a file to the layer")
	l.NoError(tw.Close(), "closing the layer")
	return &buf
}

// A container runs on a root unpacked from an image's layer by the
// ApplyLayer stage (yours, once lesson 09 is written).
func TestRootfsFromALayer(t *testing.T) {
	l := lessontest.New(t, "one-container-from-create-to-delete")
	defer l.Recover()
	l.NeedPrivileges()
	root := filepath.Join(l.TempDir(), "layer")
	l.NoError(os.Mkdir(root, 0o755), "making the layer's directory")
	l.NoError(container.Steps().ApplyLayer(layerOf(l, l.Rootfs()), root), "the ApplyLayer stage unpacking the layer")
	out, code := run(l, capstone.Config{Rootfs: root}, "cat /etc/from-the-image; ls /bin/sh")
	l.Equal(fmt.Sprintf("the exit code of a container on the unpacked layer (output %q)", out), 0, code)
	l.Equal("what the container reads from its root", "unpacked from a layer\n/bin/sh\n", out)
}
