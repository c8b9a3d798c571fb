//go:build !linux

package container

// DetectLayout says that unboxed needs Linux.
func DetectLayout() (Layout, error) { return Layout{}, errNotLinux }

// NewCgroup says that unboxed needs Linux.
func NewCgroup(string, Limits) (Cgroup, error) { return nil, errNotLinux }

// CleanStaleCgroups says that unboxed needs Linux.
func CleanStaleCgroups() ([]string, error) { return nil, errNotLinux }
