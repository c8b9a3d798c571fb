package oci

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFlockOwnerGone(t *testing.T) {
	locks := "1: POSIX  ADVISORY  WRITE 77 00:2e:99 0 EOF\n" +
		"2: FLOCK  ADVISORY  WRITE 4242 00:2e:12345 0 EOF\n" +
		"2: -> FLOCK  ADVISORY  WRITE 5151 00:2e:12345 0 EOF\n"
	dead := func(int) bool { return false }
	live := func(int) bool { return true }
	assert.True(t, flockOwnerGone(locks, "00:2e:12345", dead), "the owner ended: the lock was inherited")
	assert.False(t, flockOwnerGone(locks, "00:2e:12345", live), "the owner is at work")
	assert.False(t, flockOwnerGone(locks, "00:2e:99", dead), "a POSIX lock is not a flock")
	assert.False(t, flockOwnerGone(locks, "00:2e:1", dead), "no lock on the file")
	got := 0
	flockOwnerGone(locks, "00:2e:12345", func(pid int) bool { got = pid; return true })
	assert.Equal(t, 4242, got, "the owner, not the waiter")
}
