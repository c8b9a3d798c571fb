package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// cgroupRecord is ROOT/ID/cgroup.json: where the container's cgroup was
// placed, written before anything is made, so that delete, and the sweep
// of a create that was killed halfway, remove exactly that.
func (s store) cgroupRecord(id string) string { return s.dir(id) + "/cgroup.json" }

// placeCgroup places the cgroup a bundle asks for and records the
// placement; the library makes it (Config.Cgroup) as the init starts.
// Without linux.cgroupsPath it is unboxed-oci/<id> under the runtime's
// own cgroup (not unboxed/, whose cgroups CleanStale takes for stale
// once no runtime process holds them).
func (s store) placeCgroup(id string, b *Bundle) (*cgroups.Placement, error) {
	if !b.cgroup {
		return nil, nil
	}
	path := b.cgroupsPath
	if path == "" {
		path = "unboxed-oci/" + id
	}
	p, err := cgroups.Place(path, b.Config.Limits)
	if err != nil {
		return nil, fmt.Errorf("linux.cgroupsPath %q: %w (%s)", path, err, cgroupsPathExample)
	}
	if err := writeAtomic(s.cgroupRecord(id), mustJSON(p)); err != nil {
		return nil, fmt.Errorf("record cgroup: %w", err)
	}
	return &p, nil
}

// removeCgroup removes the cgroup that cgroup.json records, if any: its
// processes are killed, the directories placeCgroup's placement made are
// removed. The record goes once the cgroup has.
func (s store) removeCgroup(id string) error {
	data, err := os.ReadFile(s.cgroupRecord(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var p cgroups.Placement
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("container %q: cgroup.json: %w", id, err)
	}
	if err := p.Remove(); err != nil {
		return fmt.Errorf("container %q: %w", id, err)
	}
	return os.Remove(s.cgroupRecord(id))
}
