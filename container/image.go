package container

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ImageRef names an image and says where it comes from, the way skopeo
// writes it: oci:DIR[:TAG] (an OCI image layout directory),
// oci-archive:FILE[:TAG] (the same as a tar), docker-archive:FILE (a
// docker save tarball) or a registry reference such as
// docker.io/library/alpine:3.20 or localhost:5000/app:v1.
type ImageRef struct {
	// Transport is "oci", "oci-archive", "docker-archive" or "docker" (a
	// registry).
	Transport string
	// Path is the layout directory or archive file (not for "docker").
	Path string
	// Registry is the registry's host[:port], e.g. "registry-1.docker.io"
	// for docker.io; Repository is the image's name in it, e.g.
	// "library/alpine" (only for "docker").
	Registry, Repository string
	// Tag selects the image: a tag ("3.20"), or for a registry a digest
	// ("sha256:..."). Empty: the only image of a layout or archive, or
	// "latest" in a registry.
	Tag string
}

// refExample is shown with every error about a reference.
const refExample = "want e.g. docker.io/library/alpine:3.20, localhost:5000/app:v1, oci:./layout:v1, oci-archive:img.tar or docker-archive:img.tar"

// ParseImageRef reads an image reference. A registry reference without a
// registry is on Docker Hub (alpine is docker.io/library/alpine:latest).
func ParseImageRef(s string) (ImageRef, error) {
	bad := func(why string) (ImageRef, error) {
		return ImageRef{}, fmt.Errorf("image reference %q: %s (%s)", s, why, refExample)
	}
	for _, t := range []string{"oci", "oci-archive", "docker-archive"} {
		rest, ok := strings.CutPrefix(s, t+":")
		if !ok {
			continue
		}
		r := ImageRef{Transport: t, Path: rest}
		if t != "docker-archive" {
			// The tag is after the last colon, unless that colon is in a
			// directory name (oci:/a:b/c).
			if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.Contains(rest[i:], "/") {
				r.Path, r.Tag = rest[:i], rest[i+1:]
				if !validTag(r.Tag) {
					return bad("the tag " + fmt.Sprintf("%q", r.Tag) + " is not a valid tag")
				}
			}
		}
		if r.Path == "" {
			return bad("no path after " + t + ":")
		}
		return r, nil
	}
	s2, _ := strings.CutPrefix(s, "docker://")
	if s2 == "" || strings.ContainsAny(s2, " \t\n") {
		return bad("not a name")
	}
	r := ImageRef{Transport: "docker"}
	name := s2
	if i := strings.Index(name, "@"); i >= 0 {
		name, r.Tag = name[:i], name[i+1:]
		if !validDigest(r.Tag) {
			return bad("the digest " + fmt.Sprintf("%q", r.Tag) + " is not sha256: and 64 hex digits")
		}
	} else if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.Contains(name[i:], "/") {
		name, r.Tag = name[:i], name[i+1:]
		if !validTag(r.Tag) {
			return bad(fmt.Sprintf("the tag %q is not a valid tag", r.Tag))
		}
	}
	parts := strings.Split(name, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		r.Registry, parts = parts[0], parts[1:]
	} else {
		r.Registry = "docker.io"
	}
	if r.Registry == "docker.io" && len(parts) == 1 {
		parts = append([]string{"library"}, parts...)
	}
	for _, p := range parts {
		if !validRepoComponent(p) {
			return bad(fmt.Sprintf("%q is not a valid name component (lower case letters, digits, . _ -)", p))
		}
	}
	r.Repository = strings.Join(parts, "/")
	if r.Tag == "" {
		r.Tag = "latest"
	}
	return r, nil
}

// String writes the reference back in the form ParseImageRef reads; a
// registry reference comes out in full (docker.io/library/alpine:latest).
func (r ImageRef) String() string {
	switch r.Transport {
	case "docker":
		sep := ":"
		if strings.HasPrefix(r.Tag, "sha256:") {
			sep = "@"
		}
		return r.Registry + "/" + r.Repository + sep + r.Tag
	case "docker-archive":
		return r.Transport + ":" + r.Path
	}
	if r.Tag == "" {
		return r.Transport + ":" + r.Path
	}
	return r.Transport + ":" + r.Path + ":" + r.Tag
}

// ImageConfig is what an image says about running it: the fields of the
// OCI image config that the runtime uses (image-spec config.md).
type ImageConfig struct {
	Entrypoint   []string
	Cmd          []string
	Env          []string
	WorkingDir   string
	User         string
	ExposedPorts []string // e.g. "80/tcp", sorted
}

// Command is what a container of the image runs, as image-spec
// conversion.md says: the Entrypoint followed by the Cmd, where args, when
// given, replace the Cmd and entrypoint, when not nil, replaces the
// Entrypoint (an empty, non-nil one removes it).
func (c ImageConfig) Command(entrypoint, args []string) []string {
	ep, cmd := c.Entrypoint, c.Cmd
	if entrypoint != nil {
		ep, cmd = entrypoint, nil
	}
	if len(args) > 0 {
		cmd = args
	}
	return append(append([]string{}, ep...), cmd...)
}

// Image is an image in the store, ready to run: its layers are unpacked
// directories, bottom first, to stack as an overlay's lowers.
type Image struct {
	Name   string // the reference it was pulled or imported as
	Digest string // the manifest's digest
	Config ImageConfig
	Layers []string // unpacked layer directories, bottom first
	Size   int64    // the compressed size of its blobs
}

// ImageInfo is one line of ImageStore.List.
type ImageInfo struct {
	Name     string
	Digest   string
	Size     int64 // manifest, config and layer blobs
	Unpacked int64 // bytes on disk of its unpacked layers
	Layers   int
}

// ImageStore is a content-addressed store of images: blobs by digest, and
// each layer unpacked once into a directory of its own named by its
// diff_id, shared by every image that has it. Make one with
// OpenImageStore.
type ImageStore struct {
	dir string
	// Progress, when set, is told about each blob a pull fetches.
	Progress func(PullEvent)
}

// PullOptions tune ImageStore.Pull.
type PullOptions struct {
	// Insecure lets these registries (host[:port]) be spoken to over plain
	// HTTP; localhost and 127.0.0.1 always may.
	Insecure []string
}

func sortedKeys(m map[string]struct{}) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// PullEvent tells ImageStore.Progress how a pull goes: Done of Total bytes
// of the blob Digest read, or Cached when the store had it already.
type PullEvent struct {
	Digest      string
	Done, Total int64
	Cached      bool
}

// ErrImageNotStored is Get's error for an image the store does not hold.
var ErrImageNotStored = errors.New("not in the image store (pull it first: unboxed pull REF)")

// Apply sets cfg up to run the image, as image-spec conversion.md says:
// the layers become the overlay's lowers without a copy (Rootfs is the
// bottom one, Layers the rest, Overlay on); the command is the image's
// Entrypoint and Cmd, with entrypoint and args replacing them when given
// (see ImageConfig.Command); Env is the image's, with the default PATH
// and HOME added when it sets none; Dir is its WorkingDir; User is its
// User unless cfg names one already (docker run --user wins).
func (img *Image) Apply(cfg *Config, entrypoint, args []string) {
	cfg.Rootfs, cfg.Overlay = img.Layers[0], true
	cfg.Layers = append(append([]string{}, img.Layers[1:]...), cfg.Layers...)
	cfg.Args = img.Config.Command(entrypoint, args)
	env := append([]string{}, img.Config.Env...)
	for _, def := range defaultEnv {
		name, _, _ := strings.Cut(def, "=")
		if !hasEnv(env, name) {
			env = append(env, def)
		}
	}
	cfg.Env = env
	cfg.Dir = img.Config.WorkingDir
	if cfg.User == "" {
		cfg.User = img.Config.User
	}
}

func hasEnv(env []string, name string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, name+"=") {
			return true
		}
	}
	return false
}
