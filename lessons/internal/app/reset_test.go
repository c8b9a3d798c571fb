package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// miniCheckout makes a tiny copy of the workshop: go.mod and one lesson.
func miniCheckout(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module github.com/unboxed-go/unboxed\n\ngo 1.24\n")
	writeFile(t, filepath.Join(dir, "lessons/01/process.go"), "package process // TODO(lesson 1)\n")
	writeFile(t, filepath.Join(dir, "solutions/01/process.go"), "package process\n")
	return dir
}

func TestResetRestoresAndBacksUp(t *testing.T) {
	dir := miniCheckout(t)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"}} {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	exercise := filepath.Join(dir, "lessons/01/process.go")
	writeFile(t, exercise, "package process // my attempt\n")

	out, code := cli(t, dir, t.TempDir(), "reset", "1")
	require.Equal(t, 0, code, out)
	data, err := os.ReadFile(exercise)
	require.NoError(t, err)
	assert.Equal(t, "package process // TODO(lesson 1)\n", string(data))
	backups, _ := filepath.Glob(filepath.Join(dir, ".unboxed/backup/01-*/process.go"))
	require.Len(t, backups, 1, out)
	mine, _ := os.ReadFile(backups[0])
	assert.Equal(t, "package process // my attempt\n", string(mine))

	out, code = cli(t, dir, t.TempDir(), "reset", "1")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "already as it was")
}

func TestResetRefusesWithoutGit(t *testing.T) {
	dir := miniCheckout(t)
	out, code := cli(t, dir, t.TempDir(), "reset", "1")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "is not a git checkout")
	data, _ := os.ReadFile(filepath.Join(dir, "lessons/01/process.go"))
	assert.Equal(t, "package process // TODO(lesson 1)\n", string(data), "nothing touched")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}
