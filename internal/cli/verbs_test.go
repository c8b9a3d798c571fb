package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGlobalRoot(t *testing.T) {
	for _, c := range []struct {
		args []string
		root string
		rest []string
	}{
		{[]string{"state", "box"}, "", []string{"state", "box"}},
		{[]string{"--root", "/r", "state", "box"}, "/r", []string{"state", "box"}},
		{[]string{"--root=/r", "list"}, "/r", []string{"list"}},
		{[]string{"run", "--root", "/r"}, "", []string{"run", "--root", "/r"}},
	} {
		root, rest := globalRoot(c.args)
		assert.Equal(t, c.root, root, "%v", c.args)
		assert.Equal(t, c.rest, rest, "%v", c.args)
	}
}

func TestOCIRunOrWorkshopRun(t *testing.T) {
	assert.True(t, OCIRun([]string{"--bundle", "b", "id"}), "runc's run --bundle DIR ID")
	assert.True(t, OCIRun([]string{"-b=b", "id"}))
	assert.False(t, OCIRun([]string{"--", "/bin/sh"}), "the workshop's run")
	assert.False(t, OCIRun([]string{"--memory", "32M", "--", "/bin/sh", "--bundle"}), "a --bundle after -- is the command's")
}
