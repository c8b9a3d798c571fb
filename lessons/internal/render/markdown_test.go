package main

import (
	"strings"
	"testing"
)

func plain(md string, cols int) []string {
	return strings.Split(strings.TrimRight(renderMarkdown(md, cols, true), "\n"), "\n")
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

// Fenced code is printed as written, however wide, and indented.
func TestFencedCodeIsNeverWrapped(t *testing.T) {
	code := "mount -t overlay overlay -o lowerdir=/a:/b,upperdir=/c/upper,workdir=/c/work /m # comment"
	lines := plain("Run:\n\n```sh\n"+code+"\n```\n", 40)
	if lines[len(lines)-1] != codeIndent+code {
		t.Errorf("want the code line as written, got %q", lines)
	}
}

// Table columns line up on their widest cell, and wrap when the table is
// wider than the text.
func TestTablesAlign(t *testing.T) {
	md := "| who | what |\n| --- | ---: |\n| student | `go run ./lessons` |\n| instructor | 1 |\n"
	want := []string{
		"who        │               what",
		"───────────┼───────────────────",
		"student    │ `go run ./lessons`",
		"instructor │                  1",
	}
	if got := plain(md, 80); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("want\n%s\ngot\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	narrow := plain("| a | b |\n| - | - |\n| "+strings.Repeat("long ", 12)+"| x |\n", 30)
	for _, line := range narrow {
		if width(line) > 30 {
			t.Errorf("want a table within 30 columns, got %q", narrow)
		}
	}
}
