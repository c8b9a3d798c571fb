package cli

import (
	"strings"
	"testing"
)

func TestRunStorageOpt(t *testing.T) {
	opts, command, err := parseRun("unboxed", []string{"--storage-opt", "size=64M", "--", "/bin/true"})
	if err != nil || opts.storageSize != 64<<20 || strings.Join(command, " ") != "/bin/true" {
		t.Fatalf("--storage-opt size=64M: want 67108864 bytes and the command /bin/true, got %d, %q, %v", opts.storageSize, command, err)
	}
	for _, bad := range []struct{ arg, says string }{
		{"size=12Q", `storage-opt "size=12Q"`},
		{"size=512K", "below 1M"},
		{"quota=1G", "the only option is size=SIZE"},
		{"1G", "the only option is size=SIZE"},
	} {
		_, _, err := parseRun("unboxed", []string{"--storage-opt", bad.arg, "/bin/true"})
		if err == nil || !strings.Contains(err.Error(), bad.says) || !strings.Contains(err.Error(), "want e.g. --storage-opt size=") {
			t.Errorf("--storage-opt %s: want an error that says %q and shows an example, got %v", bad.arg, bad.says, err)
		}
	}
	// Refused before any work: exit 125, nothing started.
	if code := Run("unboxed", []string{"--storage-opt", "size=1K", "--", "/bin/true"}); code != 125 {
		t.Errorf("run --storage-opt size=1K: want exit 125, got %d", code)
	}
}
