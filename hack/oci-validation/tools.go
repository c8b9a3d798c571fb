//go:build tools

// Package ocivalidation pins the OCI's runtime-tools, whose validation
// programs the run script builds and runs against the unboxed binary.
package ocivalidation

import (
	_ "github.com/opencontainers/runtime-tools/cmd/runtimetest"
	_ "github.com/opencontainers/runtime-tools/validation/util"
)
