package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// writeValue writes one result the way kubectl prints it.
func writeValue(buf *bytes.Buffer, v any) error {
	switch t := v.(type) {
	case map[string]any, []any:
		return writeJSON(buf, t)
	case string:
		buf.WriteString(t)
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
// escaping), with numbers normalised as kubectl's decoder does.
func writeJSON(buf *bytes.Buffer, v any) error {
	switch t := canon(v).(type) {
	case map[string]any:
		buf.WriteByte('{')
		for i, k := range sortedKeys(t) {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSONString(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := writeJSON(buf, t[k]); err != nil {
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
			if err := writeJSON(buf, e); err != nil {
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

func writeJSONString(buf *bytes.Buffer, s string) error {
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
