package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// The workshop's binary does not link the Markdown renderer: its package
// initialisation would slow every verb and both processes of every
// container that run starts.
func TestWorkshopDoesNotLinkTheRenderer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", workshop.Module+"/lessons").CombinedOutput()
	require.NoError(t, err, string(out))
	for _, pkg := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(pkg, "github.com/charmbracelet/glamour") || strings.HasPrefix(pkg, "github.com/alecthomas/chroma") || strings.HasPrefix(pkg, "github.com/yuin/goldmark"),
			"go run ./lessons links %s; only %s may", pkg, rendererPackage)
	}
	assert.Contains(t, string(out), workshop.Module+"/lessons/internal/app", "go list saw the CLI")
}

// The renderer's build is named after what it is built from, and only that.
func TestRendererKey(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module x\n")
	writeFile(t, filepath.Join(root, "go.sum"), "glamour v1.0.0 h1:a\n")
	source := filepath.Join(root, rendererPackage, "main.go")
	writeFile(t, source, "package main\n")
	key := func() string {
		t.Helper()
		k, err := rendererKey(root, "go1.24")
		require.NoError(t, err)
		return k
	}
	first := key()
	assert.Len(t, first, 16)
	assert.Equal(t, first, key(), "the same files give the same key")

	writeFile(t, filepath.Join(root, rendererPackage, "main_test.go"), "package main\n")
	writeFile(t, filepath.Join(root, "lessons/01/notes.md"), "# Lesson 01\n")
	assert.Equal(t, first, key(), "tests and other files do not change the renderer")

	other, err := rendererKey(root, "go1.25")
	require.NoError(t, err)
	assert.NotEqual(t, first, other, "another Go version builds another renderer")
	for _, file := range []string{source, filepath.Join(root, "go.sum"), filepath.Join(root, "go.mod")} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		writeFile(t, file, string(data)+"// changed\n")
		assert.NotEqual(t, first, key(), "a change to %s builds the renderer again", filepath.Base(file))
		writeFile(t, file, string(data))
		assert.Equal(t, first, key())
	}

	require.NoError(t, os.Remove(source))
	_, err = rendererKey(root, "go1.24")
	assert.ErrorContains(t, err, "no renderer sources")
}

// The first verb that renders builds the renderer into the cache
// directory; the next one reuses it.
func TestRendererIsBuiltOnceThenReused(t *testing.T) {
	root := repoRoot(t)
	// A cache directory of its own, but go's build cache as it is (by
	// default it too is under the cache directory): a cold one would
	// compile glamour for a minute.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	require.NoError(t, err)
	t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	out, code := cli(t, root, t.TempDir(), "notes", "1", "exit-codes")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "## Exit codes")
	assert.NotContains(t, out, "unstyled", "the renderer was built and ran")
	built, err := filepath.Glob(filepath.Join(cache, "unboxed", "bin", "render-*"))
	require.NoError(t, err)
	require.Len(t, built, 1, "one renderer, no temporary file left")
	before, err := os.Stat(built[0])
	require.NoError(t, err)

	again, code := cli(t, root, t.TempDir(), "notes", "1", "exit-codes")
	require.Equal(t, 0, code, again)
	assert.Equal(t, out, again)
	after, err := os.Stat(built[0])
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after) && before.ModTime().Equal(after.ModTime()), "the renderer is reused, not rebuilt")
}
