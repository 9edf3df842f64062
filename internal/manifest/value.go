package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// The decoded form of a JSON value, shared by the YAML and JSON readers and
// by the writers. A value is one of:
//
//	nil       JSON null
//	bool      JSON true/false
//	string    JSON string
//	number    JSON number, kept as its (valid) JSON text so integers stay exact
//	[]any     JSON array
//	*object   JSON object, keys in document order
type number string

// member is one key/value pair of an object.
type member struct {
	key string
	val any
}

// object is a JSON object that remembers the order its keys were first set.
// Setting an existing key replaces its value in place (last one wins, like
// sigs.k8s.io/yaml and encoding/json).
type object struct {
	members []member
	index   map[string]int
}

func newObject() *object { return &object{index: map[string]int{}} }

func (o *object) set(k string, v any) {
	if i, ok := o.index[k]; ok {
		o.members[i].val = v
		return
	}
	o.index[k] = len(o.members)
	o.members = append(o.members, member{k, v})
}

func (o *object) get(k string) (any, bool) {
	i, ok := o.index[k]
	if !ok {
		return nil, false
	}
	return o.members[i].val, true
}

// maxDepth bounds the nesting of values read from any input.
const maxDepth = 10000

var errTooDeep = fmt.Errorf("exceeded maximum nesting depth of %d", maxDepth)

// parseJSONValue reads one JSON value from dec (which must use UseNumber),
// keeping object key order.
func parseJSONValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return parseJSONToken(dec, tok, depth)
}

func parseJSONToken(dec *json.Decoder, tok json.Token, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("invalid object key %v", kt)
				}
				v, err := parseJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return o, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := parseJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %q", rune(t))
	case json.Number:
		return number(t), nil
	case string, bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// parseJSON parses data, which must hold exactly one JSON value.
func parseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec, 0)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("invalid JSON: unexpected end of input")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid JSON: data after the top-level value")
	}
	return v, nil
}

// appendJSON appends v as JSON. With indent != "", objects and arrays are
// laid out one member per line, prefixed by prefix+indent per level.
func appendJSON(b []byte, v any, prefix, indent string) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, t)
	case number:
		return append(b, t...)
	case string:
		return appendJSONString(b, t)
	case []any:
		if len(t) == 0 {
			return append(b, "[]"...)
		}
		b = append(b, '[')
		inner := prefix + indent
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			if indent != "" {
				b = append(b, '\n')
				b = append(b, inner...)
			}
			b = appendJSON(b, e, inner, indent)
		}
		if indent != "" {
			b = append(b, '\n')
			b = append(b, prefix...)
		}
		return append(b, ']')
	case *object:
		if len(t.members) == 0 {
			return append(b, "{}"...)
		}
		b = append(b, '{')
		inner := prefix + indent
		for i, m := range t.members {
			if i > 0 {
				b = append(b, ',')
			}
			if indent != "" {
				b = append(b, '\n')
				b = append(b, inner...)
			}
			b = appendJSONString(b, m.key)
			b = append(b, ':')
			if indent != "" {
				b = append(b, ' ')
			}
			b = appendJSON(b, m.val, inner, indent)
		}
		if indent != "" {
			b = append(b, '\n')
			b = append(b, prefix...)
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("manifest: unexpected value type %T", v))
}

const hexDigits = "0123456789abcdef"

// shortEscaped reports an ASCII byte that appendJSONString writes as a
// backslash and one letter.
func shortEscaped(c byte) bool {
	return c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t'
}

// controlByte reports an ASCII control that appendJSONString writes as
// \u00XX.
func controlByte(c byte) bool { return c < 0x20 || c == 0x7f }

// escapedRune reports a non-ASCII rune that appendJSONString writes as
// \uXXXX: line separators (YAML 1.1 treats NEL, LS and PS as line
// breaks), the BOM and C1 controls.
func escapedRune(r rune) bool {
	return r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff || (r >= 0x80 && r < 0xa0)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD
// (as encoding/json does); HTML characters are not escaped. The result is
// also a valid YAML double-quoted scalar.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case controlByte(c):
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case escapedRune(r):
			b = append(b, '\\', 'u')
			b = append(b, hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
