package cli

import (
	"strings"

	"github.com/unboxed-go/unboxed/internal/oci"
)

// ContainerVerb runs one of the verbs that every runtime binary of the
// project has (cmd/unboxed, and the learner's runtime that go run
// ./lessons run --mine builds): run, both the workshop's run [FLAGS] --
// COMMAND and runc's run --bundle DIR ID, diff, and the OCI verbs
// create, start, state, kill, delete, list and spec, with runc's global
// --root DIR before the verb. handled is false for any other verb (or
// none), which the caller takes care of.
func ContainerVerb(prog string, args []string) (code int, handled bool) {
	root, rest := globalRoot(args)
	if len(rest) == 0 {
		return 0, false
	}
	switch verb, args := rest[0], rest[1:]; verb {
	case "run":
		if OCIRun(args) {
			return oci.Main(prog, root, verb, args), true
		}
		return Run(prog, args), true
	case "create", "start", "state", "kill", "delete", "list", "spec":
		return oci.Main(prog, root, verb, args), true
	case "diff":
		return Diff(prog, args), true
	}
	return 0, false
}

// globalRoot takes runc's global --root DIR (or --root=DIR) from before
// the verb; "" means the OCI verbs' default.
func globalRoot(args []string) (root string, rest []string) {
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--root" && len(args) > 1:
			root, args = args[1], args[2:]
		case strings.HasPrefix(a, "--root="):
			root, args = strings.TrimPrefix(a, "--root="), args[1:]
		default:
			return root, args
		}
	}
	return root, args
}

// OCIRun says whether run's arguments are the OCI verb's (run --bundle
// DIR ID, or run ID as runc takes it) rather than the workshop's run
// [FLAGS] -- COMMAND: a --bundle or -b flag before any "--".
func OCIRun(args []string) bool {
	for _, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--bundle" || a == "-b" || strings.HasPrefix(a, "--bundle=") || strings.HasPrefix(a, "-b="):
			return true
		}
	}
	return false
}
