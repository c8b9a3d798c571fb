package container

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// siginfoPid reads si_pid out of a siginfo_t. x/sys/unix keeps the union
// opaque; si_pid is its first member, which starts after three ints, plus
// padding to 8 bytes on 64-bit systems (sigaction(2), <bits/siginfo.h>).
func siginfoPid(info *unix.Siginfo) int {
	offset := uintptr(12)
	if unsafe.Sizeof(uintptr(0)) == 8 {
		offset = 16
	}
	return int(*(*int32)(unsafe.Add(unsafe.Pointer(info), offset)))
}
