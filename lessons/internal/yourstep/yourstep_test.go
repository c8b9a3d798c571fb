package yourstep

import (
	"errors"
	"strings"
	"testing"
)

// A learner's step names itself in its error and in its panic, once.
func TestStepNamesItself(t *testing.T) {
	err := Step("PivotRoot", func() error { return errors.New("EBUSY") })
	if err == nil || err.Error() != "your PivotRoot: EBUSY" {
		t.Errorf(`want "your PivotRoot: EBUSY", got %v`, err)
	}
	if again := Step("PivotRoot", func() error { return err }); again == nil || again.Error() != err.Error() {
		t.Errorf("want an error that names the step kept as it is, got %v", again)
	}
	err = Step("MountOverlay", func() error { panic("TODO(lesson 6): write MountOverlay") })
	if err == nil || !strings.HasPrefix(err.Error(), "your MountOverlay panicked: TODO(lesson 6)") {
		t.Errorf("want the panic named, got %v", err)
	}
	if Step("MakePrivate", func() error { return nil }) != nil {
		t.Error("want nil for a step that succeeds")
	}
}
