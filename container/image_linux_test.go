package container

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestParseImageRef(t *testing.T) {
	for in, want := range map[string]string{
		"alpine":                           "docker.io/library/alpine:latest",
		"docker.io/library/alpine:3.20":    "docker.io/library/alpine:3.20",
		"docker://debian:bookworm-slim":    "docker.io/library/debian:bookworm-slim",
		"localhost:5000/app:v1":            "localhost:5000/app:v1",
		"127.0.0.1:5000/team/app":          "127.0.0.1:5000/team/app:latest",
		"ghcr.io/o/r@sha256:" + hex64('a'): "ghcr.io/o/r@sha256:" + hex64('a'),
		"oci:./layout:v1":                  "oci:./layout:v1",
		"oci:/a:b/dir":                     "oci:/a:b/dir",
		"oci-archive:img.tar":              "oci-archive:img.tar",
		"docker-archive:/tmp/x:y.tar":      "docker-archive:/tmp/x:y.tar",
	} {
		r, err := ParseImageRef(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, r.String(), in)
		}
	}
	for in, why := range map[string]string{
		"":                    "not a name",
		"Alpine":              `"Alpine" is not a valid name component`,
		"alpine:3.20:x":       `"alpine:3.20" is not a valid name component`,
		"alpine@sha256:12":    "is not sha256: and 64 hex digits",
		"oci:":                "no path after oci:",
		"oci:dir:bad tag!":    "not a valid tag",
		"localhost:5000/A/b":  `"A" is not a valid name component`,
		"has space/x":         "not a name",
		"docker.io/library/.": "not a valid name component",
	} {
		_, err := ParseImageRef(in)
		if assert.Error(t, err, in) {
			assert.ErrorContains(t, err, why, in)
			assert.ErrorContains(t, err, "want e.g. docker.io/library/alpine:3.20", in)
		}
	}
}

func hex64(c byte) string { return strings.Repeat(string(c), 64) }

// A whiteout becomes a 0/0 character device, an opaque directory gets its
// xattr, and the rest keeps its mode and mtime.
func TestApplyLayerWhiteoutsAndOpaque(t *testing.T) {
	dir := t.TempDir()
	layer := layerTar(t,
		entry{name: "data/.wh..wh..opq"}, // first, yet it hides only the lower layers
		entry{name: "data/"},
		entry{name: "data/new", body: "new\n", mode: 0o600},
		entry{name: ".wh.gone"},
		entry{name: "etc/"},
		entry{name: "etc/link", link: "motd"},
		entry{name: "etc/hard", link: "data/new", hard: true},
	)
	require.NoError(t, ApplyLayer(bytes.NewReader(layer), dir))
	var st unix.Stat_t
	require.NoError(t, unix.Lstat(filepath.Join(dir, "gone"), &st))
	assert.Equal(t, uint32(unix.S_IFCHR), st.Mode&unix.S_IFMT, "the whiteout is a character device")
	assert.Equal(t, uint64(0), st.Rdev, "the whiteout's device number")
	assert.True(t, isOpaque(filepath.Join(dir, "data")), "data is marked opaque")
	fi, err := os.Lstat(filepath.Join(dir, "data", "new"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Equal(t, int64(1704164645), fi.ModTime().Unix(), "the tar's mtime")
	target, err := os.Readlink(filepath.Join(dir, "etc", "link"))
	require.NoError(t, err)
	assert.Equal(t, "motd", target)
	require.NoError(t, unix.Lstat(filepath.Join(dir, "etc", "hard"), &st))
	assert.Equal(t, uint64(2), uint64(st.Nlink), "the hard link shares its inode")
	_, err = os.Lstat(filepath.Join(dir, ".wh.gone"))
	assert.True(t, os.IsNotExist(err), "no .wh. file is left")
}

// Every entry that would leave the layer is refused, and nothing is
// written outside it.
func TestApplyLayerRefusesEscapes(t *testing.T) {
	for name, c := range map[string]struct {
		entries []entry
		want    string
	}{
		"dotdot":        {[]entry{{name: "../escape", body: "x"}}, `"../escape" leaves the layer`},
		"deep dotdot":   {[]entry{{name: "a/../../escape", body: "x"}}, `leaves the layer through ".."`},
		"absolute":      {[]entry{{name: "/escape", body: "x"}}, "an absolute name leaves the layer"},
		"symlink":       {[]entry{{name: "evil", link: "../.."}, {name: "evil/escape", body: "x"}}, "through the symbolic link /evil -> ../.."},
		"nested link":   {[]entry{{name: "a/"}, {name: "a/up", link: "../../"}, {name: "a/up/escape", body: "x"}}, "through the symbolic link /a/up"},
		"hard link out": {[]entry{{name: "h", link: "../outside", hard: true}}, "hard link"},
	} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "a", "layer")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(parent, "a", "outside"), []byte("host"), 0o644))
			before := listing(t, parent)
			err := ApplyLayer(bytes.NewReader(layerTar(t, c.entries...)), dir)
			assert.ErrorContains(t, err, c.want)
			after := listing(t, parent)
			for _, line := range strings.Split(after, "\n") {
				if !strings.HasPrefix(line, "a/layer/") && !strings.Contains(before, line) {
					t.Errorf("want nothing written outside the layer, got %s", line)
				}
			}
		})
	}
	// An absolute symlink is the container's root, so it stays inside.
	dir := t.TempDir()
	require.NoError(t, ApplyLayer(bytes.NewReader(layerTar(t, entry{name: "etc/"}, entry{name: "abs", link: "/etc"}, entry{name: "abs/x", body: "in"})), dir))
	data, err := os.ReadFile(filepath.Join(dir, "etc", "x"))
	require.NoError(t, err)
	assert.Equal(t, "in", string(data))
}

// Device nodes need root; without it the layer is refused.
func TestApplyLayerDeviceNodes(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "null", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 3}))
	require.NoError(t, tw.Close())
	dir := t.TempDir()
	err := ApplyLayer(bytes.NewReader(buf.Bytes()), dir)
	if os.Geteuid() != 0 || inUserNamespace() {
		assert.ErrorContains(t, err, "device node")
		return
	}
	require.NoError(t, err)
	var st unix.Stat_t
	require.NoError(t, unix.Lstat(filepath.Join(dir, "null"), &st))
	assert.Equal(t, unix.Mkdev(1, 3), st.Rdev)
}

func pull(t *testing.T, s *ImageStore, ref string) (*Image, error) {
	t.Helper()
	r, err := ParseImageRef(ref)
	require.NoError(t, err)
	return s.Pull(context.Background(), r, PullOptions{})
}

func TestPullLayoutAndMultiPlatform(t *testing.T) {
	cfg := ImageConfig{Entrypoint: []string{"/usr/bin/greet"}, Cmd: []string{"world"}, Env: []string{"A=1"}, WorkingDir: "/data", ExposedPorts: []string{"80/tcp"}}
	other := platform{OS: "linux", Architecture: "s390x"}
	host := hostPlatform()
	layout := writeLayout(t,
		testImage{tag: "v1", config: cfg, layers: [][]byte{baseLayer(t)}},
		testImage{platform: &other, layers: [][]byte{layerTar(t, entry{name: "which", body: "s390x"})}},
		testImage{platform: &host, layers: [][]byte{layerTar(t, entry{name: "which", body: "host"})}},
	)
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	img, err := pull(t, s, "oci:"+layout+":v1")
	require.NoError(t, err)
	assert.Equal(t, cfg, img.Config)
	require.Len(t, img.Layers, 1)
	data, err := os.ReadFile(filepath.Join(img.Layers[0], "etc", "motd"))
	require.NoError(t, err)
	assert.Equal(t, "hello from the base\n", string(data))

	img, err = pull(t, s, "oci:"+layout+":multi")
	require.NoError(t, err)
	data, err = os.ReadFile(filepath.Join(img.Layers[0], "which"))
	require.NoError(t, err)
	assert.Equal(t, "host", string(data), "the host's platform is chosen")

	got, err := s.Get(mustRef(t, "oci:"+layout+":v1"))
	require.NoError(t, err)
	assert.Equal(t, cfg, got.Config)
	_, err = s.Get(mustRef(t, "oci:"+layout+":nope"))
	assert.ErrorIs(t, err, ErrImageNotStored)
}

func mustRef(t *testing.T, s string) ImageRef {
	t.Helper()
	r, err := ParseImageRef(s)
	require.NoError(t, err)
	return r
}

// A whiteout deletes only what the layers below have (image-spec
// layer.md): the same layer's entries stay, in whichever order the tar
// holds them, and a directory it recreates replaces the lower one.
func TestApplyLayerWhiteoutsSpareTheirOwnLayer(t *testing.T) {
	dir := t.TempDir()
	layer := layerTar(t,
		entry{name: "file", body: "mine"}, entry{name: ".wh.file"}, // the file stays
		entry{name: "d/"}, entry{name: "d/x", body: "x"}, entry{name: ".wh.d"}, // d stays, opaque
		entry{name: ".wh.e"}, entry{name: "e/"}, entry{name: "e/y", body: "y"}, // e recreated: opaque
		entry{name: ".wh.f"}, entry{name: "f/z", body: "z"}, // f recreated by its child: opaque
		entry{name: ".wh.g"}, entry{name: ".wh.g"}, // twice: one whiteout
	)
	require.NoError(t, ApplyLayer(bytes.NewReader(layer), dir))
	data, err := os.ReadFile(filepath.Join(dir, "file"))
	require.NoError(t, err)
	assert.Equal(t, "mine", string(data))
	for _, d := range []string{"d", "e", "f"} {
		assert.True(t, isOpaque(filepath.Join(dir, d)), "%s is opaque", d)
	}
	for _, f := range []string{"d/x", "e/y", "f/z"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, "%s stays", f)
	}
	assert.True(t, whiteoutAt(filepath.Join(dir, "g")))
}

func TestPickPlatform(t *testing.T) {
	list := []descriptor{
		{Digest: "amd64", Platform: &platform{OS: "linux", Architecture: "amd64"}},
		{Digest: "v6", Platform: &platform{OS: "linux", Architecture: "arm", Variant: "v6"}},
		{Digest: "v7", Platform: &platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
		{Digest: "arm64", Platform: &platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
		{Digest: "att", Platform: &platform{OS: "unknown", Architecture: "unknown"}},
	}
	for host, want := range map[platform]string{
		{OS: "linux", Architecture: "amd64"}:                "amd64",
		{OS: "linux", Architecture: "arm", Variant: "v7"}:   "v7",
		{OS: "linux", Architecture: "arm", Variant: "v6"}:   "v6",
		{OS: "linux", Architecture: "arm64", Variant: "v8"}: "arm64",
	} {
		d, err := pickPlatformFor(host, list)
		if assert.NoError(t, err, host) {
			assert.Equal(t, want, d.Digest, host)
		}
	}
	_, err := pickPlatformFor(platform{OS: "linux", Architecture: "riscv64"}, list)
	assert.EqualError(t, err, "no image for this host's platform linux/riscv64; the image has: linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, unknown/unknown")
}

// PAX xattrs (SCHILY.xattr.*) are kept.
func TestApplyLayerKeepsXattrs(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "f", Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatPAX,
		PAXRecords: map[string]string{"SCHILY.xattr.user.origin": "layer"}}))
	require.NoError(t, tw.Close())
	dir := t.TempDir()
	require.NoError(t, ApplyLayer(bytes.NewReader(buf.Bytes()), dir))
	val := make([]byte, 16)
	n, err := unix.Lgetxattr(filepath.Join(dir, "f"), "user.origin", val)
	require.NoError(t, err)
	assert.Equal(t, "layer", string(val[:n]))
}

// A directory entry replaced by a symlink later in the same layer: its
// mode and mtime, set at the end, must not reach the link's target.
func TestApplyLayerDoesNotChmodThroughALink(t *testing.T) {
	victim := t.TempDir()
	require.NoError(t, os.Chmod(victim, 0o700))
	before, err := os.Stat(victim)
	require.NoError(t, err)
	layer := layerTar(t, entry{name: "d/", mode: 0o777}, entry{name: "d", link: victim})
	require.NoError(t, ApplyLayer(bytes.NewReader(layer), t.TempDir()))
	after, err := os.Stat(victim)
	require.NoError(t, err)
	assert.Equal(t, before.Mode(), after.Mode(), "the link's target's mode")
	assert.Equal(t, before.ModTime(), after.ModTime(), "the link's target's mtime")
}
