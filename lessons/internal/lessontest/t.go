package lessontest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// T is a test of a lesson, tied to the notes section that explains it.
// Its assertions stop the test at the first failure with a message that
// says what was wanted, what happened, and where to read.
type T struct {
	*testing.T
	section string
}

// New ties t to the section of the lesson's notes that explains it (its
// slug: "exit-codes" for "## Exit codes"). The workshop's own tests check
// that every lesson test calls New with a section that exists.
func New(t *testing.T, section string) *T {
	return &T{T: t, section: section}
}

// Read is the command that shows the section of this test.
func (l *T) Read() string {
	return fmt.Sprintf("go run ./lessons notes %d %s", lesson, l.section)
}

// Recover turns a panic in the learner's code, such as a TODO stub, into a
// failure of this test alone. Defer it right after New.
func (l *T) Recover() {
	if r := recover(); r != nil {
		l.Helper()
		l.Fatalf("your code panicked: %v", r)
	}
}

// Fatalf fails the test with the message and the notes to read.
func (l *T) Fatalf(format string, args ...any) {
	l.Helper()
	l.T.Fatalf("%s — read: %s", fmt.Sprintf(format, args...), l.Read())
}

// fatalStep fails the test with msg like Fatalf, but points at the notes
// section of the learner's step that the error cause names (see
// stepSections), when it names one: that is where the answer is,
// whichever test ran into it.
func (l *T) fatalStep(msg, cause string) {
	l.Helper()
	if section := sectionFor(lesson, cause); section != "" && section != l.section {
		l.T.Fatalf("%s — read: go run ./lessons notes %d %s", msg, lesson, section)
	}
	l.Fatalf("%s", msg)
}

// Equal fails the test unless want and got are equal; what names the value.
func (l *T) Equal(what string, want, got any) {
	l.Helper()
	if !assert.ObjectsAreEqual(want, got) {
		l.Fatalf("want %s %s, got %s", what, show(want), show(got))
	}
}

// NotEqual fails the test when got equals unwanted.
func (l *T) NotEqual(what string, unwanted, got any) {
	l.Helper()
	if assert.ObjectsAreEqual(unwanted, got) {
		l.Fatalf("want %s other than %s, got %s", what, show(unwanted), show(got))
	}
}

// NoError fails the test when err is not nil; doing says what failed.
func (l *T) NoError(err error, doing string) {
	l.Helper()
	if err != nil {
		l.fatalStep(fmt.Sprintf("want %s to succeed, got error: %v", doing, err), err.Error())
	}
}

// Error fails the test when err is nil; doing says what should have failed.
func (l *T) Error(err error, doing string) {
	l.Helper()
	if err == nil {
		l.Fatalf("want an error from %s, got nil", doing)
	}
}

// Contains fails the test unless s contains sub.
func (l *T) Contains(what, s, sub string) {
	l.Helper()
	if !strings.Contains(s, sub) {
		l.Fatalf("want %s to contain %q, got %q", what, sub, s)
	}
}

// True fails the test unless cond holds; want and got describe it.
func (l *T) True(cond bool, want, got string) {
	l.Helper()
	if !cond {
		l.Fatalf("want %s, got %s", want, got)
	}
}

// NeedPrivileges skips the test, with the one-line fix, when this process
// may not create namespaces.
func (l *T) NeedPrivileges() {
	l.Helper()
	if privileged == "" {
		l.Skip(whyNot)
	}
}

// notOnThisHost starts the message of NotOnThisHost; verify knows it
// (workshop.NotOnThisHost).
const notOnThisHost = "not on this host: "

// NotOnThisHost skips a test that this machine cannot run, whoever runs
// it: the kernel lacks what it needs, and root would not help. why says
// what is missing and where the test does run. verify does not count the
// skip against the lesson, as it does a skip for want of privileges.
func (l *T) NotOnThisHost(why string) {
	l.Helper()
	l.Skip(notOnThisHost + why)
}

func show(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case error:
		return fmt.Sprintf("error %q", v.Error())
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%v", v)
}
