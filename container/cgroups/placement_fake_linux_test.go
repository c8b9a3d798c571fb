package cgroups

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The v2 file layout of a placed cgroup, which this hybrid host cannot
// show: controllers enabled from the top down through every directory
// made, cpu.max with the bundle's period, cpu.weight from the shares,
// cpuset.cpus; Remove from the record takes exactly what was made.
func TestPlacementFakeV2Files(t *testing.T) {
	useFakeCgroupfs(t)
	l, root := fakeV2(t, "cpuset cpu io memory pids", "")
	fakeFiles(t, root, map[string]string{"cpu.weight": "100", "cpuset.cpus": "", "cpuset.mems": ""})
	limits := Limits{Memory: 64 << 20, Pids: 10, CPUs: 0.5, CPUPeriod: 500000, CPUShares: 2048, CPUSet: "0"}
	p, err := placeAt(l, map[string]string{"": "/user.slice"}, "/pod/box", limits)
	require.NoError(t, err)
	pod, box := filepath.Join(root, "pod"), filepath.Join(root, "pod", "box")
	assert.Equal(t, Placement{Version: "v2", Dirs: map[string]string{"": box}, Made: []string{pod, box}, Enable: []string{"memory", "pids", "cpu", "cpuset"}}, p,
		"an absolute path is from the top of the hierarchy, not the runtime's own cgroup")
	cg, err := p.Create(limits)
	require.NoError(t, err)
	requireFile(t, "+memory +pids +cpu +cpuset", root, "cgroup.subtree_control")
	requireFile(t, "+memory +pids +cpu +cpuset", pod, "cgroup.subtree_control")
	requireFile(t, "67108864", box, "memory.max")
	requireFile(t, "10", box, "pids.max")
	requireFile(t, "250000 500000", box, "cpu.max")
	requireFile(t, "79", box, "cpu.weight") // runc's conversion of 2048
	requireFile(t, "0", box, "cpuset.cpus")
	require.Equal(t, box, cg.Path())

	record, err := json.Marshal(p)
	require.NoError(t, err)
	var again Placement
	require.NoError(t, json.Unmarshal(record, &again))
	require.NoError(t, again.Remove())
	assert.NoDirExists(t, pod, "Remove takes every directory made")
	assert.DirExists(t, root, "and nothing above")
}

// A relative path on v2 is under the runtime's own cgroup; one that is
// there already is refused before anything is made.
func TestPlacementFakeV2Relative(t *testing.T) {
	useFakeCgroupfs(t)
	l, root := fakeV2(t, "cpu memory pids", "")
	fakeFiles(t, filepath.Join(root, "runtime.scope"), map[string]string{"cgroup.controllers": "cpu memory pids", "cgroup.subtree_control": "", "cgroup.procs": "42\n"})
	fakeFiles(t, filepath.Join(root, "runtime.scope", "box"), map[string]string{"cgroup.procs": ""})
	own := map[string]string{"": "/runtime.scope"}
	p, err := placeAt(l, own, "sub/box", Limits{})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "runtime.scope", "sub", "box"), p.Dirs[""])
	_, err = placeAt(l, own, "box", Limits{})
	require.ErrorContains(t, err, "exists already")
	_, err = placeAt(l, own, "x", Limits{CPUSet: "0"})
	require.ErrorIs(t, err, ErrControllerMissing, "cpuset is not available here")
}
