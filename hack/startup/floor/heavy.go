//go:build linux && heavy

package main

// The packages cmd/unboxed links, for their size and their package
// initialisation: nothing of them runs.
import (
	_ "github.com/unboxed-go/unboxed/internal/cli"
	_ "github.com/unboxed-go/unboxed/internal/oci"
)
