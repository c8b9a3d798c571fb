//go:build !linux

package container

// ELFDeps says that unboxed needs Linux.
func ELFDeps(string) ([]string, error) { return nil, errNotLinux }

// BuildRootfs says that unboxed needs Linux.
func BuildRootfs(string, ...string) error { return errNotLinux }

// BuildBusyboxRootfs says that unboxed needs Linux.
func BuildBusyboxRootfs(string) error { return errNotLinux }

// AvailablePrograms returns nil: no host program goes into a rootfs here.
func AvailablePrograms(...string) []string { return nil }

// DefaultRootfs says that unboxed needs Linux.
func DefaultRootfs() (string, error) { return "", errNotLinux }
