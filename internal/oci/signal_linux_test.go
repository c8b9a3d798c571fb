package oci

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	for _, s := range []string{"TERM", "SIGTERM", "term", "15"} {
		n, err := ParseSignal(s)
		require.NoError(t, err, s)
		assert.Equal(t, unix.SIGTERM, n, s)
	}
	for _, bad := range []string{"SIGNOPE", "0", "65", ""} {
		_, err := ParseSignal(bad)
		assert.ErrorContains(t, err, "want e.g.", "%q is refused with an example", bad)
	}
}
