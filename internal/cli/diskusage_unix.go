//go:build unix

package cli

import (
	"io/fs"
	"path/filepath"
	"syscall"
)

// diskUsage adds up the blocks the files under dir take, as du does.
func diskUsage(dir string) int64 {
	if dir == "" {
		return 0
	}
	var total int64
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				total += st.Blocks * 512
			}
		}
		return nil
	})
	return total
}
