package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

type hookSpec = specs.Hook

// runHooks runs hooks in order, each with the container's state as JSON
// on its stdin (runtime-spec, "POSIX-platform Hooks"), and stops at the
// first that fails or outlives its timeout.
func runHooks(which string, hooks []hookSpec, st specs.State) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	for i, h := range hooks {
		ctx := context.Background()
		if h.Timeout != nil {
			if *h.Timeout <= 0 {
				return fmt.Errorf("hooks.%s[%d].timeout %d: want a positive number of seconds", which, i, *h.Timeout)
			}
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, time.Duration(*h.Timeout)*time.Second)
			defer cancel()
		}
		cmd := exec.CommandContext(ctx, h.Path)
		if len(h.Args) > 0 {
			cmd.Args = h.Args
		}
		cmd.Env = h.Env
		cmd.Stdin = bytes.NewReader(data)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("hooks.%s[%d] (%s): %w: %s", which, i, h.Path, err, bytes.TrimSpace(out.Bytes()))
		}
	}
	return nil
}
