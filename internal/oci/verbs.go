package oci

// Verbs are the OCI verbs Main takes, runc's names.
var Verbs = []string{"create", "start", "state", "kill", "delete", "list", "run", "spec"}

// Usage is one line per verb, for the runtime binary's help.
var Usage = [][2]string{
	{"create [--bundle DIR] [--pid-file F] [--console-socket S] ID", "set a bundle's container up, waiting to start"},
	{"start ID", "run a created container's process"},
	{"state ID", "the runtime-spec State of a container, as JSON"},
	{"kill ID [SIGNAL]", "signal a container (default TERM)"},
	{"delete [--force] ID", "remove a stopped container (--force: kill it first)"},
	{"list", "every container under --root"},
	{"run --bundle DIR ID", "create, start and wait: the container's exit status"},
	{"spec [--bundle DIR]", "write a default config.json"},
}
