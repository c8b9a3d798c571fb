// Code generated from golang.org/x/sys/unix/zsysnum_linux_arm.go by hack/gensyscalls.sh; DO NOT EDIT.

package container

import "golang.org/x/sys/unix"

// auditArch is what seccomp_data.arch holds for this architecture's
// native system calls.
const auditArch = unix.AUDIT_ARCH_ARM

// syscallNumber returns the number of this architecture's system call
// of that name, for seccomp filters. A switch rather than a map: a map
// literal this size is built at every start of the binary, the
// container's init included, and costs it a fraction of a millisecond.
func syscallNumber(name string) (uint32, bool) {
	switch name {
	case "syscall_mask":
		return unix.SYS_SYSCALL_MASK, true
	case "restart_syscall":
		return unix.SYS_RESTART_SYSCALL, true
	case "exit":
		return unix.SYS_EXIT, true
	case "fork":
		return unix.SYS_FORK, true
	case "read":
		return unix.SYS_READ, true
	case "write":
		return unix.SYS_WRITE, true
	case "open":
		return unix.SYS_OPEN, true
	case "close":
		return unix.SYS_CLOSE, true
	case "creat":
		return unix.SYS_CREAT, true
	case "link":
		return unix.SYS_LINK, true
	case "unlink":
		return unix.SYS_UNLINK, true
	case "execve":
		return unix.SYS_EXECVE, true
	case "chdir":
		return unix.SYS_CHDIR, true
	case "mknod":
		return unix.SYS_MKNOD, true
	case "chmod":
		return unix.SYS_CHMOD, true
	case "lchown":
		return unix.SYS_LCHOWN, true
	case "lseek":
		return unix.SYS_LSEEK, true
	case "getpid":
		return unix.SYS_GETPID, true
	case "mount":
		return unix.SYS_MOUNT, true
	case "setuid":
		return unix.SYS_SETUID, true
	case "getuid":
		return unix.SYS_GETUID, true
	case "ptrace":
		return unix.SYS_PTRACE, true
	case "pause":
		return unix.SYS_PAUSE, true
	case "access":
		return unix.SYS_ACCESS, true
	case "nice":
		return unix.SYS_NICE, true
	case "sync":
		return unix.SYS_SYNC, true
	case "kill":
		return unix.SYS_KILL, true
	case "rename":
		return unix.SYS_RENAME, true
	case "mkdir":
		return unix.SYS_MKDIR, true
	case "rmdir":
		return unix.SYS_RMDIR, true
	case "dup":
		return unix.SYS_DUP, true
	case "pipe":
		return unix.SYS_PIPE, true
	case "times":
		return unix.SYS_TIMES, true
	case "brk":
		return unix.SYS_BRK, true
	case "setgid":
		return unix.SYS_SETGID, true
	case "getgid":
		return unix.SYS_GETGID, true
	case "geteuid":
		return unix.SYS_GETEUID, true
	case "getegid":
		return unix.SYS_GETEGID, true
	case "acct":
		return unix.SYS_ACCT, true
	case "umount2":
		return unix.SYS_UMOUNT2, true
	case "ioctl":
		return unix.SYS_IOCTL, true
	case "fcntl":
		return unix.SYS_FCNTL, true
	case "setpgid":
		return unix.SYS_SETPGID, true
	case "umask":
		return unix.SYS_UMASK, true
	case "chroot":
		return unix.SYS_CHROOT, true
	case "ustat":
		return unix.SYS_USTAT, true
	case "dup2":
		return unix.SYS_DUP2, true
	case "getppid":
		return unix.SYS_GETPPID, true
	case "getpgrp":
		return unix.SYS_GETPGRP, true
	case "setsid":
		return unix.SYS_SETSID, true
	case "sigaction":
		return unix.SYS_SIGACTION, true
	case "setreuid":
		return unix.SYS_SETREUID, true
	case "setregid":
		return unix.SYS_SETREGID, true
	case "sigsuspend":
		return unix.SYS_SIGSUSPEND, true
	case "sigpending":
		return unix.SYS_SIGPENDING, true
	case "sethostname":
		return unix.SYS_SETHOSTNAME, true
	case "setrlimit":
		return unix.SYS_SETRLIMIT, true
	case "getrusage":
		return unix.SYS_GETRUSAGE, true
	case "gettimeofday":
		return unix.SYS_GETTIMEOFDAY, true
	case "settimeofday":
		return unix.SYS_SETTIMEOFDAY, true
	case "getgroups":
		return unix.SYS_GETGROUPS, true
	case "setgroups":
		return unix.SYS_SETGROUPS, true
	case "symlink":
		return unix.SYS_SYMLINK, true
	case "readlink":
		return unix.SYS_READLINK, true
	case "uselib":
		return unix.SYS_USELIB, true
	case "swapon":
		return unix.SYS_SWAPON, true
	case "reboot":
		return unix.SYS_REBOOT, true
	case "munmap":
		return unix.SYS_MUNMAP, true
	case "truncate":
		return unix.SYS_TRUNCATE, true
	case "ftruncate":
		return unix.SYS_FTRUNCATE, true
	case "fchmod":
		return unix.SYS_FCHMOD, true
	case "fchown":
		return unix.SYS_FCHOWN, true
	case "getpriority":
		return unix.SYS_GETPRIORITY, true
	case "setpriority":
		return unix.SYS_SETPRIORITY, true
	case "statfs":
		return unix.SYS_STATFS, true
	case "fstatfs":
		return unix.SYS_FSTATFS, true
	case "syslog":
		return unix.SYS_SYSLOG, true
	case "setitimer":
		return unix.SYS_SETITIMER, true
	case "getitimer":
		return unix.SYS_GETITIMER, true
	case "stat":
		return unix.SYS_STAT, true
	case "lstat":
		return unix.SYS_LSTAT, true
	case "fstat":
		return unix.SYS_FSTAT, true
	case "vhangup":
		return unix.SYS_VHANGUP, true
	case "wait4":
		return unix.SYS_WAIT4, true
	case "swapoff":
		return unix.SYS_SWAPOFF, true
	case "sysinfo":
		return unix.SYS_SYSINFO, true
	case "fsync":
		return unix.SYS_FSYNC, true
	case "sigreturn":
		return unix.SYS_SIGRETURN, true
	case "clone":
		return unix.SYS_CLONE, true
	case "setdomainname":
		return unix.SYS_SETDOMAINNAME, true
	case "uname":
		return unix.SYS_UNAME, true
	case "adjtimex":
		return unix.SYS_ADJTIMEX, true
	case "mprotect":
		return unix.SYS_MPROTECT, true
	case "sigprocmask":
		return unix.SYS_SIGPROCMASK, true
	case "init_module":
		return unix.SYS_INIT_MODULE, true
	case "delete_module":
		return unix.SYS_DELETE_MODULE, true
	case "quotactl":
		return unix.SYS_QUOTACTL, true
	case "getpgid":
		return unix.SYS_GETPGID, true
	case "fchdir":
		return unix.SYS_FCHDIR, true
	case "bdflush":
		return unix.SYS_BDFLUSH, true
	case "sysfs":
		return unix.SYS_SYSFS, true
	case "personality":
		return unix.SYS_PERSONALITY, true
	case "setfsuid":
		return unix.SYS_SETFSUID, true
	case "setfsgid":
		return unix.SYS_SETFSGID, true
	case "_llseek":
		return unix.SYS__LLSEEK, true
	case "getdents":
		return unix.SYS_GETDENTS, true
	case "_newselect":
		return unix.SYS__NEWSELECT, true
	case "flock":
		return unix.SYS_FLOCK, true
	case "msync":
		return unix.SYS_MSYNC, true
	case "readv":
		return unix.SYS_READV, true
	case "writev":
		return unix.SYS_WRITEV, true
	case "getsid":
		return unix.SYS_GETSID, true
	case "fdatasync":
		return unix.SYS_FDATASYNC, true
	case "_sysctl":
		return unix.SYS__SYSCTL, true
	case "mlock":
		return unix.SYS_MLOCK, true
	case "munlock":
		return unix.SYS_MUNLOCK, true
	case "mlockall":
		return unix.SYS_MLOCKALL, true
	case "munlockall":
		return unix.SYS_MUNLOCKALL, true
	case "sched_setparam":
		return unix.SYS_SCHED_SETPARAM, true
	case "sched_getparam":
		return unix.SYS_SCHED_GETPARAM, true
	case "sched_setscheduler":
		return unix.SYS_SCHED_SETSCHEDULER, true
	case "sched_getscheduler":
		return unix.SYS_SCHED_GETSCHEDULER, true
	case "sched_yield":
		return unix.SYS_SCHED_YIELD, true
	case "sched_get_priority_max":
		return unix.SYS_SCHED_GET_PRIORITY_MAX, true
	case "sched_get_priority_min":
		return unix.SYS_SCHED_GET_PRIORITY_MIN, true
	case "sched_rr_get_interval":
		return unix.SYS_SCHED_RR_GET_INTERVAL, true
	case "nanosleep":
		return unix.SYS_NANOSLEEP, true
	case "mremap":
		return unix.SYS_MREMAP, true
	case "setresuid":
		return unix.SYS_SETRESUID, true
	case "getresuid":
		return unix.SYS_GETRESUID, true
	case "poll":
		return unix.SYS_POLL, true
	case "nfsservctl":
		return unix.SYS_NFSSERVCTL, true
	case "setresgid":
		return unix.SYS_SETRESGID, true
	case "getresgid":
		return unix.SYS_GETRESGID, true
	case "prctl":
		return unix.SYS_PRCTL, true
	case "rt_sigreturn":
		return unix.SYS_RT_SIGRETURN, true
	case "rt_sigaction":
		return unix.SYS_RT_SIGACTION, true
	case "rt_sigprocmask":
		return unix.SYS_RT_SIGPROCMASK, true
	case "rt_sigpending":
		return unix.SYS_RT_SIGPENDING, true
	case "rt_sigtimedwait":
		return unix.SYS_RT_SIGTIMEDWAIT, true
	case "rt_sigqueueinfo":
		return unix.SYS_RT_SIGQUEUEINFO, true
	case "rt_sigsuspend":
		return unix.SYS_RT_SIGSUSPEND, true
	case "pread64":
		return unix.SYS_PREAD64, true
	case "pwrite64":
		return unix.SYS_PWRITE64, true
	case "chown":
		return unix.SYS_CHOWN, true
	case "getcwd":
		return unix.SYS_GETCWD, true
	case "capget":
		return unix.SYS_CAPGET, true
	case "capset":
		return unix.SYS_CAPSET, true
	case "sigaltstack":
		return unix.SYS_SIGALTSTACK, true
	case "sendfile":
		return unix.SYS_SENDFILE, true
	case "vfork":
		return unix.SYS_VFORK, true
	case "ugetrlimit":
		return unix.SYS_UGETRLIMIT, true
	case "mmap2":
		return unix.SYS_MMAP2, true
	case "truncate64":
		return unix.SYS_TRUNCATE64, true
	case "ftruncate64":
		return unix.SYS_FTRUNCATE64, true
	case "stat64":
		return unix.SYS_STAT64, true
	case "lstat64":
		return unix.SYS_LSTAT64, true
	case "fstat64":
		return unix.SYS_FSTAT64, true
	case "lchown32":
		return unix.SYS_LCHOWN32, true
	case "getuid32":
		return unix.SYS_GETUID32, true
	case "getgid32":
		return unix.SYS_GETGID32, true
	case "geteuid32":
		return unix.SYS_GETEUID32, true
	case "getegid32":
		return unix.SYS_GETEGID32, true
	case "setreuid32":
		return unix.SYS_SETREUID32, true
	case "setregid32":
		return unix.SYS_SETREGID32, true
	case "getgroups32":
		return unix.SYS_GETGROUPS32, true
	case "setgroups32":
		return unix.SYS_SETGROUPS32, true
	case "fchown32":
		return unix.SYS_FCHOWN32, true
	case "setresuid32":
		return unix.SYS_SETRESUID32, true
	case "getresuid32":
		return unix.SYS_GETRESUID32, true
	case "setresgid32":
		return unix.SYS_SETRESGID32, true
	case "getresgid32":
		return unix.SYS_GETRESGID32, true
	case "chown32":
		return unix.SYS_CHOWN32, true
	case "setuid32":
		return unix.SYS_SETUID32, true
	case "setgid32":
		return unix.SYS_SETGID32, true
	case "setfsuid32":
		return unix.SYS_SETFSUID32, true
	case "setfsgid32":
		return unix.SYS_SETFSGID32, true
	case "getdents64":
		return unix.SYS_GETDENTS64, true
	case "pivot_root":
		return unix.SYS_PIVOT_ROOT, true
	case "mincore":
		return unix.SYS_MINCORE, true
	case "madvise":
		return unix.SYS_MADVISE, true
	case "fcntl64":
		return unix.SYS_FCNTL64, true
	case "gettid":
		return unix.SYS_GETTID, true
	case "readahead":
		return unix.SYS_READAHEAD, true
	case "setxattr":
		return unix.SYS_SETXATTR, true
	case "lsetxattr":
		return unix.SYS_LSETXATTR, true
	case "fsetxattr":
		return unix.SYS_FSETXATTR, true
	case "getxattr":
		return unix.SYS_GETXATTR, true
	case "lgetxattr":
		return unix.SYS_LGETXATTR, true
	case "fgetxattr":
		return unix.SYS_FGETXATTR, true
	case "listxattr":
		return unix.SYS_LISTXATTR, true
	case "llistxattr":
		return unix.SYS_LLISTXATTR, true
	case "flistxattr":
		return unix.SYS_FLISTXATTR, true
	case "removexattr":
		return unix.SYS_REMOVEXATTR, true
	case "lremovexattr":
		return unix.SYS_LREMOVEXATTR, true
	case "fremovexattr":
		return unix.SYS_FREMOVEXATTR, true
	case "tkill":
		return unix.SYS_TKILL, true
	case "sendfile64":
		return unix.SYS_SENDFILE64, true
	case "futex":
		return unix.SYS_FUTEX, true
	case "sched_setaffinity":
		return unix.SYS_SCHED_SETAFFINITY, true
	case "sched_getaffinity":
		return unix.SYS_SCHED_GETAFFINITY, true
	case "io_setup":
		return unix.SYS_IO_SETUP, true
	case "io_destroy":
		return unix.SYS_IO_DESTROY, true
	case "io_getevents":
		return unix.SYS_IO_GETEVENTS, true
	case "io_submit":
		return unix.SYS_IO_SUBMIT, true
	case "io_cancel":
		return unix.SYS_IO_CANCEL, true
	case "exit_group":
		return unix.SYS_EXIT_GROUP, true
	case "lookup_dcookie":
		return unix.SYS_LOOKUP_DCOOKIE, true
	case "epoll_create":
		return unix.SYS_EPOLL_CREATE, true
	case "epoll_ctl":
		return unix.SYS_EPOLL_CTL, true
	case "epoll_wait":
		return unix.SYS_EPOLL_WAIT, true
	case "remap_file_pages":
		return unix.SYS_REMAP_FILE_PAGES, true
	case "set_tid_address":
		return unix.SYS_SET_TID_ADDRESS, true
	case "timer_create":
		return unix.SYS_TIMER_CREATE, true
	case "timer_settime":
		return unix.SYS_TIMER_SETTIME, true
	case "timer_gettime":
		return unix.SYS_TIMER_GETTIME, true
	case "timer_getoverrun":
		return unix.SYS_TIMER_GETOVERRUN, true
	case "timer_delete":
		return unix.SYS_TIMER_DELETE, true
	case "clock_settime":
		return unix.SYS_CLOCK_SETTIME, true
	case "clock_gettime":
		return unix.SYS_CLOCK_GETTIME, true
	case "clock_getres":
		return unix.SYS_CLOCK_GETRES, true
	case "clock_nanosleep":
		return unix.SYS_CLOCK_NANOSLEEP, true
	case "statfs64":
		return unix.SYS_STATFS64, true
	case "fstatfs64":
		return unix.SYS_FSTATFS64, true
	case "tgkill":
		return unix.SYS_TGKILL, true
	case "utimes":
		return unix.SYS_UTIMES, true
	case "arm_fadvise64_64":
		return unix.SYS_ARM_FADVISE64_64, true
	case "pciconfig_iobase":
		return unix.SYS_PCICONFIG_IOBASE, true
	case "pciconfig_read":
		return unix.SYS_PCICONFIG_READ, true
	case "pciconfig_write":
		return unix.SYS_PCICONFIG_WRITE, true
	case "mq_open":
		return unix.SYS_MQ_OPEN, true
	case "mq_unlink":
		return unix.SYS_MQ_UNLINK, true
	case "mq_timedsend":
		return unix.SYS_MQ_TIMEDSEND, true
	case "mq_timedreceive":
		return unix.SYS_MQ_TIMEDRECEIVE, true
	case "mq_notify":
		return unix.SYS_MQ_NOTIFY, true
	case "mq_getsetattr":
		return unix.SYS_MQ_GETSETATTR, true
	case "waitid":
		return unix.SYS_WAITID, true
	case "socket":
		return unix.SYS_SOCKET, true
	case "bind":
		return unix.SYS_BIND, true
	case "connect":
		return unix.SYS_CONNECT, true
	case "listen":
		return unix.SYS_LISTEN, true
	case "accept":
		return unix.SYS_ACCEPT, true
	case "getsockname":
		return unix.SYS_GETSOCKNAME, true
	case "getpeername":
		return unix.SYS_GETPEERNAME, true
	case "socketpair":
		return unix.SYS_SOCKETPAIR, true
	case "send":
		return unix.SYS_SEND, true
	case "sendto":
		return unix.SYS_SENDTO, true
	case "recv":
		return unix.SYS_RECV, true
	case "recvfrom":
		return unix.SYS_RECVFROM, true
	case "shutdown":
		return unix.SYS_SHUTDOWN, true
	case "setsockopt":
		return unix.SYS_SETSOCKOPT, true
	case "getsockopt":
		return unix.SYS_GETSOCKOPT, true
	case "sendmsg":
		return unix.SYS_SENDMSG, true
	case "recvmsg":
		return unix.SYS_RECVMSG, true
	case "semop":
		return unix.SYS_SEMOP, true
	case "semget":
		return unix.SYS_SEMGET, true
	case "semctl":
		return unix.SYS_SEMCTL, true
	case "msgsnd":
		return unix.SYS_MSGSND, true
	case "msgrcv":
		return unix.SYS_MSGRCV, true
	case "msgget":
		return unix.SYS_MSGGET, true
	case "msgctl":
		return unix.SYS_MSGCTL, true
	case "shmat":
		return unix.SYS_SHMAT, true
	case "shmdt":
		return unix.SYS_SHMDT, true
	case "shmget":
		return unix.SYS_SHMGET, true
	case "shmctl":
		return unix.SYS_SHMCTL, true
	case "add_key":
		return unix.SYS_ADD_KEY, true
	case "request_key":
		return unix.SYS_REQUEST_KEY, true
	case "keyctl":
		return unix.SYS_KEYCTL, true
	case "semtimedop":
		return unix.SYS_SEMTIMEDOP, true
	case "vserver":
		return unix.SYS_VSERVER, true
	case "ioprio_set":
		return unix.SYS_IOPRIO_SET, true
	case "ioprio_get":
		return unix.SYS_IOPRIO_GET, true
	case "inotify_init":
		return unix.SYS_INOTIFY_INIT, true
	case "inotify_add_watch":
		return unix.SYS_INOTIFY_ADD_WATCH, true
	case "inotify_rm_watch":
		return unix.SYS_INOTIFY_RM_WATCH, true
	case "mbind":
		return unix.SYS_MBIND, true
	case "get_mempolicy":
		return unix.SYS_GET_MEMPOLICY, true
	case "set_mempolicy":
		return unix.SYS_SET_MEMPOLICY, true
	case "openat":
		return unix.SYS_OPENAT, true
	case "mkdirat":
		return unix.SYS_MKDIRAT, true
	case "mknodat":
		return unix.SYS_MKNODAT, true
	case "fchownat":
		return unix.SYS_FCHOWNAT, true
	case "futimesat":
		return unix.SYS_FUTIMESAT, true
	case "fstatat64":
		return unix.SYS_FSTATAT64, true
	case "unlinkat":
		return unix.SYS_UNLINKAT, true
	case "renameat":
		return unix.SYS_RENAMEAT, true
	case "linkat":
		return unix.SYS_LINKAT, true
	case "symlinkat":
		return unix.SYS_SYMLINKAT, true
	case "readlinkat":
		return unix.SYS_READLINKAT, true
	case "fchmodat":
		return unix.SYS_FCHMODAT, true
	case "faccessat":
		return unix.SYS_FACCESSAT, true
	case "pselect6":
		return unix.SYS_PSELECT6, true
	case "ppoll":
		return unix.SYS_PPOLL, true
	case "unshare":
		return unix.SYS_UNSHARE, true
	case "set_robust_list":
		return unix.SYS_SET_ROBUST_LIST, true
	case "get_robust_list":
		return unix.SYS_GET_ROBUST_LIST, true
	case "splice":
		return unix.SYS_SPLICE, true
	case "arm_sync_file_range":
		return unix.SYS_ARM_SYNC_FILE_RANGE, true
	case "tee":
		return unix.SYS_TEE, true
	case "vmsplice":
		return unix.SYS_VMSPLICE, true
	case "move_pages":
		return unix.SYS_MOVE_PAGES, true
	case "getcpu":
		return unix.SYS_GETCPU, true
	case "epoll_pwait":
		return unix.SYS_EPOLL_PWAIT, true
	case "kexec_load":
		return unix.SYS_KEXEC_LOAD, true
	case "utimensat":
		return unix.SYS_UTIMENSAT, true
	case "signalfd":
		return unix.SYS_SIGNALFD, true
	case "timerfd_create":
		return unix.SYS_TIMERFD_CREATE, true
	case "eventfd":
		return unix.SYS_EVENTFD, true
	case "fallocate":
		return unix.SYS_FALLOCATE, true
	case "timerfd_settime":
		return unix.SYS_TIMERFD_SETTIME, true
	case "timerfd_gettime":
		return unix.SYS_TIMERFD_GETTIME, true
	case "signalfd4":
		return unix.SYS_SIGNALFD4, true
	case "eventfd2":
		return unix.SYS_EVENTFD2, true
	case "epoll_create1":
		return unix.SYS_EPOLL_CREATE1, true
	case "dup3":
		return unix.SYS_DUP3, true
	case "pipe2":
		return unix.SYS_PIPE2, true
	case "inotify_init1":
		return unix.SYS_INOTIFY_INIT1, true
	case "preadv":
		return unix.SYS_PREADV, true
	case "pwritev":
		return unix.SYS_PWRITEV, true
	case "rt_tgsigqueueinfo":
		return unix.SYS_RT_TGSIGQUEUEINFO, true
	case "perf_event_open":
		return unix.SYS_PERF_EVENT_OPEN, true
	case "recvmmsg":
		return unix.SYS_RECVMMSG, true
	case "accept4":
		return unix.SYS_ACCEPT4, true
	case "fanotify_init":
		return unix.SYS_FANOTIFY_INIT, true
	case "fanotify_mark":
		return unix.SYS_FANOTIFY_MARK, true
	case "prlimit64":
		return unix.SYS_PRLIMIT64, true
	case "name_to_handle_at":
		return unix.SYS_NAME_TO_HANDLE_AT, true
	case "open_by_handle_at":
		return unix.SYS_OPEN_BY_HANDLE_AT, true
	case "clock_adjtime":
		return unix.SYS_CLOCK_ADJTIME, true
	case "syncfs":
		return unix.SYS_SYNCFS, true
	case "sendmmsg":
		return unix.SYS_SENDMMSG, true
	case "setns":
		return unix.SYS_SETNS, true
	case "process_vm_readv":
		return unix.SYS_PROCESS_VM_READV, true
	case "process_vm_writev":
		return unix.SYS_PROCESS_VM_WRITEV, true
	case "kcmp":
		return unix.SYS_KCMP, true
	case "finit_module":
		return unix.SYS_FINIT_MODULE, true
	case "sched_setattr":
		return unix.SYS_SCHED_SETATTR, true
	case "sched_getattr":
		return unix.SYS_SCHED_GETATTR, true
	case "renameat2":
		return unix.SYS_RENAMEAT2, true
	case "seccomp":
		return unix.SYS_SECCOMP, true
	case "getrandom":
		return unix.SYS_GETRANDOM, true
	case "memfd_create":
		return unix.SYS_MEMFD_CREATE, true
	case "bpf":
		return unix.SYS_BPF, true
	case "execveat":
		return unix.SYS_EXECVEAT, true
	case "userfaultfd":
		return unix.SYS_USERFAULTFD, true
	case "membarrier":
		return unix.SYS_MEMBARRIER, true
	case "mlock2":
		return unix.SYS_MLOCK2, true
	case "copy_file_range":
		return unix.SYS_COPY_FILE_RANGE, true
	case "preadv2":
		return unix.SYS_PREADV2, true
	case "pwritev2":
		return unix.SYS_PWRITEV2, true
	case "pkey_mprotect":
		return unix.SYS_PKEY_MPROTECT, true
	case "pkey_alloc":
		return unix.SYS_PKEY_ALLOC, true
	case "pkey_free":
		return unix.SYS_PKEY_FREE, true
	case "statx":
		return unix.SYS_STATX, true
	case "rseq":
		return unix.SYS_RSEQ, true
	case "io_pgetevents":
		return unix.SYS_IO_PGETEVENTS, true
	case "migrate_pages":
		return unix.SYS_MIGRATE_PAGES, true
	case "kexec_file_load":
		return unix.SYS_KEXEC_FILE_LOAD, true
	case "clock_gettime64":
		return unix.SYS_CLOCK_GETTIME64, true
	case "clock_settime64":
		return unix.SYS_CLOCK_SETTIME64, true
	case "clock_adjtime64":
		return unix.SYS_CLOCK_ADJTIME64, true
	case "clock_getres_time64":
		return unix.SYS_CLOCK_GETRES_TIME64, true
	case "clock_nanosleep_time64":
		return unix.SYS_CLOCK_NANOSLEEP_TIME64, true
	case "timer_gettime64":
		return unix.SYS_TIMER_GETTIME64, true
	case "timer_settime64":
		return unix.SYS_TIMER_SETTIME64, true
	case "timerfd_gettime64":
		return unix.SYS_TIMERFD_GETTIME64, true
	case "timerfd_settime64":
		return unix.SYS_TIMERFD_SETTIME64, true
	case "utimensat_time64":
		return unix.SYS_UTIMENSAT_TIME64, true
	case "pselect6_time64":
		return unix.SYS_PSELECT6_TIME64, true
	case "ppoll_time64":
		return unix.SYS_PPOLL_TIME64, true
	case "io_pgetevents_time64":
		return unix.SYS_IO_PGETEVENTS_TIME64, true
	case "recvmmsg_time64":
		return unix.SYS_RECVMMSG_TIME64, true
	case "mq_timedsend_time64":
		return unix.SYS_MQ_TIMEDSEND_TIME64, true
	case "mq_timedreceive_time64":
		return unix.SYS_MQ_TIMEDRECEIVE_TIME64, true
	case "semtimedop_time64":
		return unix.SYS_SEMTIMEDOP_TIME64, true
	case "rt_sigtimedwait_time64":
		return unix.SYS_RT_SIGTIMEDWAIT_TIME64, true
	case "futex_time64":
		return unix.SYS_FUTEX_TIME64, true
	case "sched_rr_get_interval_time64":
		return unix.SYS_SCHED_RR_GET_INTERVAL_TIME64, true
	case "pidfd_send_signal":
		return unix.SYS_PIDFD_SEND_SIGNAL, true
	case "io_uring_setup":
		return unix.SYS_IO_URING_SETUP, true
	case "io_uring_enter":
		return unix.SYS_IO_URING_ENTER, true
	case "io_uring_register":
		return unix.SYS_IO_URING_REGISTER, true
	case "open_tree":
		return unix.SYS_OPEN_TREE, true
	case "move_mount":
		return unix.SYS_MOVE_MOUNT, true
	case "fsopen":
		return unix.SYS_FSOPEN, true
	case "fsconfig":
		return unix.SYS_FSCONFIG, true
	case "fsmount":
		return unix.SYS_FSMOUNT, true
	case "fspick":
		return unix.SYS_FSPICK, true
	case "pidfd_open":
		return unix.SYS_PIDFD_OPEN, true
	case "clone3":
		return unix.SYS_CLONE3, true
	case "close_range":
		return unix.SYS_CLOSE_RANGE, true
	case "openat2":
		return unix.SYS_OPENAT2, true
	case "pidfd_getfd":
		return unix.SYS_PIDFD_GETFD, true
	case "faccessat2":
		return unix.SYS_FACCESSAT2, true
	case "process_madvise":
		return unix.SYS_PROCESS_MADVISE, true
	case "epoll_pwait2":
		return unix.SYS_EPOLL_PWAIT2, true
	case "mount_setattr":
		return unix.SYS_MOUNT_SETATTR, true
	case "quotactl_fd":
		return unix.SYS_QUOTACTL_FD, true
	case "landlock_create_ruleset":
		return unix.SYS_LANDLOCK_CREATE_RULESET, true
	case "landlock_add_rule":
		return unix.SYS_LANDLOCK_ADD_RULE, true
	case "landlock_restrict_self":
		return unix.SYS_LANDLOCK_RESTRICT_SELF, true
	case "process_mrelease":
		return unix.SYS_PROCESS_MRELEASE, true
	case "futex_waitv":
		return unix.SYS_FUTEX_WAITV, true
	case "set_mempolicy_home_node":
		return unix.SYS_SET_MEMPOLICY_HOME_NODE, true
	case "cachestat":
		return unix.SYS_CACHESTAT, true
	case "fchmodat2":
		return unix.SYS_FCHMODAT2, true
	case "map_shadow_stack":
		return unix.SYS_MAP_SHADOW_STACK, true
	case "futex_wake":
		return unix.SYS_FUTEX_WAKE, true
	case "futex_wait":
		return unix.SYS_FUTEX_WAIT, true
	case "futex_requeue":
		return unix.SYS_FUTEX_REQUEUE, true
	case "statmount":
		return unix.SYS_STATMOUNT, true
	case "listmount":
		return unix.SYS_LISTMOUNT, true
	case "lsm_get_self_attr":
		return unix.SYS_LSM_GET_SELF_ATTR, true
	case "lsm_set_self_attr":
		return unix.SYS_LSM_SET_SELF_ATTR, true
	case "lsm_list_modules":
		return unix.SYS_LSM_LIST_MODULES, true
	case "mseal":
		return unix.SYS_MSEAL, true
	case "setxattrat":
		return unix.SYS_SETXATTRAT, true
	case "getxattrat":
		return unix.SYS_GETXATTRAT, true
	case "listxattrat":
		return unix.SYS_LISTXATTRAT, true
	case "removexattrat":
		return unix.SYS_REMOVEXATTRAT, true
	case "open_tree_attr":
		return unix.SYS_OPEN_TREE_ATTR, true
	}
	return 0, false
}
