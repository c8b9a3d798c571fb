package main

import (
	"strings"
	"testing"
)

// Piped text is plain, wrapped to the width, and carries no padding.
func TestRenderPlainWhenNotATerminal(t *testing.T) {
	md := "# Title\n\n" + strings.Repeat("word ", 60) + "\n\n```sh\necho hi\n```\n"
	out := render(md, terminal{width: 60})
	if strings.Contains(out, "\x1b[") {
		t.Errorf("want no terminal escapes when not a terminal, got %q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > 60 {
			t.Errorf("want lines of at most 60 columns, got %d: %q", len([]rune(line)), line)
		}
		if strings.TrimRight(line, " ") != line {
			t.Errorf("want no padding when piped, got %q", line)
		}
	}
	for _, want := range []string{"# Title", "echo hi", "word word"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in the rendered text, got %q", want, out)
		}
	}
}
