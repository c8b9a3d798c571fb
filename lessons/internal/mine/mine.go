// Package mine is the learner's runtime: the stages of container.Stages
// that the learner has written in lessons 01 to 09, ready to replace the
// library's, so that a real container runs on their code where it exists
// and on the library's everywhere else.
//
// Written decides which stages are written by reading the lessons'
// source (a stage is a stub while a panic("TODO(lesson ...") remains in
// it); Stages fills a container.Stages with the written ones. The program
// in mine/unboxed is the runtime built from them, which
// go run ./lessons run --mine builds and runs. The workshop CLI itself
// never imports this package: a lesson that does not compile must not
// break it.
package mine

import (
	"os"

	"github.com/unboxed-go/unboxed/container/cgroups"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// OverlayEnv names a go build -overlay file that Written reads the
// lessons through, as the build that it judges saw them: CI builds lesson
// 10's tests with every solution overlaid and sets it to the same file.
const OverlayEnv = "UNBOXED_OVERLAY"

// Written reads the exercise files under root (the workshop's checkout)
// and returns the names of the stages (container.Stages' fields) the
// learner has written and of those that are still stubs, which run the
// library's code. On a host whose cgroup controllers are v1, the cgroup
// stage counts as written once lesson 05's bonus is written too.
func Written(root string) (yours, library []string, err error) {
	var overlay map[string]string
	if file := os.Getenv(OverlayEnv); file != "" {
		if overlay, err = workshop.ReadOverlay(file); err != nil {
			return nil, nil, err
		}
	}
	stages, err := workshop.Stages(root, overlay, HostIsV1())
	if err != nil {
		return nil, nil, err
	}
	for _, s := range stages {
		if s.Written() {
			yours = append(yours, s.Name)
		} else {
			library = append(library, s.Name)
		}
	}
	return yours, library, nil
}

// HostIsV1 says whether the memory, pids and cpu controllers this
// process's containers would use are cgroup v1 (a v1 or hybrid host).
func HostIsV1() bool {
	version, _, err := cgroups.Roots()
	return err == nil && version == "v1"
}
