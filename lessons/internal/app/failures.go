package app

import (
	"regexp"
	"strings"
)

// messageStart is the first line of a message a test printed: go test
// puts the file and line of the call in front of it.
var messageStart = regexp.MustCompile(`^[\w./-]+\.go:\d+: `)

// failureMessages splits a test's output (without go test's own framing,
// see failureLines) into the messages it printed, each with the lines that
// continue it, and keeps each distinct message once: a table test whose
// subtests all call the same unwritten stub says it once, not once per
// subtest.
func failureMessages(output []string) []string {
	var messages []string
	for _, line := range failureLines(output) {
		if messageStart.MatchString(line) || len(messages) == 0 {
			messages = append(messages, line)
			continue
		}
		messages[len(messages)-1] += "\n" + line
	}
	seen := map[string]bool{}
	var distinct []string
	for _, m := range messages {
		if !seen[m] {
			seen[m] = true
			distinct = append(distinct, m)
		}
	}
	return distinct
}

// readSuffix is what the test harness appends to a failure: the notes
// section of the test that failed.
var readSuffix = regexp.MustCompile(` — read: go run \./lessons notes \d+ [\w-]+`)

// sameFailure is what two tests' messages share when they failed for the
// same reason, whatever section each would have the learner read: lesson
// 03's stub fails every test with CloneFlags's panic.
func sameFailure(message string) string {
	return readSuffix.ReplaceAllString(message, "")
}

// indented indents every line of a message, and puts where to read on a
// line of its own: a command at the end of a long line would wrap.
func indented(message string) string {
	message = strings.ReplaceAll(message, " — read: ", "\nread: ")
	return "    " + strings.ReplaceAll(message, "\n", "\n    ")
}
