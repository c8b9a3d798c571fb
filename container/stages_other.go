//go:build !linux

package container

import "fmt"

// validHostname accepts any name where there are no namespaces.
func validHostname(string) error { return nil }

// SetHostname says that unboxed needs Linux.
func SetHostname(string) error { return errNotLinux }

// MountProc says that unboxed needs Linux.
func MountProc() error { return errNotLinux }

// MakePrivate says that unboxed needs Linux.
func MakePrivate() error { return errNotLinux }

// PivotRoot says that unboxed needs Linux.
func PivotRoot(string) error { return errNotLinux }

// Chroot says that unboxed needs Linux.
func Chroot(string) error { return errNotLinux }

// MountStandard says that unboxed needs Linux.
func MountStandard() error { return errNotLinux }

// RemountReadOnly says that unboxed needs Linux.
func RemountReadOnly(path string) error { return fmt.Errorf("%s: %w", path, errNotLinux) }

// MountOverlay says that unboxed needs Linux.
func MountOverlay([]string, string, string, string) error { return errNotLinux }

// CleanStale says that unboxed needs Linux.
func CleanStale() ([]string, error) { return nil, errNotLinux }
