package container

// seccompDeny is the default filter's deny list: what Docker's default
// profile refuses a container without CAP_SYS_ADMIN, each with the reason.
// The calls return EPERM, as if the kernel had refused them, so programs
// that probe for a feature carry on without it. An entry with lift is
// left out of the filter when the container keeps one of those
// capabilities (docker run --cap-add SYS_ADMIN, say, allows mount again,
// as Docker does); the capability check of the kernel still applies.
//
// Two are judgment calls left allowed, as Docker does on current kernels:
// ptrace (since Linux 4.8 seccomp filters cannot be bypassed with it, and
// it only reaches the container's own processes) and personality (its
// dangerous flags are harmless without a 32-bit ABI to exploit).
var seccompDeny = []struct {
	names []string
	why   string
	lift  []string
}{
	{[]string{"mount", "umount", "umount2", "pivot_root"}, "the container's mounts are the runtime's to make", []string{"CAP_SYS_ADMIN"}},
	{[]string{"fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr"}, "the new mount API, the same power as mount", []string{"CAP_SYS_ADMIN"}},
	{[]string{"unshare", "setns"}, "new or other namespaces undo the ones the runtime made", []string{"CAP_SYS_ADMIN"}},
	{[]string{"reboot"}, "reboots or halts (the host's, without a PID namespace)", []string{"CAP_SYS_BOOT"}},
	{[]string{"kexec_load", "kexec_file_load"}, "loads a new kernel to boot into", nil},
	{[]string{"init_module", "finit_module", "delete_module"}, "kernel modules are the host kernel's code", []string{"CAP_SYS_MODULE"}},
	{[]string{"swapon", "swapoff"}, "swap is the host's memory", nil},
	{[]string{"settimeofday", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64", "adjtimex", "stime"}, "the clock is not namespaced: it is the host's", []string{"CAP_SYS_TIME"}},
	{[]string{"keyctl", "add_key", "request_key"}, "the kernel keyring is not namespaced", nil},
	{[]string{"bpf"}, "loads programs into the host kernel", []string{"CAP_SYS_ADMIN", "CAP_BPF"}},
	{[]string{"perf_event_open"}, "watches the whole machine, and has had many bugs", []string{"CAP_SYS_ADMIN", "CAP_PERFMON"}},
	{[]string{"userfaultfd"}, "a tool to win kernel races in exploits", []string{"CAP_SYS_PTRACE"}},
	{[]string{"open_by_handle_at"}, "opens any file of a filesystem by handle, outside the root (the shocker escape)", []string{"CAP_DAC_READ_SEARCH"}},
	{[]string{"name_to_handle_at"}, "the other half of open_by_handle_at", []string{"CAP_SYS_ADMIN", "CAP_DAC_READ_SEARCH"}},
	{[]string{"acct"}, "process accounting for the whole host", []string{"CAP_SYS_PACCT"}},
	{[]string{"quotactl", "quotactl_fd"}, "the host's disk quotas", []string{"CAP_SYS_ADMIN"}},
	{[]string{"lookup_dcookie"}, "kernel profiling, not namespaced", []string{"CAP_SYS_ADMIN"}},
	{[]string{"syslog"}, "the kernel log leaks addresses and the host's messages", []string{"CAP_SYS_ADMIN", "CAP_SYSLOG"}},
	{[]string{"iopl", "ioperm"}, "raw access to the machine's I/O ports", []string{"CAP_SYS_RAWIO"}},
	{[]string{"move_pages", "mbind", "set_mempolicy", "get_mempolicy"}, "NUMA placement of memory, the host's to decide", []string{"CAP_SYS_NICE"}},
	{[]string{"nfsservctl", "uselib", "_sysctl", "ustat", "sysfs"}, "obsolete calls with a history of bugs", nil},
	{[]string{"vhangup"}, "hangs up the terminal", []string{"CAP_SYS_TTY_CONFIG"}},
	{[]string{"fanotify_init"}, "watches filesystems as a whole", []string{"CAP_SYS_ADMIN"}},
	{[]string{"kcmp", "pidfd_getfd"}, "reads another process's kernel state or file descriptors", []string{"CAP_SYS_PTRACE"}},
}

// cloneNewFlags are the clone(2) flags that make namespaces: the filter
// refuses clone with any of them (its first argument on x86-64, arm64 and
// arm), unless the container keeps CAP_SYS_ADMIN. CLONE_NEWTIME is left
// out: in clone's flags its bit is part of the exit signal.
const cloneNewFlags = 0x00020000 | // CLONE_NEWNS
	0x02000000 | // CLONE_NEWCGROUP
	0x04000000 | // CLONE_NEWUTS
	0x08000000 | // CLONE_NEWIPC
	0x10000000 | // CLONE_NEWUSER
	0x20000000 | // CLONE_NEWPID
	0x40000000 // CLONE_NEWNET
