package container

import (
	"fmt"
	"slices"
	"strings"
)

// Namespace is one kind of Linux namespace (namespaces(7)).
type Namespace string

// The namespaces a container can get.
const (
	PID     Namespace = "pid"  // its own process numbers; the first process is PID 1
	UTS     Namespace = "uts"  // its own hostname
	Mount   Namespace = "mnt"  // its own mount table
	IPC     Namespace = "ipc"  // its own SysV IPC objects and POSIX message queues
	Network Namespace = "net"  // its own network devices, only lo to start with
	User    Namespace = "user" // its own user and group IDs
)

// AllNamespaces are the namespaces a container gets by default, in the
// order the notes introduce them. User is left out: it changes who owns the
// rest, and lesson 08 covers it.
var AllNamespaces = []Namespace{UTS, PID, Mount, IPC, Network}

// ParseNamespace turns a name as /proc/self/ns shows it (pid, uts, mnt,
// ipc, net, user) into a Namespace.
func ParseNamespace(name string) (Namespace, error) {
	ns := Namespace(name)
	if !slices.Contains(append(AllNamespaces, User), ns) {
		var known []string
		for _, n := range append(AllNamespaces, User) {
			known = append(known, string(n))
		}
		return "", fmt.Errorf("unknown namespace %q (want one of %s)", name, strings.Join(known, ", "))
	}
	return ns, nil
}
