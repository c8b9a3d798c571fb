//go:build linux && !amd64 && !arm64 && !arm

package container

// auditArch is 0 where the runtime has no seccomp table: loading a filter
// fails with a message that names the architecture (seccomp_linux.go).
const auditArch = 0

// syscallNumber knows no call on architectures without a table; see
// hack/gensyscalls.sh to add one.
func syscallNumber(string) (uint32, bool) { return 0, false }
