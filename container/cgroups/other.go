//go:build !linux

package cgroups

import (
	"errors"
	"runtime"
)

// errNotLinux is what every operation says on a system without cgroups.
var errNotLinux = errors.New("unboxed needs Linux (GOOS=" + runtime.GOOS + "): use the Vagrant VM (vagrant up && vagrant ssh)")

// DetectLayout says that unboxed needs Linux.
func DetectLayout() (Layout, error) { return Layout{}, errNotLinux }

// New says that unboxed needs Linux.
func New(string, Limits) (Cgroup, error) { return nil, errNotLinux }

// CleanStale says that unboxed needs Linux.
func CleanStale() ([]string, error) { return nil, errNotLinux }

// Roots says that unboxed needs Linux.
func Roots() (string, map[string]string, error) { return "", nil, errNotLinux }

// Delegate says that unboxed needs Linux.
func Delegate() error { return errNotLinux }

// Place says that unboxed needs Linux.
func Place(string, Limits) (Placement, error) { return Placement{}, errNotLinux }

// Create says that unboxed needs Linux.
func (Placement) Create(Limits) (Cgroup, error) { return nil, errNotLinux }

// Remove says that unboxed needs Linux.
func (Placement) Remove() error { return errNotLinux }

// StatsAt says that unboxed needs Linux.
func StatsAt(string, map[string]string) (Stats, error) { return Stats{}, errNotLinux }
