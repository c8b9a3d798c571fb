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
	}
	return nil
}
