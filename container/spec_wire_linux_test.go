package container

import (
	"bytes"
	"reflect"
	"testing"
)

// fill sets every field v can reach to a value that is not its zero: a
// string of its path, true, 7, one element, one key, a new pointee.
func fill(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(-7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), path+"[0]")
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, path+".key")
		fill(t, e, path+".value")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path)
	default:
		t.Fatalf("%s: fill does not know %s; teach it, and the spec's wire format", path, v.Kind())
	}
}

func roundTrip(t *testing.T, s spec) spec {
	t.Helper()
	var buf bytes.Buffer
	if err := s.encode(&buf); err != nil {
		t.Fatalf("encode: %v", err)
	}
	got, err := decodeSpec(&buf)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return got
}

// TestSpecWireRoundTrip sends a spec with every field set, down to the
// OCI extras and a seccomp profile, and wants it back as it was: a field
// added to spec but not to encode and decodeSpec fails here.
func TestSpecWireRoundTrip(t *testing.T) {
	var s spec
	fill(t, reflect.ValueOf(&s).Elem(), "spec")
	if got := roundTrip(t, s); !reflect.DeepEqual(got, s) {
		t.Errorf("want the spec back as it was sent, got a different one:\nsent %+v\ngot  %+v", s, got)
	}
}

// TestSpecWireKeepsNilApartFromEmpty: the init tells a nil list (use the
// default) from an empty one (nothing) in places, as JSON's null and []
// did.
func TestSpecWireKeepsNilApartFromEmpty(t *testing.T) {
	empty := spec{Args: []string{}, Caps: []string{}, Volumes: []Volume{}, NetFiles: map[string]string{}}
	if got := roundTrip(t, empty); !reflect.DeepEqual(got, empty) {
		t.Errorf("want empty lists and maps back empty, got %+v", got)
	}
	if got := roundTrip(t, spec{}); !reflect.DeepEqual(got, spec{}) {
		t.Errorf("want nil lists and maps back nil, got %+v", got)
	}
}

// TestSpecWireRefusesATruncatedSpec: a spec cut short (a runtime that died
// while writing it) is an error, never a half-filled spec.
func TestSpecWireRefusesATruncatedSpec(t *testing.T) {
	var buf bytes.Buffer
	if err := (spec{Args: []string{"/bin/true"}, Hostname: "box"}).encode(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for n := range len(data) {
		if _, err := decodeSpec(bytes.NewReader(data[:n])); err == nil {
			t.Fatalf("want an error for the spec's first %d of %d bytes, got none", n, len(data))
		}
	}
	if _, err := decodeSpec(bytes.NewReader(append(data, 0))); err == nil {
		t.Fatal("want an error for a spec with a byte left over, got none")
	}
}
