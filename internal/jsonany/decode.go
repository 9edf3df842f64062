// Package jsonany decodes JSON into the values encoding/json gives an
// `any`: map[string]any, []any, string, float64, bool and nil. It does so
// in one pass over a string, where encoding/json scans twice (once to
// validate, once to decode), and strings without escapes share the
// input's memory instead of being copied one by one. The results equal
// encoding/json's, down to invalid UTF-8 becoming U+FFFD; the fuzz test
// checks that.
//
// Reader splits a stream, such as a list response or a watch, into its
// values without decoding them, so that each can be decoded on its own.
package jsonany

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting, as encoding/json does, so hostile input cannot
// exhaust the stack.
const maxDepth = 10000

// SyntaxError is a description of a JSON syntax error and where it is.
type SyntaxError struct {
	msg    string
	Offset int64 // bytes read before the error
}

func (e *SyntaxError) Error() string { return e.msg }

// errEnd is returned when the input ends inside a value.
var errEnd = fmt.Errorf("unexpected end of JSON input: %w", io.ErrUnexpectedEOF)

// Decode parses the single JSON value in s. Strings in the result may
// share memory with s, which is safe because Go strings never change.
func Decode(s string) (any, error) {
	p := getParser(s, false)
	defer putParser(p)
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	return v, p.end()
}

func getParser(s string, skip bool) *parser {
	p := parsers.Get().(*parser)
	p.s, p.i, p.skip = s, 0, skip
	p.members, p.elems = p.members[:0], p.elems[:0]
	return p
}

func putParser(p *parser) {
	p.s = ""
	parsers.Put(p)
}

// end checks that only whitespace follows the top-level value.
func (p *parser) end() error {
	p.space()
	if p.i < len(p.s) {
		return p.errorf("invalid character %s after top-level value", quoteChar(p.s[p.i]))
	}
	return nil
}

// DecodeObject parses s, which must hold a JSON object.
func DecodeObject(s string) (map[string]any, error) {
	v, err := Decode(s)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &SyntaxError{msg: "want a JSON object, got " + typeName(v)}
	}
	return m, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

type member struct {
	key string
	val any
}

// parsers keeps parsers for their scratch stacks.
var parsers = sync.Pool{New: func() any { return new(parser) }}

type parser struct {
	s string
	i int
	// Scratch stacks shared by every level: members and elements are
	// gathered here and then copied into a map or slice of the exact size.
	members []member
	elems   []any
	// skip validates without building values (see Index).
	skip    bool
	scratch []byte
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{msg: fmt.Sprintf(format, args...), Offset: int64(p.i)}
}

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (any, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, errEnd
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil || p.skip {
			return nil, err
		}
		return s, nil
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	default:
		return nil, p.errorf("invalid character %s looking for beginning of value", quoteChar(c))
	}
}

func (p *parser) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	base := len(p.members)
	err := p.eachMember(!p.skip, func(k string, _ int) error {
		v, err := p.value(depth)
		if err == nil && !p.skip {
			p.members = append(p.members, member{k, v})
		}
		return err
	})
	if err != nil || p.skip {
		return nil, err
	}
	ms := p.members[base:]
	m := make(map[string]any, len(ms))
	for _, e := range ms {
		m[e.key] = e.val
	}
	clear(ms)
	p.members = p.members[:base]
	return m, nil
}

func (p *parser) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // [
	base := len(p.elems)
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		if p.skip {
			return nil, nil
		}
		return []any{}, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		if !p.skip {
			p.elems = append(p.elems, v)
		}
		p.space()
		if p.i >= len(p.s) {
			return nil, errEnd
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
			if p.skip {
				return nil, nil
			}
			es := p.elems[base:]
			a := make([]any, len(es))
			copy(a, es)
			clear(es)
			p.elems = p.elems[:base]
			return a, nil
		default:
			return nil, p.errorf("invalid character %s after array element", quoteChar(p.s[p.i]))
		}
	}
}

func (p *parser) literal(word string) error {
	for j := 0; j < len(word); j++ {
		if p.i >= len(p.s) {
			return errEnd
		}
		if p.s[p.i] != word[j] {
			return p.errorf("invalid character %s in literal %s (expecting %s)", quoteChar(p.s[p.i]), word, quoteChar(word[j]))
		}
		p.i++
	}
	return nil
}

// number parses a number as encoding/json does into an any: a float64.
func (p *parser) number() (any, error) {
	start := p.i
	s := p.s
	i := p.i
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i >= len(s) {
		return nil, errEnd
	}
	integer := true
	switch {
	case s[i] == '0':
		i++
	case '1' <= s[i] && s[i] <= '9':
		digits()
	default:
		p.i = i
		return nil, p.errorf("invalid character %s in numeric literal", quoteChar(s[i]))
	}
	if i < len(s) && s[i] == '.' {
		integer = false
		i++
		if digits() == 0 {
			p.i = i
			if i >= len(s) {
				return nil, errEnd
			}
			return nil, p.errorf("invalid character %s after decimal point in numeric literal", quoteChar(s[i]))
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.i = i
			if i >= len(s) {
				return nil, errEnd
			}
			return nil, p.errorf("invalid character %s in exponent of numeric literal", quoteChar(s[i]))
		}
	}
	p.i = i
	lit := s[start:i]
	// Up to 15 digits an integer is exact in a float64: no need for
	// strconv's general algorithm.
	if integer && len(lit) <= 15 {
		if p.skip {
			return nil, nil
		}
		neg := lit[0] == '-'
		if neg {
			lit = lit[1:]
		}
		var n int64
		for j := 0; j < len(lit); j++ {
			n = n*10 + int64(lit[j]-'0')
		}
		if neg {
			n = -n
			if n == 0 {
				return negZero, nil
			}
		}
		return float64(n), nil
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return nil, &SyntaxError{msg: fmt.Sprintf("number %s does not fit in a float64", lit), Offset: int64(start)}
	}
	if p.skip {
		return nil, nil
	}
	return f, nil
}

var negZero = func() float64 { z := 0.0; return -z }()

// str parses a string literal at p.i. A string with no escapes and valid
// UTF-8 is a slice of the input; anything else is rebuilt.
func (p *parser) str() (string, error) {
	s := p.s
	start := p.i + 1
	for i := start; i < len(s); {
		i = plainRun(s, i)
		if i >= len(s) {
			break
		}
		c := s[i]
		switch {
		case c == '"':
			p.i = i + 1
			return s[start:i], nil
		case c == '\\' || c < 0x20:
			return p.slowStr(start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return p.slowStr(start, i)
			}
			i += size
		}
	}
	p.i = len(s)
	return "", errEnd
}

// slowStr finishes a string that needs rewriting from i on, as
// encoding/json does: escapes resolved, invalid UTF-8 and lone
// surrogates replaced by U+FFFD.
func (p *parser) slowStr(start, i int) (string, error) {
	s := p.s
	b := append(p.scratch[:0], s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.i = i + 1
			p.scratch = b[:0]
			if p.skip {
				return "", nil
			}
			return string(b), nil
		case c < 0x20:
			p.i = i
			return "", p.errorf("invalid character %s in string literal", quoteChar(c))
		case c == '\\':
			i++
			if i >= len(s) {
				p.i = i
				return "", errEnd
			}
			switch e := s[i]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				b = append(b, unescape[e])
				i++
			case 'u':
				r, err := p.hex4(i + 1)
				if err != nil {
					return "", err
				}
				i += 5
				if utf16.IsSurrogate(r) {
					if r2, ok := lowHalf(s, i); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				p.i = i
				return "", p.errorf("invalid character %s in string escape code", quoteChar(e))
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	p.i = len(s)
	return "", errEnd
}

// unescape maps the letter after a backslash to the byte it stands for.
var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hex4 reads the four hex digits of a \u escape starting at i.
func (p *parser) hex4(i int) (rune, error) {
	var r rune
	for j := i; j < i+4; j++ {
		if j >= len(p.s) {
			p.i = j
			return 0, errEnd
		}
		d, ok := hexDigit(p.s[j])
		if !ok {
			p.i = j
			return 0, p.errorf("invalid character %s in \\u hexadecimal character escape", quoteChar(p.s[j]))
		}
		r = r<<4 | d
	}
	return r, nil
}

// lowHalf reads a following \uXXXX escape, if there is a complete one,
// without consuming it.
func lowHalf(s string, i int) (rune, bool) {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for j := i + 2; j < i+6; j++ {
		d, ok := hexDigit(s[j])
		if !ok {
			return 0, false
		}
		r = r<<4 | d
	}
	return r, true
}

func hexDigit(c byte) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10), true
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}

// quoteChar formats c as encoding/json's errors do.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}
