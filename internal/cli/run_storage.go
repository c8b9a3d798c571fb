package cli

import (
	"fmt"
	"strings"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// storageOptUsage is the help of run's --storage-opt, named after docker
// run's: the one option, size, caps what the container writes to its root.
var storageOptUsage = fmt.Sprintf("`size=SIZE`: cap what the container writes to its root (a tmpfs in its own mount namespace; default %dM, at least 1M; counts against --memory)", container.DefaultStorageSize>>20)

// parseStorageOpt reads one --storage-opt: size=SIZE, with SIZE as
// --memory takes it (512M, 1G).
func parseStorageOpt(s string) (int64, error) {
	key, value, ok := strings.Cut(s, "=")
	if !ok || key != "size" {
		return 0, fmt.Errorf("storage-opt %q: the only option is size=SIZE (want e.g. --storage-opt size=1G)", s)
	}
	n, err := cgroups.ParseSize(value)
	if err != nil {
		return 0, fmt.Errorf("storage-opt %q: the size is not a whole number with a K, M or G suffix (want e.g. --storage-opt size=1G)", s)
	}
	if n < container.MinStorageSize {
		return 0, fmt.Errorf("storage-opt %q is below 1M, too little for the overlay's own directories (want e.g. --storage-opt size=64M)", s)
	}
	return n, nil
}
