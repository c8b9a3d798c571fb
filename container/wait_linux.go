package container

import (
	"errors"
	"fmt"
	"os/exec"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// Wait waits for the container to end and returns its exit status. The
// error is non-nil when ctx ended it. Later calls return the same.
func (c *Container) Wait() (int, error) {
	c.waited.Do(func() { c.waitCode, c.waitErr = c.wait() })
	return c.waitCode, c.waitErr
}

func (c *Container) wait() (int, error) {
	err := c.cmd.Wait()
	close(c.done)
	c.mu.Lock()
	if c.cgroup != nil {
		if st, err := c.cgroup.Stats(); err == nil {
			c.stats = &st
		}
	}
	// The cgroup goes first: removing it kills and waits for whatever is
	// left in the container, whose mount namespace (and overlay) goes with
	// the last of them; then the state directories can go.
	c.release()
	c.mu.Unlock()
	code := ExitStatus(c.cmd.ProcessState)
	var exitErr *exec.ExitError
	switch {
	case c.ctx.Err() != nil:
		return code, fmt.Errorf("container killed: %w", c.ctx.Err())
	case err != nil && !errors.As(err, &exitErr):
		return code, fmt.Errorf("wait for container: %w", err)
	}
	return code, nil
}

// Stats is what the container's cgroup measured, once Wait has returned;
// false when it had no limits (and so no cgroup).
func (c *Container) Stats() (cgroups.Stats, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stats == nil {
		return cgroups.Stats{}, false
	}
	return *c.stats, true
}

// Usage reads the container's cgroup while it runs (see Stats for after);
// false when it has no limits, and so no cgroup.
func (c *Container) Usage() (cgroups.Stats, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cgroup == nil {
		return cgroups.Stats{}, false
	}
	st, err := c.cgroup.Stats()
	return st, err == nil
}

// Upper is the overlay's upper directory, where the container's writes
// land; empty without an overlay, once the container has ended, or when
// the upper is on the tmpfs in the container's own mount namespace, out
// of the host's reach (see Config.StorageSize; KeepUpper keeps it on the
// host).
func (c *Container) Upper() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == nil || c.state.inside {
		return ""
	}
	return c.state.upper
}
