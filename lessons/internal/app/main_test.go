package app

import (
	"os"
	"testing"

	"github.com/unboxed-go/unboxed/container"
)

func TestMain(m *testing.M) {
	container.Init()
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
