#!/bin/sh
# Writes container/syscalls_linux_{amd64,arm64,arm}.go: each architecture's
# system call names mapped to golang.org/x/sys/unix's SYS_* numbers, for the
# seccomp filters (container/seccomp_linux.go). Run from the repository's
# root after changing the x/sys version: sh hack/gensyscalls.sh
set -eu
U=$(go list -m -f '{{.Dir}}' golang.org/x/sys)/unix
for a in amd64 arm64 arm; do
	case $a in
	amd64) aa=AUDIT_ARCH_X86_64 ;;
	arm64) aa=AUDIT_ARCH_AARCH64 ;;
	arm) aa=AUDIT_ARCH_ARM ;;
	esac
	{
		echo "// Code generated from golang.org/x/sys/unix/zsysnum_linux_$a.go by hack/gensyscalls.sh; DO NOT EDIT."
		echo
		echo "package container"
		echo
		echo 'import "golang.org/x/sys/unix"'
		echo
		echo "// auditArch is what seccomp_data.arch holds for this architecture's"
		echo "// native system calls."
		echo "const auditArch = unix.$aa"
		echo
		echo "// syscallNumbers maps the names of this architecture's system calls to"
		echo "// their numbers, for seccomp filters."
		echo "var syscallNumbers = map[string]uint32{"
		grep -oE '^\s*SYS_[A-Z0-9_]+\s*=' "$U/zsysnum_linux_$a.go" | tr -d ' \t=' |
			while read -r s; do
				printf '\t"%s": unix.%s,\n' "$(echo "${s#SYS_}" | tr A-Z a-z)" "$s"
			done
		echo "}"
	} >"container/syscalls_linux_$a.go"
	gofmt -w "container/syscalls_linux_$a.go"
done
