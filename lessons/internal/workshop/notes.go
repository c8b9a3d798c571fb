// Package workshop knows how the workshop is laid out: the lessons, their
// notes and sections, which notes section each test belongs to, and how to
// run a lesson's tests and read their results. The CLI is built on it; the
// lesson tests never import it.
package workshop

import (
	"strings"
	"unicode"
)

// Notes is one lesson's notes.md, split at its "## " headings.
type Notes struct {
	Title    string    // the "# " heading
	Intro    string    // the text before the first section, title included
	Sections []Section // in the order they appear
}

// Section is one "## " heading of the notes and the text under it.
type Section struct {
	Heading string
	Slug    string // the heading in lower case, words joined by "-"
	Text    string // the whole section, its heading line included
}

// ParseNotes splits Markdown notes into their title and sections. Headings
// inside fenced code blocks do not count.
func ParseNotes(md string) Notes {
	var n Notes
	var cur *Section
	var intro strings.Builder
	fenced := false
	for _, line := range strings.SplitAfter(md, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fenced = !fenced
		}
		switch {
		case !fenced && strings.HasPrefix(trimmed, "# ") && n.Title == "":
			n.Title = strings.TrimSpace(trimmed[2:])
		case !fenced && strings.HasPrefix(trimmed, "## "):
			heading := strings.TrimSpace(trimmed[3:])
			n.Sections = append(n.Sections, Section{Heading: heading, Slug: Slug(heading)})
			cur = &n.Sections[len(n.Sections)-1]
		}
		if cur != nil {
			cur.Text += line
		} else {
			intro.WriteString(line)
		}
	}
	n.Intro = intro.String()
	return n
}

// Slug turns a heading into the name a learner types: lower case letters
// and digits, other runs of characters as one "-". "Exit codes" is
// "exit-codes".
func Slug(heading string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(heading) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// Section finds a section by its slug, or by an unambiguous prefix of it.
func (n Notes) Section(slug string) (Section, bool) {
	slug = Slug(slug)
	var found []Section
	for _, s := range n.Sections {
		if s.Slug == slug {
			return s, true
		}
		if slug != "" && strings.HasPrefix(s.Slug, slug) {
			found = append(found, s)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return Section{}, false
}

// Slugs lists the section slugs in order.
func (n Notes) Slugs() []string {
	var slugs []string
	for _, s := range n.Sections {
		slugs = append(slugs, s.Slug)
	}
	return slugs
}
