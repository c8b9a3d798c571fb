package container

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestELFDepsOfLs(t *testing.T) {
	ls, err := exec.LookPath("ls")
	require.NoError(t, err)
	deps, err := ELFDeps(ls)
	require.NoError(t, err)
	t.Logf("ELFDeps(%s) = %v", ls, deps)
	require.NotEmpty(t, deps, "ls is dynamically linked on this host, want its loader and libraries")

	assert.Contains(t, filepath.Base(deps[0]), "ld-", "want the loader (PT_INTERP) first, got %v", deps)
	var libc bool
	for _, d := range deps {
		assert.True(t, filepath.IsAbs(d), "want absolute paths, got %q", d)
		_, err := os.Stat(d)
		assert.NoError(t, err, "ELFDeps returned %s, which does not exist", d)
		libc = libc || strings.HasPrefix(filepath.Base(d), "libc.so")
	}
	assert.True(t, libc, "want libc among the deps of %s, got %v", ls, deps)
	assert.Len(t, deps, len(distinct(deps)), "want each dependency once, got %v", deps)
}

func TestELFDepsOfStaticBusybox(t *testing.T) {
	busybox, err := staticBusybox()
	if err != nil {
		t.Skipf("%v: sudo apt install busybox-static", err)
	}
	deps, err := ELFDeps(busybox)
	require.NoError(t, err)
	assert.Empty(t, deps, "a static program needs no loader and no libraries")
}

func TestELFDepsOfNonELF(t *testing.T) {
	script := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755))
	_, err := ELFDeps(script)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, script, e.Path)
}

// TestELFDepsSearchPaths builds a program and a library of its own with the
// host's C compiler, the library beside the program's directory, found
// through $ORIGIN in DT_RUNPATH or DT_RPATH.
func TestELFDepsSearchPaths(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("needs a C compiler to build test programs: sudo apt install gcc")
	}
	for _, tc := range []struct {
		name, tags string
	}{
		{"DT_RUNPATH with $ORIGIN", "-Wl,--enable-new-dtags"},
		{"DT_RPATH with $ORIGIN", "-Wl,--disable-new-dtags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(dir, "lib"), 0o755))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "bin"), 0o755))
			lib := filepath.Join(dir, "lib", "libunboxedtest.so")
			prog := filepath.Join(dir, "bin", "prog")
			writeSource(t, dir, "lib.c", "int unboxed_answer(void) { return 42; }\n")
			writeSource(t, dir, "main.c", "int unboxed_answer(void);\nint main(void) { return unboxed_answer() - 42; }\n")
			runHostCommand(t, cc, "-shared", "-fPIC", "-o", lib, filepath.Join(dir, "lib.c"))
			runHostCommand(t, cc, "-o", prog, filepath.Join(dir, "main.c"), "-L"+filepath.Join(dir, "lib"), "-lunboxedtest",
				"-Wl,-rpath,$ORIGIN/../lib", tc.tags)
			runHostCommand(t, prog) // the loader finds it too

			deps, err := ELFDeps(prog)
			require.NoError(t, err)
			assert.Contains(t, deps, lib)

			require.NoError(t, os.Remove(lib))
			_, err = ELFDeps(prog)
			require.Error(t, err, "the library is gone")
			assert.Contains(t, err.Error(), "libunboxedtest.so", "want the error to name the missing library")
			assert.Contains(t, err.Error(), prog, "want the error to name the program")
		})
	}
}

func TestLdSoConfIncludes(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"etc/ld.so.conf":             "# a comment\n/opt/a\ninclude /etc/ld.so.conf.d/*.conf\n  /opt/z/   # trailing\n",
		"etc/ld.so.conf.d/10-b.conf": "/opt/b\nhwcap 0 nosegneg\n/opt/a\n",
		"etc/ld.so.conf.d/20-c.conf": "include ../more/*.conf\n/opt/c=libc6\n",
		"etc/ld.so.conf.d/README":    "/not/included\n",
		"etc/more/x.conf":            "/opt/d\n",
	}
	for name, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(content), 0o644))
	}
	dirs, err := ldSoConfDirs(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"/opt/a", "/opt/b", "/opt/d", "/opt/c", "/opt/z"}, dirs,
		"want the dirs in file order, includes in sorted order where they stand, relative includes relative to the includer, repeats dropped")

	t.Run("missing ld.so.conf", func(t *testing.T) {
		dirs, err := ldSoConfDirs(t.TempDir())
		require.NoError(t, err)
		assert.Empty(t, dirs)
	})
	t.Run("include loop", func(t *testing.T) {
		root := t.TempDir()
		require.NoError(t, os.Mkdir(filepath.Join(root, "etc"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, "etc/ld.so.conf"), []byte("include ld.so.conf\n"), 0o644))
		_, err := ldSoConfDirs(root)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "include loop")
	})
	t.Run("this host", func(t *testing.T) {
		_, err := ldSoConfDirs("/")
		require.NoError(t, err)
	})
}

func writeSource(t *testing.T, dir, name, src string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
}

// runHostCommand runs a host program and fails the test with its output
// when it fails.
func runHostCommand(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	return string(out)
}

func distinct(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
