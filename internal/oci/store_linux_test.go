package oci

import "testing"

// TestCheckID: runc's rule for container ids, letters, digits, '_', '+',
// '-' and '.', nothing a path could misread.
func TestCheckID(t *testing.T) {
	for _, id := range []string{"mybox", "box-1", "a.b_c+d", "A9", "..."} {
		if err := checkID(id); err != nil {
			t.Errorf("id %q: want it accepted, got %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "a/b", "/abs", "sp ace", "ü", "a\nb", "a:b"} {
		if err := checkID(id); err == nil {
			t.Errorf("id %q: want it refused, got no error", id)
		}
	}
}
