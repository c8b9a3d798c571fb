package container

import "errors"

// DefaultPrograms are the host programs a container's root filesystem gets
// when there is no busybox to build it from (see DefaultRootfs): a shell and
// the commands the lessons and their tests run inside a container. A host
// may lack some (a minimal image has no ps); BuildRootfs insists on every
// program it is given, so pass these through AvailablePrograms first.
var DefaultPrograms = []string{"sh", "ls", "cat", "echo", "ps", "hostname", "mount", "id", "sleep", "env", "true", "false", "mkdir", "rm", "touch", "uname", "grep"}

// ErrNoBusybox means the host has no statically linked busybox to build a
// rootfs from: BuildBusyboxRootfs's error wraps it, so a caller can fall back
// to BuildRootfs with the host's own programs. Debian and Ubuntu ship one in
// the busybox-static package.
var ErrNoBusybox = errors.New("no statically linked busybox")
