package container

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRegistry serves the images of an OCI layout over the distribution
// API on 127.0.0.1, as repository "team/app" with the layout's tags, and
// like Docker Hub only to holders of a token from its /token endpoint.
type testRegistry struct {
	*httptest.Server
	layout string
	mu     sync.Mutex
	blobs  []string // the blob digests served, in order
}

func newTestRegistry(t *testing.T, layout string) *testRegistry {
	r := &testRegistry{layout: layout}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *testRegistry) host() string { return strings.TrimPrefix(r.URL, "http://") }

func (r *testRegistry) serve(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path == "/token" {
		if req.URL.Query().Get("scope") != "repository:team/app:pull" {
			http.Error(w, "bad scope", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, `{"token":"t0k"}`)
		return
	}
	if req.Header.Get("Authorization") != "Bearer t0k" {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s/token",service="test"`, r.URL))
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED"}]}`, http.StatusUnauthorized)
		return
	}
	rest, ok := strings.CutPrefix(req.URL.Path, "/v2/team/app/")
	if !ok {
		http.NotFound(w, req)
		return
	}
	kind, ref, _ := strings.Cut(rest, "/")
	if kind == "manifests" && !strings.HasPrefix(ref, "sha256:") {
		var idx index
		data, _ := os.ReadFile(filepath.Join(r.layout, "index.json"))
		_ = json.Unmarshal(data, &idx)
		d, ok := idx.find(ref)
		if !ok {
			http.Error(w, `{"errors":[{"code":"MANIFEST_UNKNOWN"}]}`, http.StatusNotFound)
			return
		}
		ref = d.Digest
		w.Header().Set("Content-Type", d.MediaType)
	}
	if kind == "blobs" {
		r.mu.Lock()
		r.blobs = append(r.blobs, ref)
		r.mu.Unlock()
	}
	http.ServeFile(w, req, blobFile(r.layout, ref))
}

// A pull from a registry, with a token; again, with nothing fetched; a
// missing image is a clear error.
func TestPullFromRegistry(t *testing.T) {
	layout := writeLayout(t, testImage{tag: "v1", config: ImageConfig{Cmd: []string{"/usr/bin/greet"}}, layers: [][]byte{baseLayer(t)}})
	reg := newTestRegistry(t, layout)
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	img, err := pull(t, s, reg.host()+"/team/app:v1")
	require.NoError(t, err)
	assert.Equal(t, []string{"/usr/bin/greet"}, img.Config.Cmd)
	assert.Len(t, reg.blobs, 2, "the config and the layer fetched")
	reg.blobs = nil
	_, err = pull(t, s, reg.host()+"/team/app:v1")
	require.NoError(t, err)
	assert.Empty(t, reg.blobs, "a pull of a stored image fetches no blob")

	before := listing(t, s.Dir())
	_, err = pull(t, s, reg.host()+"/team/app:nope")
	assert.ErrorContains(t, err, "is missing from the registry (404")
	assert.Equal(t, before, listing(t, s.Dir()))
}

// The real thing, when Debian's docker-registry and skopeo are installed
// (apt-get install docker-registry skopeo): the CNCF distribution
// registry on 127.0.0.1, an image pushed to it with skopeo, then pulled.
func TestPullFromDistributionRegistry(t *testing.T) {
	for _, p := range []string{"docker-registry", "skopeo"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("needs %s: apt-get install docker-registry skopeo", p)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	config := fmt.Sprintf("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yml"), []byte(config), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	reg := exec.CommandContext(ctx, "docker-registry", "serve", filepath.Join(dir, "config.yml"))
	require.NoError(t, reg.Start())
	t.Cleanup(func() { cancel(); _ = reg.Wait() })
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	layout := writeLayout(t, testImage{tag: "v1", config: ImageConfig{Cmd: []string{"/usr/bin/greet"}, Env: []string{"X=1"}}, layers: [][]byte{baseLayer(t)}})
	out, err := exec.Command("skopeo", "copy", "--dest-tls-verify=false", "oci:"+layout+":v1", "docker://"+addr+"/app:v1").CombinedOutput()
	require.NoError(t, err, "skopeo copy: %s", out)
	s, err := OpenImageStore(t.TempDir())
	require.NoError(t, err)
	img, err := pull(t, s, addr+"/app:v1")
	require.NoError(t, err)
	assert.Equal(t, []string{"X=1"}, img.Config.Env)
	data, err := os.ReadFile(filepath.Join(img.Layers[0], "etc", "motd"))
	require.NoError(t, err)
	assert.Equal(t, "hello from the base\n", string(data))
}

func TestPlainHTTPOnlyForLocalOrNamed(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:5000": true, "127.0.0.1:5000": true, "localhost": true, "[::1]:5000": true,
		"registry-1.docker.io": false, "10.0.0.5:5000": false, "localhost.evil.com": false, "my.lan:5000": true,
	} {
		assert.Equal(t, want, plainHTTP(host, []string{"my.lan:5000"}), host)
	}
	s := newRegistrySource(context.Background(), mustRef(t, "alpine"), PullOptions{})
	assert.Equal(t, "https://registry-1.docker.io", s.base, "Docker Hub, over TLS")
}
