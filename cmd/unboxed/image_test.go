package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container"
)

// busyboxLayout writes an OCI layout, tag v1, of one layer: the default
// busybox rootfs, with an Entrypoint, Cmd, Env and WorkingDir.
func busyboxLayout(t *testing.T) string {
	t.Helper()
	rootfs, err := container.DefaultRootfs()
	require.NoError(t, err)
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	require.NoError(t, filepath.Walk(rootfs, func(path string, info os.FileInfo, err error) error {
		if err != nil || path == rootfs {
			return err
		}
		link, _ := os.Readlink(path)
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name, _ = filepath.Rel(rootfs, path)
		if err := tw.WriteHeader(h); err != nil || !info.Mode().IsRegular() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	}))
	require.NoError(t, tw.Close())
	dir := t.TempDir()
	blob := func(data []byte) map[string]any {
		d := fmt.Sprintf("%x", sha256.Sum256(data))
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "blobs", "sha256", d), data, 0o644))
		return map[string]any{"digest": "sha256:" + d, "size": len(data)}
	}
	js := func(v any) []byte { data, _ := json.Marshal(v); return data }
	l := blob(layer.Bytes())
	l["mediaType"] = "application/vnd.oci.image.layer.v1.tar"
	c := blob(js(map[string]any{"os": "linux", "architecture": "amd64",
		"config": map[string]any{"Entrypoint": []string{"/bin/sh", "-c"}, "Cmd": []string{"echo $GREETING from $(pwd)"},
			"Env": []string{"GREETING=hello"}, "WorkingDir": "/etc", "ExposedPorts": map[string]any{"8080/tcp": struct{}{}}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []any{l["digest"]}}}))
	c["mediaType"] = "application/vnd.oci.image.config.v1+json"
	m := blob(js(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": c, "layers": []any{l}}))
	m["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
	m["annotations"] = map[string]string{"org.opencontainers.image.ref.name": "v1"}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.json"), js(map[string]any{"schemaVersion": 2, "manifests": []any{m}}), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644))
	return dir
}

// unboxed runs the binary with its store in cache, and returns its
// output and exit status.
func unboxed(t *testing.T, bin, cache string, args ...string) (string, int) {
	t.Helper()
	return unboxedIn(t, "", bin, cache, args...)
}

// unboxedIn is unboxed in the working directory dir.
func unboxedIn(t *testing.T, dir, bin, cache string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

// storeListing names what is in a store: its files, blobs, layers.
func storeListing(t *testing.T, dir string) string {
	var paths []string
	for _, pattern := range []string{"*", "*/*", "blobs/sha256/*"} {
		found, err := filepath.Glob(filepath.Join(dir, pattern))
		require.NoError(t, err)
		paths = append(paths, found...)
	}
	return strings.Join(paths, "\n")
}

// The image verbs end to end: pull, run (the config applies), images,
// bad input (exit 125, the store as it was), rmi.
func TestImageVerbs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("running a container here needs root: go test -exec sudo ./cmd/unboxed")
	}
	bin, cache, layout := build(t), t.TempDir(), busyboxLayout(t)
	ref := "oci:" + layout + ":v1"
	out, code := unboxed(t, bin, cache, "run", "--image", ref)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, 1, strings.Count(out, ": fetched "), "run pulls an image the store lacks, a line per layer: %s", out)
	assert.True(t, strings.HasSuffix(out, "hello from /etc\n"), out)
	out, code = unboxed(t, bin, cache, "run", "--image", ref, "--", "echo $GREETING again")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "hello again\n", out, "a COMMAND replaces the Cmd; a stored image is not pulled again")
	out, code = unboxed(t, bin, cache, "run", "--image", ref, "--entrypoint", "/bin/echo", "--", "no", "shell")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "no shell\n", out)
	out, code = unboxed(t, bin, cache, "run", "--image", ref, "--user", "nobody", "--", "id -u")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "65534\n", out, "--user names a user of the image's /etc/passwd")
	out, code = unboxed(t, bin, cache, "pull", ref)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "already in the store")
	out, code = unboxedIn(t, filepath.Dir(layout), bin, cache, "pull", "oci:./"+filepath.Base(layout)+":v1")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "already in the store", "a relative path names the same stored image")
	assert.Contains(t, out, ref+": sha256:")
	out, code = unboxed(t, bin, cache, "images", "--verbose")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, ref)
	assert.Contains(t, out, "ExposedPorts: 8080/tcp")

	// Bad input, each on a store that holds nothing of the bad image (a
	// tampered copy of a stored blob would not even be read: the store has
	// the real one).
	bad := t.TempDir()
	unboxed(t, bin, bad, "prune")
	store := filepath.Join(bad, "unboxed", "images")
	before := storeListing(t, store)
	tampered := t.TempDir()
	require.NoError(t, exec.Command("cp", "-a", layout+"/.", tampered).Run())
	blobs, _ := filepath.Glob(filepath.Join(tampered, "blobs", "sha256", "*"))
	for _, b := range blobs {
		if fi, _ := os.Stat(b); fi.Size() > 100000 {
			data, _ := os.ReadFile(b)
			data[len(data)/2] ^= 1
			require.NoError(t, os.WriteFile(b, data, 0o644))
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--image", "oci:" + tampered + ":v1"}, "the blob was tampered with or corrupted"},
		{[]string{"pull", "Not/A/Ref"}, `"Not" is not a valid name component`},
		{[]string{"run", "--image", "oci:" + layout + ":v2"}, `no image tagged "v2" in the layout; its tags: v1`},
		{[]string{"run", "--image", ref, "--rootfs", "/"}, "--image and --rootfs both give the root"},
	} {
		out, code := unboxed(t, bin, bad, c.args...)
		assert.Equal(t, container.ExitRuntimeError, code, out)
		assert.Contains(t, out, c.want)
		assert.Equal(t, before, storeListing(t, store), "the store changed after %q", c.args)
	}
	store = filepath.Join(cache, "unboxed", "images")
	out, code = unboxed(t, bin, cache, "rmi", ref)
	assert.Equal(t, 0, code, out)
	out, _ = unboxed(t, bin, cache, "images")
	assert.NotContains(t, out, ref)
	layers, _ := os.ReadDir(filepath.Join(store, "layers"))
	assert.Empty(t, layers, "rmi removes the layers only that image used")
}

// Against Debian's docker-registry (the CNCF distribution registry) when
// it and skopeo are installed: push with skopeo, pull, pull again
// (nothing fetched), run, rmi.
func TestPullFromLocalRegistry(t *testing.T) {
	for _, p := range []string{"docker-registry", "skopeo"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("needs %s: apt-get install docker-registry skopeo", p)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("running a container here needs root: go test -exec sudo ./cmd/unboxed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	config := fmt.Sprintf("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yml"), []byte(config), 0o644))
	reg := exec.Command("docker-registry", "serve", filepath.Join(dir, "config.yml"))
	require.NoError(t, reg.Start())
	t.Cleanup(func() { _ = reg.Process.Kill(); _ = reg.Wait() })
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := exec.Command("skopeo", "copy", "--dest-tls-verify=false", "oci:"+busyboxLayout(t)+":v1", "docker://"+addr+"/app:v1").CombinedOutput()
	require.NoError(t, err, "skopeo copy: %s", out)
	bin, cache := build(t), t.TempDir()
	ref := addr + "/app:v1"
	got, code := unboxed(t, bin, cache, "pull", ref)
	assert.Equal(t, 0, code, got)
	assert.Contains(t, got, "fetched")
	got, code = unboxed(t, bin, cache, "pull", ref)
	assert.Equal(t, 0, code, got)
	assert.NotContains(t, got, "fetched")
	assert.Contains(t, got, "already in the store")
	got, code = unboxed(t, bin, cache, "run", "--image", ref)
	assert.Equal(t, 0, code, got)
	assert.Equal(t, "hello from /etc\n", got)
	got, code = unboxed(t, bin, cache, "rmi", ref)
	assert.Equal(t, 0, code, got)
	got, _ = unboxed(t, bin, cache, "images")
	assert.NotContains(t, got, ref)
}
