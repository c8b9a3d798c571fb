package main

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRenderNotes renders every lesson's notes once per iteration, on
// a terminal and piped, at 80 columns: what `notes N` costs beyond the
// process's start.
func BenchmarkRenderNotes(b *testing.B) {
	files, _ := filepath.Glob("../../[0-9][0-9]/notes.md")
	var notes []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		notes = append(notes, string(data))
	}
	for _, tty := range []bool{true, false} {
		name := "piped"
		if tty {
			name = "terminal"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for _, md := range notes {
					render(md, terminal{tty: tty, width: 80})
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(notes))/1000, "ms/lesson")
		})
	}
}
