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
		echo "// syscallNumber returns the number of this architecture's system call"
		echo "// of that name, for seccomp filters. A switch rather than a map: a map"
		echo "// literal this size is built at every start of the binary, the"
		echo "// container's init included, and costs it a fraction of a millisecond."
		echo "func syscallNumber(name string) (uint32, bool) {"
		echo "	switch name {"
		grep -oE '^\s*SYS_[A-Z0-9_]+\s*=' "$U/zsysnum_linux_$a.go" | tr -d ' \t=' |
			while read -r s; do
				printf '\tcase "%s":\n\t\treturn unix.%s, true\n' "$(echo "${s#SYS_}" | tr A-Z a-z)" "$s"
			done
		echo "	}"
		echo "	return 0, false"
		echo "}"
	} >"container/syscalls_linux_$a.go"
	gofmt -w "container/syscalls_linux_$a.go"
done
