package container

import "golang.org/x/sys/unix"

var cloneFlag = map[Namespace]uintptr{
	PID:     unix.CLONE_NEWPID,
	UTS:     unix.CLONE_NEWUTS,
	Mount:   unix.CLONE_NEWNS,
	IPC:     unix.CLONE_NEWIPC,
	Network: unix.CLONE_NEWNET,
	User:    unix.CLONE_NEWUSER,
}

// CloneFlags returns the clone(2) flags that create the given namespaces.
// No namespaces give 0.
func CloneFlags(namespaces ...Namespace) uintptr {
	var flags uintptr
	for _, ns := range namespaces {
		flags |= cloneFlag[ns]
	}
	return flags
}
