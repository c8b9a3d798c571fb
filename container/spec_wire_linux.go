package container

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// The spec crosses the pipe from the runtime to its init in a small format
// of its own, not JSON: encoding/json builds an encoder for every type a
// struct can hold, all the way down, the first time it meets the struct,
// and in both processes (its decoder builds them too). For the spec that
// was half a millisecond of every container's start. Here every field is
// written in a fixed order as uvarint-prefixed bytes; the OCI extras and a
// seccomp profile, rare and deep, still travel as JSON, and only when set.
// TestSpecWireRoundTrip fills every field of spec, so a field added to
// spec but not here fails it.

// encode writes s for the init to read with decodeSpec.
func (s spec) encode(w io.Writer) error {
	var e wireEncoder
	e.strs(s.Args)
	e.strs(s.Env)
	e.str(s.Dir)
	e.bool(s.Init)
	e.count(len(s.Namespaces), s.Namespaces == nil)
	for _, ns := range s.Namespaces {
		e.str(string(ns))
	}
	e.str(s.Rootfs)
	e.str(s.Hostname)
	e.bool(s.ReadOnly)
	e.bool(s.NoPivot)
	e.strs(s.Lowers)
	e.str(s.Upper)
	e.str(s.Work)
	e.str(s.Merged)
	e.bool(s.Volatile)
	e.str(s.Storage)
	e.int(s.StorageSize)
	e.count(len(s.Volumes), s.Volumes == nil)
	for _, v := range s.Volumes {
		e.str(v.Host)
		e.str(v.Container)
		e.bool(v.ReadOnly)
	}
	e.bool(s.TerminalKeys)
	e.str(s.Pids)
	e.bool(s.Security.Privileged)
	e.strs(s.Security.CapAdd)
	e.strs(s.Security.CapDrop)
	e.bool(s.Security.NewPrivileges)
	e.bool(s.Security.SeccompUnconfined)
	if err := e.jsonIfSet(s.Security.Seccomp); err != nil {
		return err
	}
	e.strs(s.Caps)
	e.str(s.User)
	e.str(s.Address)
	e.str(s.Gateway)
	e.count(len(s.NetFiles), s.NetFiles == nil)
	for k, v := range s.NetFiles {
		e.str(k)
		e.str(v)
	}
	if err := e.jsonIfSet(s.Extras); err != nil {
		return err
	}
	_, err := w.Write(e.buf)
	return err
}

// decodeSpec reads what encode wrote, to the end of r.
func decodeSpec(r io.Reader) (spec, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return spec{}, err
	}
	d := wireDecoder{buf: data}
	var s spec
	s.Args = d.strs()
	s.Env = d.strs()
	s.Dir = d.str()
	s.Init = d.bool()
	if n, isNil := d.count(); !isNil {
		s.Namespaces = make([]Namespace, n)
		for i := range s.Namespaces {
			s.Namespaces[i] = Namespace(d.str())
		}
	}
	s.Rootfs = d.str()
	s.Hostname = d.str()
	s.ReadOnly = d.bool()
	s.NoPivot = d.bool()
	s.Lowers = d.strs()
	s.Upper = d.str()
	s.Work = d.str()
	s.Merged = d.str()
	s.Volatile = d.bool()
	s.Storage = d.str()
	s.StorageSize = d.int()
	if n, isNil := d.count(); !isNil {
		s.Volumes = make([]Volume, n)
		for i := range s.Volumes {
			s.Volumes[i] = Volume{Host: d.str(), Container: d.str(), ReadOnly: d.bool()}
		}
	}
	s.TerminalKeys = d.bool()
	s.Pids = d.str()
	s.Security.Privileged = d.bool()
	s.Security.CapAdd = d.strs()
	s.Security.CapDrop = d.strs()
	s.Security.NewPrivileges = d.bool()
	s.Security.SeccompUnconfined = d.bool()
	d.jsonInto(&s.Security.Seccomp)
	s.Caps = d.strs()
	s.User = d.str()
	s.Address = d.str()
	s.Gateway = d.str()
	if n, isNil := d.count(); !isNil {
		s.NetFiles = make(map[string]string, n)
		for range n {
			k := d.str()
			s.NetFiles[k] = d.str()
		}
	}
	d.jsonInto(&s.Extras)
	if d.err == nil && len(d.buf) > 0 {
		d.err = fmt.Errorf("%d bytes left over", len(d.buf))
	}
	if d.err != nil {
		return spec{}, fmt.Errorf("read spec: %w", d.err)
	}
	return s, nil
}

// wireEncoder appends values as uvarint-prefixed bytes.
type wireEncoder struct{ buf []byte }

func (e *wireEncoder) uvarint(n uint64) { e.buf = binary.AppendUvarint(e.buf, n) }

func (e *wireEncoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *wireEncoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *wireEncoder) int(n int64) { e.buf = binary.AppendVarint(e.buf, n) }

// count writes a length, with 0 for nil so that nil and empty differ.
func (e *wireEncoder) count(n int, isNil bool) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

func (e *wireEncoder) strs(l []string) {
	e.count(len(l), l == nil)
	for _, s := range l {
		e.str(s)
	}
}

// jsonIfSet writes v as JSON when it is not its type's zero value, and
// an empty string otherwise.
func (e *wireEncoder) jsonIfSet(v any) error {
	if reflect.ValueOf(v).IsZero() {
		e.str("")
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.str(string(data))
	return nil
}

// wireDecoder reads what wireEncoder wrote; the first error sticks and
// every later read returns a zero value.
type wireDecoder struct {
	buf []byte
	err error
}

var errShortSpec = errors.New("the spec ends too soon")

func (d *wireDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	n, size := binary.Uvarint(d.buf)
	if size <= 0 {
		d.err = errShortSpec
		return 0
	}
	d.buf = d.buf[size:]
	return n
}

func (d *wireDecoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)) {
		d.err = errShortSpec
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

func (d *wireDecoder) bool() bool {
	if d.err != nil {
		return false
	}
	if len(d.buf) == 0 {
		d.err = errShortSpec
		return false
	}
	b := d.buf[0] == 1
	d.buf = d.buf[1:]
	return b
}

func (d *wireDecoder) int() int64 {
	if d.err != nil {
		return 0
	}
	n, size := binary.Varint(d.buf)
	if size <= 0 {
		d.err = errShortSpec
		return 0
	}
	d.buf = d.buf[size:]
	return n
}

// count reads what wireEncoder.count wrote. A count larger than the bytes
// left cannot be right (every element takes at least one byte).
func (d *wireDecoder) count() (n int, isNil bool) {
	c := d.uvarint()
	if d.err != nil || c == 0 {
		return 0, true
	}
	if c-1 > uint64(len(d.buf)) {
		d.err = errShortSpec
		return 0, true
	}
	return int(c - 1), false
}

func (d *wireDecoder) strs() []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}

// jsonInto reads what jsonIfSet wrote into v, and leaves v alone when
// nothing was set.
func (d *wireDecoder) jsonInto(v any) {
	data := d.str()
	if d.err != nil || data == "" {
		return
	}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		d.err = err
	}
}
