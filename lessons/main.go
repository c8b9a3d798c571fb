// Command lessons is the unboxed workshop: the lesson map, the notes, the
// checks, and the container runtime built from the lessons.
//
//	go run ./lessons               the lesson map: progress and what next
//	go run ./lessons notes [N [S]] the notes, rendered
//	go run ./lessons check N       the tests of lesson N, explained
//	go run ./lessons help          every verb
//
// The CLI itself is lessons/internal/app. This file embeds the notes (an
// embed directive cannot reach files above its package's directory) and
// makes the binary a container's init when the runtime re-executes it.
package main

import (
	"embed"
	"os"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/lessons/internal/app"
)

// lessonFiles holds every lesson's notes and hint, so that notes and hint
// work from a built binary anywhere.
//
//go:embed */notes.md */hint.md
var lessonFiles embed.FS

func main() {
	container.Init()
	os.Exit(app.Main(lessonFiles, os.Args[1:]))
}
