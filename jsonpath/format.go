package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// meter spends evaluation steps (see executor.charge); a nil meter
// spends nothing.
type meter func(steps int) error

func (m meter) spend(steps int) error {
	if m == nil {
		return nil
	}
	return m(steps)
}

// stringSteps is the cost of writing s: one step plus one per bytesPerStep
// bytes.
func stringSteps(s string) int { return 1 + len(s)/bytesPerStep }

// writeValue writes one result the way kubectl prints it. It spends a
// step on m for each value it writes (a map or slice, each value in it)
// and for each bytesPerStep bytes of strings and keys, before writing
// them, and stops with m's error.
func writeValue(buf *bytes.Buffer, v any, m meter) error {
	switch t := v.(type) {
	case map[string]any, []any:
		return writeJSON(buf, t, m)
	case string:
		if err := m.spend(stringSteps(t)); err != nil {
			return err
		}
		buf.WriteString(t)
		return nil
	}
	if err := m.spend(1); err != nil {
		return err
	}
	switch t := v.(type) {
	case nil:
		buf.WriteString("null")
	case missing:
		buf.WriteString("<no value>")
	case bool:
		buf.WriteString(strconv.FormatBool(t))
	case floatLit:
		fmt.Fprint(buf, float64(t))
	default:
		if i, f, isInt, ok := number(v); ok {
			if isInt {
				buf.WriteString(strconv.FormatInt(i, 10))
			} else {
				fmt.Fprint(buf, f)
			}
			return nil
		}
		if n, ok := v.(json.Number); ok {
			buf.WriteString(string(n))
			return nil
		}
		fmt.Fprint(buf, v)
	}
	return nil
}

// writeJSON writes v as compact JSON like encoding/json (sorted keys, HTML
// escaping), with numbers normalised as kubectl's decoder does. It spends
// steps on m as writeValue does.
func writeJSON(buf *bytes.Buffer, v any, m meter) error {
	v = canon(v)
	steps := 1
	if s, ok := v.(string); ok {
		steps = stringSteps(s)
	}
	if err := m.spend(steps); err != nil {
		return err
	}
	switch t := v.(type) {
	case map[string]any:
		buf.WriteByte('{')
		for i, k := range sortedKeys(t) {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := m.spend(len(k) / bytesPerStep); err != nil {
				return err
			}
			if err := writeJSONString(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := writeJSON(buf, t[k], m); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, e, m); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case string:
		return writeJSONString(buf, t)
	case nil, missing:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(t))
	default:
		i, f, isInt, ok := number(t)
		switch {
		case ok && isInt:
			buf.WriteString(strconv.FormatInt(i, 10))
		case ok:
			b, err := json.Marshal(f)
			if err != nil {
				return err
			}
			buf.Write(b)
		default:
			b, err := json.Marshal(t)
			if err != nil {
				return err
			}
			buf.Write(b)
		}
	}
	return nil
}

// writeJSONString writes s as encoding/json does. Strings of printable
// ASCII that need no escaping (as keys usually are) are written directly;
// others go through json.Marshal.
func writeJSONString(buf *bytes.Buffer, s string) error {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			plain = false
			break
		}
	}
	if plain {
		buf.WriteByte('"')
		buf.WriteString(s)
		buf.WriteByte('"')
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// unmarshalNumber decodes JSON keeping numbers as json.Number.
func unmarshalNumber(b []byte, out *any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(out)
}
