package container

import "fmt"

// DefaultStorageSize is the size of the tmpfs that holds a container's
// writes (the overlay's upper directory) when Config.StorageSize is 0:
// 512 MiB. A tmpfs takes memory only for what is written to it, so the
// size is a cap, not a reservation.
const DefaultStorageSize = 512 << 20

// MinStorageSize is the smallest Config.StorageSize accepted: 1 MiB,
// room for the overlay's work directory and a few small files.
const MinStorageSize = 1 << 20

// validateStorage checks Config.StorageSize.
func (c *Config) validateStorage() error {
	switch {
	case c.StorageSize < 0 || (c.StorageSize > 0 && c.StorageSize < MinStorageSize):
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("storage size %d bytes is below the 1M minimum (want e.g. 512M, or 0 for the default)", c.StorageSize)}
	case c.StorageSize > 0 && !c.Overlay:
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("a storage size needs Overlay (it caps what the container writes to its root)")}
	case c.StorageSize > 0 && c.KeepUpper != "":
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("a storage size does not apply to a kept upper directory (%s stays on its disk): leave one of them out", c.KeepUpper)}
	case c.StorageSize > 0 && c.has(User):
		return &Error{Code: ExitRuntimeError, Op: "config", Err: fmt.Errorf("a storage size does not apply in a user namespace (rootless, the writes go to the state directory on disk): leave it out, or run as root")}
	}
	return nil
}
