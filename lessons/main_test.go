package main

import (
	"os"
	"testing"

	"github.com/unboxed-go/unboxed/container"
)

func TestMain(m *testing.M) {
	container.Init()
	os.Exit(m.Run())
}
