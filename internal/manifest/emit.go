package manifest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ToYAML writes one JSON value (normally an object) as block-style YAML in
// the layout of kubectl -o yaml: keys in the JSON's order, two-space
// indentation, sequences not indented under their key, multi-line strings
// as literal blocks. A string is quoted whenever a YAML 1.1 reader (such as
// kubectl) could read it as something else, so the output reads back as
// the same JSON.
func ToYAML(jsonObj []byte) ([]byte, error) {
	v, err := parseJSON(jsonObj)
	if err != nil {
		return nil, err
	}
	var b []byte
	switch t := v.(type) {
	case *object:
		if len(t.members) == 0 {
			return []byte("{}\n"), nil
		}
		b = emitObject(b, t, 0)
	case []any:
		if len(t) == 0 {
			return []byte("[]\n"), nil
		}
		b = emitSeq(b, t, 0)
	default:
		b = emitScalar(b, v, 2)
		b = append(b, '\n')
	}
	return b, nil
}

func indentTo(b []byte, n int) []byte {
	for range n {
		b = append(b, ' ')
	}
	return b
}

// emitObject writes a non-empty object's members, the first without
// indentation (the caller has positioned it), the rest at indent.
func emitObject(b []byte, o *object, indent int) []byte {
	for i, m := range o.members {
		if i > 0 {
			b = indentTo(b, indent)
		}
		b = emitKey(b, m.key)
		b = append(b, ':')
		b = emitValue(b, m.val, indent, false)
	}
	return b
}

// emitSeq writes a non-empty sequence, the first "- " without indentation.
func emitSeq(b []byte, a []any, indent int) []byte {
	for i, e := range a {
		if i > 0 {
			b = indentTo(b, indent)
		}
		b = append(b, '-')
		b = emitValue(b, e, indent, true)
	}
	return b
}

// emitValue writes v after "key:" (inSeq false) or "-" (inSeq true), where
// the key or dash is at indent, ending with a newline.
func emitValue(b []byte, v any, indent int, inSeq bool) []byte {
	switch t := v.(type) {
	case *object:
		if len(t.members) == 0 {
			return append(b, " {}\n"...)
		}
		if inSeq {
			b = append(b, ' ')
			return emitObject(b, t, indent+2)
		}
		b = append(b, '\n')
		b = indentTo(b, indent+2)
		return emitObject(b, t, indent+2)
	case []any:
		if len(t) == 0 {
			return append(b, " []\n"...)
		}
		if inSeq {
			b = append(b, ' ')
			return emitSeq(b, t, indent+2)
		}
		b = append(b, '\n')
		b = indentTo(b, indent)
		return emitSeq(b, t, indent)
	}
	b = append(b, ' ')
	b = emitScalar(b, v, indent+2)
	return append(b, '\n')
}

// emitScalar writes a scalar; block literal lines are indented by indent.
func emitScalar(b []byte, v any, indent int) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if t {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case number:
		return append(b, t...)
	case string:
		if plainSafe(t) {
			return append(b, t...)
		}
		if literalSafe(t) {
			return emitLiteral(b, t, indent)
		}
		return appendJSONString(b, t)
	}
	return append(b, "null"...)
}

func emitKey(b []byte, k string) []byte {
	if plainSafe(k) && len(k) <= 1000 {
		return append(b, k...)
	}
	return appendJSONString(b, k)
}

// emitLiteral writes s as a literal block scalar ("|" or "|-").
func emitLiteral(b []byte, s string, indent int) []byte {
	body := s
	if strings.HasSuffix(s, "\n") {
		b = append(b, '|')
		body = s[:len(s)-1]
	} else {
		b = append(b, "|-"...)
	}
	for _, line := range strings.Split(body, "\n") {
		b = append(b, '\n')
		if line != "" {
			b = indentTo(b, indent)
			b = append(b, line...)
		}
	}
	return b
}

// plainSafe reports whether s can be written as a plain scalar and read
// back (with YAML 1.1 resolution) as the same string. It is deliberately
// conservative: anything doubtful is quoted.
func plainSafe(s string) bool {
	if s == "" || resolvePlain(s).tag != tagStr {
		return false
	}
	r0, _ := utf8.DecodeRuneInString(s)
	if !(unicode.IsLetter(r0) || unicode.IsDigit(r0) || strings.ContainsRune("/._$(=+^\\", r0)) {
		return false
	}
	if strings.HasPrefix(s, "...") {
		return false
	}
	last := s[len(s)-1]
	if last == ' ' || last == ':' {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	for _, r := range s {
		if r == utf8.RuneError || r == '\t' || r == 0xfeff || r == 0x85 || r == 0x2028 || r == 0x2029 || !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// literalSafe reports whether s, which must contain a newline, can be
// written as a literal block scalar with "|" or "|-" chomping.
func literalSafe(s string) bool {
	if !strings.Contains(s, "\n") || strings.HasSuffix(s, "\n\n") || s == "\n" {
		return false
	}
	if s[0] == ' ' || s[0] == '\n' {
		return false
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if strings.HasSuffix(line, " ") {
			return false
		}
	}
	for _, r := range s {
		if r == utf8.RuneError || r == '\t' || r == '\r' || r == 0xfeff || r == 0x85 || r == 0x2028 || r == 0x2029 || (!unicode.IsPrint(r) && r != ' ' && r != '\n') {
			return false
		}
	}
	return true
}
