package container

// What lesson 10 needs to assemble a runtime of its own from the stages:
// the table in force, and the three things the library's init computes
// for its stages, so that a learner's init hands the same arguments.

// Steps returns the stages in force: the functions Use put in, and the
// library's own step in every other field (LoadSeccomp included, which
// the library's init otherwise replaces with its own filter). Lesson 10's
// runtime calls each step through it.
func Steps() Stages {
	s := steps()
	if s.LoadSeccomp == nil {
		s.LoadSeccomp = LoadSeccomp
	}
	return s
}

// DefaultDeny is the deny list the runtime hands a lesson's LoadSeccomp:
// the numbers of the calls the default filter fails with EPERM for a
// container that keeps DefaultCapabilities (mount, unshare, keyctl,
// mknod and mknodat, ...), without clone, which every fork is.
func DefaultDeny() []uint32 { return denyList(DefaultCapabilities) }

// DefaultKeep is the numbers of DefaultCapabilities that the calling
// process has, the list to hand DropCapabilities: capset(2) refuses to
// raise a capability the process lacks.
func DefaultKeep() []int {
	var keep []int
	have := permittedNow()
	for _, c := range DefaultCapabilities {
		if n := capabilityNumber(c); n >= 0 && have&(1<<n) != 0 {
			keep = append(keep, n)
		}
	}
	return keep
}

// PrepareRootless readies rootfs for PivotRoot and MountStandard when the
// calling process is in a user namespace (rootless): there the kernel
// mounts a fresh /proc only while the host's is still in sight, and
// refuses device nodes, so /proc, /sys and a /dev of bind-mounted host
// devices go in before the root moves, and MountStandard keeps them.
// Outside a user namespace it does nothing.
func PrepareRootless(rootfs string) error {
	if !inUserNamespace() {
		return nil
	}
	return prepareUserNamespaceRoot(rootfs)
}
