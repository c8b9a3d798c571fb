package main

import (
	"strings"
	"testing"
)

// plain renders md as when piped, cols columns wide, and returns its lines.
func plain(md string, cols int) []string {
	out := render(md, terminal{width: cols})
	return strings.Split(strings.TrimRight(out, "\n"), "\n")
}

// A list item's continuation lines start under its text, not its bullet.
func TestListsHaveAHangingIndent(t *testing.T) {
	lines := plain("- "+strings.Repeat("word ", 20)+"\n- short\n\n1. "+strings.Repeat("more ", 20)+"\n", 40)
	want := []string{
		"• word word word word word word word",
		"  word word word word word word word",
		"  word word word word word word",
		"• short",
		"",
		"1. more more more more more more more",
		"   more more more more more more more",
		"   more more more more more more",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("want\n%s\ngot\n%s", strings.Join(want, "\n"), strings.Join(lines, "\n"))
	}
}

// Bold shows no asterisks when piped; code keeps its backticks, and a
// span is never cut, even at a hyphen or a space.
func TestPlainInlineStyles(t *testing.T) {
	lines := plain("A **bold** claim about `/lib/x86_64-linux-gnu` and `go run ./lessons notes 1 exit-codes` here.", 30)
	got := strings.Join(lines, "\n")
	if strings.Contains(got, "*") {
		t.Errorf("want no asterisks, got\n%s", got)
	}
	for _, span := range []string{"`/lib/x86_64-linux-gnu`", "`go run ./lessons notes 1 exit-codes`"} {
		if !containsLine(lines, span) {
			t.Errorf("want %s on one line, got\n%s", span, got)
		}
	}
}

// A paragraph does not end on a line of one word when the line above can
// give it one.
func TestNoOrphanLastWord(t *testing.T) {
	lines := plain("aaaa bbbb cccc dddd eeee ffff", 24)
	if last := lines[len(lines)-1]; !strings.Contains(last, " ") {
		t.Errorf("want no one-word last line, got %q", lines)
	}
}

// Hyphenated words leave no word alone in the middle of a paragraph that
// the next word could have joined: glamour's first wrapper breaks after a
// '-' without counting it, so its line came out one column too wide and
// the second wrapper moved that line's last word onto a line of its own
// ("ever-" / "changing long-term plan goes" / "on" / "and on." at 30
// columns).
func TestHyphensLeaveNoOneWordLines(t *testing.T) {
	md := "A well-known re-run of the so-called run-time check in a built-in self-test of the ever-changing long-term plan goes on and on."
	for cols := 20; cols <= 40; cols++ {
		lines := plain(md, cols)
		for i, line := range lines {
			alone := !strings.Contains(line, " ") && i+1 < len(lines) &&
				width(line)+1+width(strings.Fields(lines[i+1])[0]) <= cols
			if width(line) > cols || alone {
				t.Errorf("at %d columns: want no word alone on a line that the next could join, and nothing wider, got\n%s", cols, strings.Join(lines, "\n"))
				break
			}
		}
	}
}

// Fenced code is printed as written, however wide, and indented.
func TestFencedCodeIsNeverWrapped(t *testing.T) {
	code := "mount -t overlay overlay -o lowerdir=/a:/b,upperdir=/c/upper,workdir=/c/work /m # comment"
	lines := plain("Run:\n\n```sh\n"+code+"\n```\n", 40)
	if lines[len(lines)-1] != codeIndent+code {
		t.Errorf("want the code line as written, got %q", lines)
	}
}

// Code in a list item is indented under the item's text, and an item may
// start with it.
func TestCodeInAListItem(t *testing.T) {
	got := plain("1. ```sh\n   echo one\n   ```\n2. Run:\n\n   ```sh\n   echo two\n   ```\n", 40)
	want := []string{"1.     echo one", "", "2. Run:", "", "       echo two"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("want\n%s\ngot\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

// Table columns line up (glamour's tables, which lipgloss spreads over the
// width): every row puts its column separator in the same column, a
// right-aligned column ends its cells in the same column, inline code in a
// cell keeps its backticks, and a table wider than the text wraps its cells
// to fit.
func TestTablesAlign(t *testing.T) {
	md := "| who | what |\n| --- | ---: |\n| student | `go run ./lessons` |\n| instructor | 1 |\n"
	lines := plain(md, 80)
	if len(lines) != 4 {
		t.Fatalf("want a header, a rule and two rows, got %q", lines)
	}
	sep, end := -1, -1
	for i, line := range lines {
		if width(line) > 80 {
			t.Errorf("want a table within 80 columns, got %q", line)
		}
		at := strings.IndexByte(line, '|')
		if at < 0 {
			t.Fatalf("want a column separator on every line, got %q", lines)
		}
		if sep >= 0 && width(line[:at]) != sep {
			t.Errorf("want the separators in one column, got\n%s", strings.Join(lines, "\n"))
		}
		sep = width(line[:at])
		if i == 1 {
			continue // the rule under the header runs to the margin
		}
		if e := width(strings.TrimRight(line, " ")); end >= 0 && e != end {
			t.Errorf("want the right-aligned column to end in one column, got\n%s", strings.Join(lines, "\n"))
		} else {
			end = e
		}
	}
	if !containsLine(lines, "`go run ./lessons`") || !containsLine(lines, "instructor") {
		t.Errorf("want the cells' text, code in backticks, got\n%s", strings.Join(lines, "\n"))
	}
	narrow := plain("| a | b |\n| - | - |\n| "+strings.Repeat("long ", 12)+"| x |\n", 30)
	words := 0
	for _, line := range narrow {
		if width(line) > 30 {
			t.Errorf("want a table within 30 columns, got %q", narrow)
		}
		words += strings.Count(line, "long")
	}
	if words != 12 {
		t.Errorf("want the long cell wrapped, all 12 words of it, got %q", narrow)
	}
}
