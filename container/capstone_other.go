//go:build !linux

package container

// Steps returns the stages in force, as on Linux; each says that unboxed
// needs Linux when called.
func Steps() Stages { return steps() }

// DefaultDeny returns nothing: there is no seccomp here.
func DefaultDeny() []uint32 { return nil }

// DefaultKeep returns nothing: there are no capabilities here.
func DefaultKeep() []int { return nil }

// PrepareRootless says that unboxed needs Linux.
func PrepareRootless(string) error { return errNotLinux }
