package jsonany

import "unicode/utf8"

// Member is one member of a JSON object: its key, decoded, and its value
// as raw JSON, a slice of the object's text.
type Member struct {
	Key   string
	Value string
}

// Index checks that s is one valid JSON object, exactly as Decode would,
// but builds nothing: it returns the object's members as raw JSON, so that
// a caller can decode only the ones it needs. Strings are not copied.
func Index(s string) ([]Member, error) {
	p := getParser(s, true)
	defer putParser(p)
	p.space()
	if p.i >= len(p.s) {
		return nil, errEnd
	}
	if p.s[p.i] != '{' {
		if _, err := p.value(0); err != nil {
			return nil, err
		}
		return nil, &SyntaxError{msg: "want a JSON object, got " + kindOf(p.s)}
	}
	var members []Member
	err := p.eachMember(true, func(k string, start int) error {
		if _, err := p.value(1); err != nil {
			return err
		}
		members = append(members, Member{Key: k, Value: p.s[start:p.i]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return members, p.end()
}

func kindOf(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '[':
			return "an array"
		case '"':
			return "a string"
		case 't', 'f':
			return "a boolean"
		case 'n':
			return "null"
		}
		return "a number"
	}
	return "nothing"
}

// Lookup returns the raw JSON at path inside s, which must be valid JSON
// (as Index and Decode accept it): for each key in turn the last member
// with that key, as a decoded map would hold. It reports false when a key
// is missing or a value on the way is not an object. It trusts s to be
// valid, so it only skips over values without checking them.
func Lookup(s string, path ...string) (string, bool) {
	for _, key := range path {
		found, ok := "", false
		if !eachRawMember(s, func(k, v string) {
			if k == key {
				found, ok = v, true
			}
		}) || !ok {
			return "", false
		}
		s = found
	}
	return s, true
}

// Members returns the members of s, as Index does, but trusts s to be a
// valid JSON object (text Index or Decode accepted, or a part of it)
// instead of checking it again. It reports false when s is not an object.
func Members(s string) ([]Member, bool) {
	var out []Member
	ok := eachRawMember(s, func(k, v string) { out = append(out, Member{Key: k, Value: v}) })
	return out, ok
}

// eachRawMember calls member with each key, decoded, and raw value of the
// valid JSON object s, skipping over values without checking them. It
// reports false when s is not an object.
func eachRawMember(s string, member func(key, value string)) bool {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return false
	}
	for i++; ; {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '"' {
			return true // '}' (or a broken s)
		}
		kend := quoteRun(s, i+1)
		k := s[i+1 : min(kend, len(s))]
		if kend < len(s) && s[kend] == '\\' || !utf8.ValidString(k) {
			// A key with escapes or invalid UTF-8: decode it as Decode does.
			p := getParser(s, false)
			p.i = i
			dk, err := p.str()
			kend = p.i - 1
			putParser(p)
			if err != nil {
				return false
			}
			k = dk
		}
		i = skipSpace(s, kend+1) + 1 // past ':'
		i = skipSpace(s, i)
		end := skipValue(s, i)
		member(k, s[i:end])
		i = skipSpace(s, end)
		if i >= len(s) || s[i] != ',' {
			return true
		}
		i++
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value starting at i.
func skipValue(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				i = skipString(s, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(s) {
		switch s[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// skipString returns the end of the string literal starting at i.
func skipString(s string, i int) int {
	for i++; ; {
		i = quoteRun(s, i)
		if i >= len(s) {
			return i
		}
		if s[i] == '"' {
			return i + 1
		}
		i += 2 // a backslash and the byte it escapes
	}
}

// eachMember walks the members of the object at p.i, calling member with
// each key (decoded if keys is set) and the offset where its value
// starts; member must consume the value.
func (p *parser) eachMember(keys bool, member func(key string, start int) error) error {
	p.i++ // {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		p.space()
		if p.i >= len(p.s) {
			return errEnd
		}
		if p.s[p.i] != '"' {
			return p.errorf("invalid character %s looking for beginning of object key string", quoteChar(p.s[p.i]))
		}
		skip := p.skip
		p.skip = !keys
		k, err := p.str()
		p.skip = skip
		if err != nil {
			return err
		}
		p.space()
		if p.i >= len(p.s) {
			return errEnd
		}
		if p.s[p.i] != ':' {
			return p.errorf("invalid character %s after object key", quoteChar(p.s[p.i]))
		}
		p.i++
		p.space()
		if err := member(k, p.i); err != nil {
			return err
		}
		p.space()
		if p.i >= len(p.s) {
			return errEnd
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.errorf("invalid character %s after object key:value pair", quoteChar(p.s[p.i]))
		}
	}
}

// Elements returns the elements of the JSON array s as raw JSON. Like
// Lookup it trusts s to be valid (as Index and Decode accept it); it
// reports false when s is not an array.
func Elements(s string) ([]string, bool) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '[' {
		return nil, false
	}
	var out []string
	for i++; ; {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] == ']' {
			return out, true
		}
		end := skipValue(s, i)
		out = append(out, s[i:end])
		if i = skipSpace(s, end); i < len(s) && s[i] == ',' {
			i++
		}
	}
}
