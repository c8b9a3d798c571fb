package workshop

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// maxCodeWidth is the widest a line of a fenced code block may be in the
// notes and hints: at 80 columns, with the renderer's margin, it shows
// without wrapping, so a command a learner copies is the command written
// (a wrapped comment's last word would otherwise run as a command).
const maxCodeWidth = 76

// The shape of every lesson's notes: code that never wraps, and 800 to
// 2,000 words of prose, code blocks and optional asides not counted.
func TestNotesShape(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	lessons, err := LessonNumbers(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range lessons {
		for _, file := range []string{"notes.md", "hint.md"} {
			path := filepath.Join(root, Dir(n), file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			words, wide := shape(string(data))
			for _, w := range wide {
				t.Errorf("%s/%s: %s", Dir(n), file, w)
			}
			if file == "notes.md" && (words < 800 || words > 2000) {
				t.Errorf("%s/notes.md: want 800 to 2,000 words of prose (code blocks and asides not counted), got %d", Dir(n), words)
			}
		}
	}
}

// shape counts the words of prose in md outside code blocks and outside
// "## Aside" sections, and lists the code lines wider than maxCodeWidth.
func shape(md string) (words int, wide []string) {
	fenced, aside := false, false
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			if w := utf8.RuneCountInString(line); w > maxCodeWidth {
				wide = append(wide, fmt.Sprintf("line %d of a code block is %d columns wide, want at most %d: %q", i+1, w, maxCodeWidth, line))
			}
			continue
		}
		if strings.HasPrefix(line, "## ") {
			aside = strings.HasPrefix(line, "## Aside")
		}
		if !aside {
			words += len(strings.Fields(line))
		}
	}
	return words, wide
}

func TestShape(t *testing.T) {
	md := "# T\n\none two\n\n```sh\n" + strings.Repeat("x", 77) + "\n```\n\n## Aside (optional): deep\n\nnot counted here\n\n## Back\n\nthree\n"
	words, wide := shape(md)
	if words != 7 || len(wide) != 1 {
		t.Errorf("want 7 words (# T one two ## Back three) and 1 wide line, got %d and %q", words, wide)
	}
}
