package lessontest

import (
	"regexp"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/unboxed-go/unboxed/lessons/internal/yourstep"
)

// When a container cannot be set up, the runtime's error carries the
// failing step's own error. The learner's steps are wrapped so that it
// says which of them failed ("your PivotRoot: ..."), and the test then
// points at the notes section of that step rather than at its own: a
// PivotRoot that returns EBUSY fails TestDevNullAndZeroWork too, and
// the answer is under "pivot_root", not "/dev".

// wrapStages returns s with every error-returning step of the learner's
// wrapped: its error and its panic name the step.
func wrapStages(s container.Stages) container.Stages {
	if f := s.Chroot; f != nil {
		s.Chroot = func(dir string) error { return yourstep.Step("Chroot", func() error { return f(dir) }) }
	}
	if f := s.SetHostname; f != nil {
		s.SetHostname = func(name string) error { return yourstep.Step("SetHostname", func() error { return f(name) }) }
	}
	if f := s.MountProc; f != nil {
		s.MountProc = func() error { return yourstep.Step("MountProc", f) }
	}
	if f := s.Supervise; f != nil {
		s.Supervise = yourstep.Supervisor(f)
	}
	if f := s.MakePrivate; f != nil {
		s.MakePrivate = func() error { return yourstep.Step("MakePrivate", f) }
	}
	if f := s.PivotRoot; f != nil {
		s.PivotRoot = func(dir string) error { return yourstep.Step("PivotRoot", func() error { return f(dir) }) }
	}
	if f := s.MountStandard; f != nil {
		s.MountStandard = func() error { return yourstep.Step("MountStandard", f) }
	}
	if f := s.MountOverlay; f != nil {
		s.MountOverlay = func(lowers []string, upper, work, target string) error {
			return yourstep.Step("MountOverlay", func() error { return f(lowers, upper, work, target) })
		}
	}
	return s
}

// yourStep finds the step an error names: "your PivotRoot: ...", lesson
// 05's "your SetMemory: ...", or the runtime's "the MountOverlay stage
// left no overlay filesystem there".
var yourStep = regexp.MustCompile(`(?:your|the) ([A-Z][A-Za-z0-9]+)(?:\b| stage)`)

// loaderMissing is how the runtime reports an execve(2) that failed with
// ENOENT: in lesson 02 that is the missing loader far more often than a
// missing program.
var loaderMissing = regexp.MustCompile(`exec \S+: no such file or directory`)

// stepSections maps each step to the notes section that explains it, per
// lesson. MountStandard is looked up by the path its error names. Lesson
// 01's steps return no error to wrap, and lesson 03's CloneFlags runs in
// the test process, where a panic fails the test that called it.
var stepSections = map[int]map[string]string{
	2: {"Chroot": "chroot"},
	3: {"SetHostname": "uts-the-hostname", "MountProc": "a-fresh-proc"},
	4: {"MakePrivate": "mount-propagation", "PivotRoot": "pivot-root", "MountStandard": "what-a-container-expects-to-find"},
	5: {"Create": "cgroup-v2", "SetMemory": "cgroup-v2", "SetPids": "cgroup-v2", "SetCPU": "cgroup-v2",
		"Add": "joining-before-exec", "Destroy": "cleaning-up", "CreateV1": cgroupV1Section},
	6: {"MountOverlay": "the-stack"},
	// Lesson 10 runs every stage: each points at the side it runs on.
	10: {"Command": runtimeSide, "CloneFlags": runtimeSide, "NewCgroup": runtimeSide, "Create": runtimeSide,
		"CreateV1": runtimeSide, "Add": runtimeSide, "Destroy": runtimeSide, "SetupVeth": runtimeSide,
		"ConfigureNetwork": initSide, "MakePrivate": initSide, "SetHostname": initSide, "MountOverlay": initSide,
		"PivotRoot": initSide, "MountStandard": initSide, "MountProc": initSide,
		"SetNoNewPrivs": walls, "DropCapabilities": walls, "LoadSeccomp": walls},
}

// Lesson 10's sections for the two sides and the security stage.
const (
	runtimeSide = "the-runtime-side"
	initSide    = "the-init-side"
	walls       = "the-walls-go-up-last"
)

// cgroupV1Section is lesson 05's aside on cgroup v1, the bonus.
const cgroupV1Section = "aside-optional-cgroup-v1-the-bonus"

// sectionFor returns the notes section of the step that msg says failed,
// or "" when msg names none of this lesson's steps.
func sectionFor(lesson int, msg string) string {
	if lesson == 2 && loaderMissing.MatchString(msg) {
		// The rootfs lacks the program's loader: execve(2) says ENOENT
		// about a program that is there (lesson 02's loader section).
		return "shared-libraries-and-the-loader"
	}
	m := yourStep.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	section := stepSections[lesson][m[1]]
	switch {
	case m[1] == "MountStandard" && lesson == 4:
		section = mountStandardSection(msg, section)
	case lesson == 5 && section == "cgroup-v2":
		// Where the controllers are v1, the real kernel's limits run on
		// the bonus's CgroupV1, whose methods have the same names.
		if version, _, err := cgroups.Roots(); err == nil && version == "v1" {
			section = cgroupV1Section
		}
	}
	return section
}

// mountStandardSection picks lesson 04's section by the path in msg.
func mountStandardSection(msg, otherwise string) string {
	for _, masked := range []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
		"/proc/acpi", "/proc/scsi", "/sys/firmware", "/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq"} {
		if strings.Contains(msg, masked) {
			return "masking"
		}
	}
	switch {
	case strings.Contains(msg, "/dev"):
		return "dev"
	case strings.Contains(msg, "/sys"):
		return "sys-read-only"
	}
	return otherwise
}
