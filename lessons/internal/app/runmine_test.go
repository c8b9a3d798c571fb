package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// solutionsOverlay writes a go build -overlay file that puts every
// solution in place of its exercise file, with extra replacements, and
// returns its path.
func solutionsOverlay(t *testing.T, root string, extra map[string]string) string {
	t.Helper()
	replace := map[string]string{}
	sols, err := filepath.Glob(filepath.Join(root, "solutions", "*", "*.go"))
	require.NoError(t, err)
	for _, sol := range sols {
		replace[filepath.Join(root, "lessons", filepath.Base(filepath.Dir(sol)), filepath.Base(sol))] = sol
	}
	for k, v := range extra {
		replace[k] = v
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	return file
}

// --only-mine refuses the checkout's stubs before it builds anything,
// naming each stub and its file.
func TestRunOnlyMineNamesStubs(t *testing.T) {
	out, code := cli(t, repoRoot(t), t.TempDir(), "run", "--only-mine", "--", "/bin/true")
	assert.Equal(t, 125, code, out)
	assert.Contains(t, out, "lessons/06/overlay.go: MountOverlay is still a TODO")
	assert.Contains(t, out, "lessons/04/mounts.go: PivotRoot is still a TODO")
	assert.Contains(t, out, "lessons/10/runtime.go: Run (Run, Init) is still a TODO")
	assert.GreaterOrEqual(t, strings.Count(out, "is still a TODO\n"), 19, "a line for each of the 18 stages and lesson 10's Run (the cgroup stage's bonus on one more, on a v1 host): %s", out)
	assert.Contains(t, out, "19 of 19 stages are still stubs")
}

// A lesson that does not compile is one line naming the lesson and its
// first error.
func TestRunMineCompileError(t *testing.T) {
	root := repoRoot(t)
	bad := filepath.Join(t.TempDir(), "overlay.go")
	src, err := os.ReadFile(filepath.Join(root, "solutions", "06", "overlay.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, append(src, "\nfunc broken() { undefinedThing() }\n"...), 0o644))
	overlay := solutionsOverlay(t, root, map[string]string{filepath.Join(root, "lessons", "06", "overlay.go"): bad})
	out, code := cli(t, root, t.TempDir(), "run", "--mine", "--overlay", overlay, "--", "/bin/true")
	assert.Equal(t, 125, code, out)
	assert.Contains(t, out, "lesson 06 does not compile: ")
	assert.Contains(t, out, "undefined: undefinedThing")
	assert.Equal(t, 2, len(strings.Split(strings.TrimSpace(out), "\n")), "the stages line and one line of error: %s", out)
}

// With every solution in place, --only-mine runs a container on the
// learner's stages alone, and says so in one line.
func TestRunOnlyMineWithSolutions(t *testing.T) {
	needRoot(t)
	root := repoRoot(t)
	before := mountTable(t)
	overlay := solutionsOverlay(t, root, nil)
	out, code := cli(t, root, t.TempDir(), "run", "--only-mine", "--overlay", overlay, "--pids", "32", "--",
		"/bin/sh", "-c", "echo $(hostname) $$; grep -E '^(CapEff|Seccomp):' /proc/self/status")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "yours: RunProcess Command Chroot CloneFlags")
	assert.Contains(t, out, " ApplyLayer Run · the library's: none\n", "lesson 10's Run among the learner's")
	assert.Contains(t, out, "unboxed 1\n")
	assert.Contains(t, out, "CapEff:\t00000000a80425fb")
	assert.Equal(t, before, mountTable(t), "the host's mount table is as it was")
}

// Once lesson 10 is written, run goes through the learner's Run, which
// takes the flags its Config has and refuses any other by name.
func TestRunMineThroughYourRun(t *testing.T) {
	root := repoRoot(t)
	overlay := solutionsOverlay(t, root, nil)
	out, code := cli(t, root, t.TempDir(), "run", "--mine", "--overlay", overlay, "--net", "bridge", "--", "/bin/true")
	assert.Equal(t, 125, code, out)
	assert.Contains(t, out, "-net; your runtime (lesson 10's Run) takes --rootfs, --hostname, --memory, --pids and --cpus")
}

func TestCutMineFlags(t *testing.T) {
	f, rest, err := cutMineFlags([]string{"--mine", "--memory", "64M", "--overlay", "o.json", "--", "--mine"})
	require.NoError(t, err)
	assert.Equal(t, mineFlags{mine: true, overlay: "o.json"}, f)
	assert.Equal(t, []string{"--memory", "64M", "--", "--mine"}, rest)
	f, _, err = cutMineFlags([]string{"--only-mine", "sh"})
	require.NoError(t, err)
	assert.True(t, f.mine && f.onlyMine)
	_, _, err = cutMineFlags([]string{"--overlay=o.json", "sh"})
	assert.ErrorContains(t, err, "--overlay goes with --mine")
}
