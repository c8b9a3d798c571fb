package container

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// registrySource reads an image from a registry over the OCI distribution
// API (distribution-spec spec.md "Pulling manifests", "Pulling blobs"):
// GET /v2/NAME/manifests/REF and GET /v2/NAME/blobs/DIGEST, with an
// anonymous bearer token when the registry asks for one (Docker Hub does).
type registrySource struct {
	ctx    context.Context
	ref    ImageRef
	base   string // scheme://host
	client *http.Client
	token  string
	mem    map[string][]byte
}

// manifestTypes are what a pull accepts for a manifest.
var manifestTypes = strings.Join([]string{mediaOCIIndex, mediaOCIManifest, mediaDockerList, mediaDockerManifst}, ", ")

func newRegistrySource(ctx context.Context, ref ImageRef, opts PullOptions) *registrySource {
	host := ref.Registry
	if host == "docker.io" {
		host = "registry-1.docker.io" // Docker Hub's API lives there
	}
	scheme := "https"
	if plainHTTP(host, opts.Insecure) {
		scheme = "http"
	}
	return &registrySource{ctx: ctx, ref: ref, base: scheme + "://" + host,
		client: &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, ResponseHeaderTimeout: 30 * time.Second, TLSHandshakeTimeout: 10 * time.Second}},
		mem:    map[string][]byte{}}
}

// plainHTTP: only a registry on this machine, or one named on purpose, is
// spoken to without TLS.
func plainHTTP(host string, insecure []string) bool {
	for _, h := range insecure {
		if h == host {
			return true
		}
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	return name == "localhost" || name == "127.0.0.1" || name == "::1"
}

func (r *registrySource) roots(tag string) ([]descriptor, error) {
	resp, err := r.get("/manifests/"+tag, manifestTypes)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDocument {
		return nil, fmt.Errorf("the manifest of %s is larger than %d bytes", r.ref, maxDocument)
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(data))
	if strings.HasPrefix(tag, "sha256:") && digest != tag {
		return nil, fmt.Errorf("the registry's manifest for %s hashes to %s", tag, digest)
	}
	mediaType := strings.TrimSpace(strings.Split(resp.Header.Get("Content-Type"), ";")[0])
	var probe struct {
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal(data, &probe) == nil && probe.MediaType != "" {
		mediaType = probe.MediaType
	}
	r.mem[digest] = data
	return []descriptor{{MediaType: mediaType, Digest: digest, Size: int64(len(data))}}, nil
}

func (r *registrySource) open(d descriptor) (io.ReadCloser, error) {
	if data, ok := r.mem[d.Digest]; ok {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	path := "/blobs/" + d.Digest
	accept := "*/*"
	if isIndex(d.MediaType) || d.MediaType == mediaOCIManifest || d.MediaType == mediaDockerManifst {
		path, accept = "/manifests/"+d.Digest, manifestTypes
	}
	resp, err := r.get(path, accept)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// get sends GET /v2/REPO+path, once more with a token when the registry
// answers 401 with a Bearer challenge.
func (r *registrySource) get(path, accept string) (*http.Response, error) {
	u := r.base + "/v2/" + r.ref.Repository + path
	for try := 0; ; try++ {
		req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", accept)
		if r.token != "" {
			req.Header.Set("Authorization", "Bearer "+r.token)
		}
		resp, err := r.client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("registry %s: %w", r.ref.Registry, err)
		}
		if resp.StatusCode == http.StatusOK {
			return resp, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && try == 0 {
			if err := r.login(resp.Header.Get("WWW-Authenticate")); err != nil {
				return nil, err
			}
			continue
		}
		what := "manifest " + r.ref.String()
		if strings.HasPrefix(path, "/blobs/") {
			what = "blob " + strings.TrimPrefix(path, "/blobs/")
		}
		if resp.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("%s is missing from the registry (404 from %s)", what, u)
		}
		return nil, fmt.Errorf("%s: registry answered %s: %s", what, resp.Status, strings.TrimSpace(string(body)))
	}
}

// login gets an anonymous token as the challenge says (distribution's
// token authentication: GET realm?service=...&scope=repository:NAME:pull).
func (r *registrySource) login(challenge string) error {
	scheme, params, _ := strings.Cut(challenge, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return fmt.Errorf("registry %s wants %q authentication; only anonymous pulls are supported", r.ref.Registry, scheme)
	}
	p := map[string]string{}
	for _, kv := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		p[k] = strings.Trim(v, `"`)
	}
	if p["realm"] == "" {
		return fmt.Errorf("registry %s: a Bearer challenge without a realm: %q", r.ref.Registry, challenge)
	}
	q := url.Values{}
	if p["service"] != "" {
		q.Set("service", p["service"])
	}
	scope := p["scope"]
	if scope == "" {
		scope = "repository:" + r.ref.Repository + ":pull"
	}
	q.Set("scope", scope)
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, p["realm"]+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("registry %s: getting a token: %w", r.ref.Registry, err)
	}
	defer resp.Body.Close()
	var tok struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok) != nil {
		return fmt.Errorf("registry %s: no anonymous token for %s (%s): does the image exist, and is it public?", r.ref.Registry, r.ref.Repository, resp.Status)
	}
	r.token = tok.Token
	if r.token == "" {
		r.token = tok.AccessToken
	}
	return nil
}
