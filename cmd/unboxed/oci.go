package main

import "strings"

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

// ociRun says whether run's arguments are the OCI verb's (run --bundle
// DIR ID, or run ID as runc takes it) rather than the workshop's run
// [FLAGS] -- COMMAND: a --bundle or -b flag before any "--".
func ociRun(args []string) bool {
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
