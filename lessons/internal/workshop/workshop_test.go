package workshop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Exit codes":                      "exit-codes",
		"Machines, containers and  venvs": "machines-containers-and-venvs",
		"pivot_root(2) & friends!":        "pivot-root-2-friends",
		"  What the tests check ":         "what-the-tests-check",
	} {
		assert.Equal(t, want, Slug(heading), heading)
	}
}

func TestParseNotes(t *testing.T) {
	n := ParseNotes("# Lesson 09: Images\nintro\n## First part\none\n```sh\n## not a heading\n```\n## Second\ntwo\n")
	assert.Equal(t, "Lesson 09: Images", n.Title)
	assert.Equal(t, "# Lesson 09: Images\nintro\n", n.Intro)
	require.Equal(t, []string{"first-part", "second"}, n.Slugs())
	assert.Equal(t, "## First part\none\n```sh\n## not a heading\n```\n", n.Sections[0].Text)

	s, ok := n.Section("sec")
	assert.True(t, ok, "a unique prefix finds the section")
	assert.Equal(t, "Second", s.Heading)
	_, ok = n.Section("")
	assert.False(t, ok)
	_, ok = n.Section("third")
	assert.False(t, ok)
}

func TestTestSections(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a_test.go"), []byte(`package a
func TestMain(m *testing.M) {}
func TestTable(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := lessontest.New(t, "exit-codes")
			defer l.Recover()
		})
	}
}
func TestPlain(t *testing.T) { l := lessontest.New(t, "standard-streams"); _ = l }
func TestNone(t *testing.T) {}
func helper(t *testing.T) { lessontest.New(t, "ignored") }
`), 0o644))
	got, err := TestSections(dir)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"TestTable": "exit-codes", "TestPlain": "standard-streams", "TestNone": ""}, got)
}

func TestParseTestEvents(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestA"}`,
		`{"Action":"run","Package":"p","Test":"TestB"}`,
		`{"Action":"run","Package":"p","Test":"TestB/sub"}`,
		`{"Action":"output","Package":"p","Test":"TestB/sub","Output":"    want 1, got 2\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestB/sub"}`,
		`{"Action":"fail","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`{"ImportPath":"q","Action":"build-output","Output":"q/x.go:1: syntax error\n"}`,
		`{"ImportPath":"q","Action":"build-fail"}`,
		`not json`,
	}, "\n")
	r := ParseTestEvents(strings.NewReader(stream))
	require.Contains(t, r, "p")
	assert.Equal(t, "fail", r["p"].Action)
	require.Len(t, r["p"].Tests, 2)
	assert.Equal(t, "pass", r["p"].Tests[0].Action)
	assert.Equal(t, []string{"TestB"}, r["p"].Failed())
	assert.Contains(t, r["p"].Tests[1].Output, "    want 1, got 2")
	assert.Equal(t, "fail", r["q"].Action)
	assert.Equal(t, []string{"q/x.go:1: syntax error"}, r["q"].Output)
}

func TestFindRootAndLessons(t *testing.T) {
	root, err := FindRoot(".")
	require.NoError(t, err)
	numbers, err := LessonNumbers(root)
	require.NoError(t, err)
	assert.Contains(t, numbers, 1)

	n, err := ParseLesson("01", numbers)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = ParseLesson("1x", numbers)
	assert.ErrorContains(t, err, `no lesson "1x"; the lessons are 1`)

	_, err = FindRoot(t.TempDir())
	assert.ErrorContains(t, err, "no unboxed checkout at or above")
}
