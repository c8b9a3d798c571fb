package mine

import (
	"reflect"
	"testing"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// Every stage name fills its field of container.Stages, and no other.
func TestStagesFillTheNamedFields(t *testing.T) {
	names := workshop.StageNames()
	v := reflect.ValueOf(Stages(names))
	if v.NumField() != len(names) {
		t.Fatalf("want a name for each of container.Stages' %d fields, got %d names: %q", v.NumField(), len(names), names)
	}
	for _, name := range names {
		if v.FieldByName(name).IsNil() {
			t.Errorf("want Stages(%q) to fill %s, got nil", name, name)
		}
	}
	one := reflect.ValueOf(Stages([]string{"PivotRoot"}))
	for i := 0; i < one.NumField(); i++ {
		if name := one.Type().Field(i).Name; name != "PivotRoot" && !one.Field(i).IsNil() {
			t.Errorf("want only PivotRoot filled, got %s too", name)
		}
	}
	if !reflect.ValueOf(Stages(nil)).IsZero() {
		t.Error("want Stages(nil) empty: the library's every step")
	}
}
