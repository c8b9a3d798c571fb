package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/unboxed-go/unboxed/container"
)

func TestProgressLines(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	events := []container.PullEvent{
		{Digest: digest, Done: 1 << 20, Total: 4 << 20},
		{Digest: digest, Done: 4 << 20, Total: 4 << 20},
		{Digest: digest, Done: 10, Total: 10, Cached: true},
	}
	var plain, term strings.Builder
	p, _ := progressPrinter(&plain, false)
	q, end := progressPrinter(&term, true)
	for _, ev := range events {
		p(ev)
		q(ev)
	}
	assert.Equal(t, "abababababab: fetched 4.0M\nabababababab: already in the store\n", plain.String(), "not a terminal: a line per blob")
	assert.Equal(t, "\rabababababab: [=======                       ] 1.0M / 4.0M"+
		"\rabababababab: [==============================] 4.0M / 4.0M\n"+
		"abababababab: already in the store\n", term.String(), "a terminal: one line redrawn per blob")
	q(container.PullEvent{Digest: digest, Done: 1, Total: 2})
	end()
	assert.True(t, strings.HasSuffix(term.String(), "1B / 2B\n"), "end closes a line a failed pull left open: %q", term.String())
}
