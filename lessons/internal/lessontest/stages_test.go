package lessontest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// Every section a step points at exists in its lesson's notes.
func TestStepSectionsExist(t *testing.T) {
	root, err := workshop.FindRoot(".")
	require.NoError(t, err)
	for lesson, steps := range stepSections {
		data, err := os.ReadFile(filepath.Join(root, workshop.Dir(lesson), "notes.md"))
		require.NoError(t, err)
		notes := workshop.ParseNotes(string(data))
		for step, slug := range steps {
			_, ok := notes.Section(slug)
			assert.True(t, ok, "lesson %d: the section %q of step %s", lesson, slug, step)
		}
		for _, slug := range []string{"masking", "dev", "sys-read-only", cgroupV1Section} {
			if lesson == 4 && slug != cgroupV1Section || lesson == 5 && slug == cgroupV1Section {
				_, ok := notes.Section(slug)
				assert.True(t, ok, "lesson %d: the section %q", lesson, slug)
			}
		}
	}
}

// A failing or panicking step names itself, and the error leads to its
// section whichever test ran into it.
func TestFailedStepPointsAtItsSection(t *testing.T) {
	s := wrapStages(container.Stages{
		PivotRoot:     func(string) error { return errors.New("pivot_root /x: device or resource busy") },
		MountStandard: func() error { panic("TODO(lesson 4): write MountStandard") },
		MakePrivate:   func() error { return nil },
	})
	err := s.PivotRoot("/x")
	assert.EqualError(t, err, "your PivotRoot: pivot_root /x: device or resource busy")
	assert.Equal(t, "pivot-root", sectionFor(4, "set up container: "+err.Error()))
	err = s.MountStandard()
	assert.EqualError(t, err, "your MountStandard panicked: TODO(lesson 4): write MountStandard")
	assert.Equal(t, "what-a-container-expects-to-find", sectionFor(4, err.Error()))
	assert.NoError(t, s.MakePrivate())
	assert.Nil(t, s.Chroot, "a step the lesson does not override stays the library's")

	for msg, want := range map[string]string{
		"your MountStandard: mknod /dev/null: operation not permitted":   "dev",
		"your MountStandard: mount sysfs /sys: permission denied":        "sys-read-only",
		"your MountStandard: remount /proc/sys: operation not permitted": "masking",
		"your MountStandard: bind /dev/null on /sys/firmware: denied":    "masking",
		"set up container: mount proc on /proc: busy":                    "",
	} {
		assert.Equal(t, want, sectionFor(4, msg), msg)
	}
	assert.Equal(t, "", sectionFor(6, "your PivotRoot: x"), "a step of another lesson")
	assert.Equal(t, "the-stack", sectionFor(6, "mount overlay /m: the MountOverlay stage left no overlay filesystem there"))
	assert.Equal(t, "", sectionFor(6, "your code panicked: x"))
	assert.Equal(t, "shared-libraries-and-the-loader", sectionFor(2, "exec /bin/sh: no such file or directory"))
}

// A panicking Supervise, which runs in the init after the command
// started, says so on the container's stderr and ends the init with 125.
func TestPanickingSuperviseSaysSo(t *testing.T) {
	s := wrapStages(container.Stages{Supervise: func(int, <-chan os.Signal, bool) int {
		panic("TODO(lesson 3): write Supervise")
	}})
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = w
	code := s.Supervise(1, nil, false)
	os.Stderr = stderr
	w.Close()
	said, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, container.ExitRuntimeError, code)
	assert.Equal(t, "your Supervise panicked: TODO(lesson 3): write Supervise\n", string(said))
	ok := wrapStages(container.Stages{Supervise: func(int, <-chan os.Signal, bool) int { return 7 }})
	assert.Equal(t, 7, ok.Supervise(1, nil, false), "a Supervise that returns keeps its status")
}

// The marker of a test this machine cannot run is the one verify knows.
func TestNotOnThisHostIsWhatVerifyKnows(t *testing.T) {
	assert.Equal(t, workshop.NotOnThisHost, notOnThisHost)
}
