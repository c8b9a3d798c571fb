//go:build !linux

package container

import "net"

// SetupVeth says that unboxed needs Linux.
func SetupVeth(string, string, int) error { return errNotLinux }

// ConfigureNetwork says that unboxed needs Linux.
func ConfigureNetwork(*net.IPNet, net.IP) error { return errNotLinux }

// RemoveBridge says that unboxed needs Linux.
func RemoveBridge() error { return errNotLinux }

// CleanStaleNetwork says that unboxed needs Linux.
func CleanStaleNetwork() ([]string, error) { return nil, errNotLinux }

// IP returns nil: no container runs here.
func (*Container) IP() net.IP { return nil }
