//go:build !linux

package lessontest

import (
	"errors"
	"runtime"
)

var errNotLinux = errors.New("the lessons need Linux (GOOS=" + runtime.GOOS + "): use the Vagrant VM (vagrant up && vagrant ssh)")

func rerunRootless() (int, error) { return 0, errNotLinux }

func runChild(string, uintptr, ...string) (Report, error) { return nil, errNotLinux }
