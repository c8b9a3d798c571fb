//go:build unix

package cli

import (
	"io/fs"
	"syscall"
)

// allocated is the space a file's blocks take on disk (st_blocks, in
// 512-byte units whatever the filesystem's block size: stat(2)).
func allocated(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return 0
}
