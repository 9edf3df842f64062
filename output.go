package kr8s

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/kr8s-go/kr8s/internal/manifest"
)

// MarshalYAML encodes v as YAML laid out like kubectl -o yaml. v is
// anything encoding/json encodes; keys keep the order encoding/json writes
// them in (struct fields in order, map keys sorted, json.RawMessage as
// written, so an Object's JSON keeps its layout).
//
//	b, err := kr8s.MarshalYAML(map[string]any{"apiVersion": "v1", "kind": "List", "items": pods})
func MarshalYAML(v any) ([]byte, error) {
	b, err := encodeJSON(v)
	if err != nil {
		return nil, err
	}
	return manifest.ToYAML(b)
}

// MarshalJSON encodes v as JSON indented by four spaces, like kubectl -o
// json, with <, > and & left as they are.
func MarshalJSON(v any) ([]byte, error) {
	b, err := encodeJSON(v)
	if err != nil {
		return nil, err
	}
	return manifest.ToJSON(b, true)
}

// encodeJSON encodes v without escaping <, > and &, which kubectl leaves
// alone.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// YAML returns the object as YAML, laid out like kubectl -o yaml:
// apiVersion, kind and metadata first, then the other fields in key
// order.
func (o *Object) YAML() ([]byte, error) {
	b, err := o.orderedJSON()
	if err != nil {
		return nil, err
	}
	return manifest.ToYAML(b)
}

// JSON returns the object as JSON indented by four spaces, like kubectl
// -o json, with the fields in the same order as YAML. MarshalJSON gives
// the compact form.
func (o *Object) JSON() ([]byte, error) {
	b, err := o.orderedJSON()
	if err != nil {
		return nil, err
	}
	return manifest.ToJSON(b, true)
}

// orderedJSON encodes the object with apiVersion, kind and metadata
// first, and without escaping <, > and &, which kubectl leaves alone.
func (o *Object) orderedJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	first := []string{"apiVersion", "kind", "metadata"}
	keys := slices.DeleteFunc(slices.Sorted(maps.Keys(o.m())), func(k string) bool { return slices.Contains(first, k) })
	buf.WriteByte('{')
	n := 0
	for _, k := range append(first, keys...) {
		v, ok := o.m()[k]
		if !ok {
			continue
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		if err := enc.Encode(k); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("encode %s: .%s: %w", o, k, err)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
