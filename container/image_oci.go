package container

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// The documents of an image, as image-spec (index.md, manifest.md,
// config.md) and Docker's manifest v2 schema 2 write them. Only the fields
// the runtime reads are here.
type (
	descriptor struct {
		MediaType   string            `json:"mediaType"`
		Digest      string            `json:"digest"`
		Size        int64             `json:"size"`
		Platform    *platform         `json:"platform,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
	platform struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Variant      string `json:"variant,omitempty"`
	}
	// index is index.json, an OCI image index or a Docker manifest list.
	index struct {
		SchemaVersion int          `json:"schemaVersion"`
		MediaType     string       `json:"mediaType,omitempty"`
		Manifests     []descriptor `json:"manifests"`
	}
	manifest struct {
		SchemaVersion int          `json:"schemaVersion"`
		MediaType     string       `json:"mediaType,omitempty"`
		Config        descriptor   `json:"config"`
		Layers        []descriptor `json:"layers"`
	}
	imageConfigFile struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Config       struct {
			User         string              `json:"User"`
			ExposedPorts map[string]struct{} `json:"ExposedPorts"`
			Env          []string            `json:"Env"`
			Entrypoint   []string            `json:"Entrypoint"`
			Cmd          []string            `json:"Cmd"`
			WorkingDir   string              `json:"WorkingDir"`
		} `json:"config"`
		RootFS struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
)

const (
	mediaOCIIndex      = "application/vnd.oci.image.index.v1+json"
	mediaOCIManifest   = "application/vnd.oci.image.manifest.v1+json"
	mediaOCIConfig     = "application/vnd.oci.image.config.v1+json"
	mediaOCILayer      = "application/vnd.oci.image.layer.v1.tar"
	mediaDockerList    = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaDockerManifst = "application/vnd.docker.distribution.manifest.v2+json"
	// refNameAnnotation names a manifest in an index.json (its tag).
	refNameAnnotation = "org.opencontainers.image.ref.name"
)

func isIndex(mediaType string) bool {
	return mediaType == mediaOCIIndex || mediaType == mediaDockerList
}

// imageConfig keeps what the runtime uses of a config file.
func (f *imageConfigFile) imageConfig() ImageConfig {
	c := f.Config
	return ImageConfig{Entrypoint: c.Entrypoint, Cmd: c.Cmd, Env: c.Env, WorkingDir: c.WorkingDir, User: c.User, ExposedPorts: sortedKeys(c.ExposedPorts)}
}

// hostPlatform is the platform this runtime runs images of: GOOS/GOARCH,
// and for arm the variant (v6, v7; arm64 is v8).
func hostPlatform() platform {
	p := platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
	switch p.Architecture {
	case "arm":
		p.Variant = "v7"
		if v := os.Getenv("GOARM"); v != "" {
			p.Variant = "v" + strings.SplitN(v, ",", 2)[0]
		}
	case "arm64":
		p.Variant = "v8"
	}
	return p
}

// pickPlatform chooses the host's manifest from an index's list, or says
// which platforms there are. A descriptor without a platform matches any
// (a single-platform layout's index.json has none).
func pickPlatform(ds []descriptor) (descriptor, error) {
	return pickPlatformFor(hostPlatform(), ds)
}

// pickPlatformFor is pickPlatform for the platform host. A variant in
// the list must match the host's; an entry without one matches any.
func pickPlatformFor(host platform, ds []descriptor) (descriptor, error) {
	var seen []string
	for _, d := range ds {
		p := d.Platform
		if p == nil {
			return d, nil
		}
		if p.OS == host.OS && p.Architecture == host.Architecture &&
			(p.Variant == "" || p.Variant == host.Variant) {
			return d, nil
		}
		name := p.OS + "/" + p.Architecture
		if p.Variant != "" {
			name += "/" + p.Variant
		}
		seen = append(seen, name)
	}
	return descriptor{}, fmt.Errorf("no image for this host's platform %s/%s; the image has: %s", host.OS, host.Architecture, strings.Join(seen, ", "))
}

// checkDigest refuses a digest the store cannot name a file by.
func checkDigest(d string) (hex string, err error) {
	if !validDigest(d) {
		return "", fmt.Errorf("digest %q is not sha256: and 64 lower-case hex digits (only sha256 is supported)", d)
	}
	return d[len("sha256:"):], nil
}
