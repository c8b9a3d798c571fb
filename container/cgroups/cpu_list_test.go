package cgroups

import "testing"

// TestValidCPUList: cpuset(7)'s list format, numbers and ranges.
func TestValidCPUList(t *testing.T) {
	for _, s := range []string{"0", "0-3", "0-3,6", "1,3,5-7", "10-11"} {
		if !ValidCPUList(s) {
			t.Errorf("cpus %q: want it accepted, got refused", s)
		}
	}
	for _, s := range []string{"", ",", "0,", "-1", "1-", "a", "0-3,,4", "1-2-3", " 1"} {
		if ValidCPUList(s) {
			t.Errorf("cpus %q: want it refused, got accepted", s)
		}
	}
}
