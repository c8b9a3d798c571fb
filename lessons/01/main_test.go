//go:build linux

package process_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/01"
	"github.com/unboxed-go/unboxed/lessons/internal/lessontest"
)

// helloChild is the child the re-exec test starts through ChildCommand.
const helloChild = "lesson01-hello"

func TestMain(m *testing.M) {
	container.Register(helloChild, func() {
		fmt.Printf("hello from the child: %s\n", strings.Join(os.Args[1:], " "))
	})
	lessontest.Main(m, 1, container.Stages{RunProcess: process.Run, Command: process.ChildCommand})
}
