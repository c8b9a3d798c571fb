package cli

import (
	"io/fs"
	"path/filepath"
)

// diskUsage adds up the space the files under dir take, as du does (see
// allocated for what counts on each system).
func diskUsage(dir string) int64 {
	if dir == "" {
		return 0
	}
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil {
			total += allocated(info)
		}
		return nil
	})
	return total
}
