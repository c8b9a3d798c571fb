package container

// ChangeKind is what happened to a path, with the letters docker diff
// uses.
type ChangeKind byte

// The kinds of change.
const (
	Added   ChangeKind = 'A'
	Changed ChangeKind = 'C'
	Deleted ChangeKind = 'D'
)

// Change is one path a container changed, relative to its root ("/etc/x").
type Change struct {
	Kind ChangeKind
	Path string
}

func (c Change) String() string { return string(c.Kind) + " " + c.Path }
