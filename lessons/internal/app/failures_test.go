package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A table test whose subtests all hit the same stub says so once; messages
// that go on over several lines stay whole, and different ones all stay.
func TestFailureMessagesOncePerTest(t *testing.T) {
	var output []string
	output = append(output, "=== RUN   TestCloneFlags")
	for range 9 {
		output = append(output, "=== RUN   TestCloneFlags/uts", "    namespaces.go:19: your code panicked: TODO(lesson 3) — read: go run ./lessons notes 3 clone-flags", "--- FAIL: TestCloneFlags/uts (0.00s)")
	}
	output = append(output, "    x_test.go:7: want 1, got 2", "        the script was:", "        echo hi", "    x_test.go:9: want 3, got 4")
	assert.Equal(t, []string{
		"namespaces.go:19: your code panicked: TODO(lesson 3) — read: go run ./lessons notes 3 clone-flags",
		"x_test.go:7: want 1, got 2\nthe script was:\necho hi",
		"x_test.go:9: want 3, got 4",
	}, failureMessages(output))
	assert.Equal(t, sameFailure("a.go:1: boom — read: go run ./lessons notes 3 clone-flags"), sameFailure("a.go:1: boom — read: go run ./lessons notes 3 uts-the-hostname"))
}
