package jsonany

import (
	"errors"
	"fmt"
	"io"
)

// Reader splits a JSON stream into values without decoding them: the
// members of an object, the elements of an array, or a sequence of
// top-level values such as a watch. It finds where a value ends with a
// byte scan that only tracks strings and nesting; Decode checks the
// syntax of what it returns.
type Reader struct {
	r          io.Reader
	buf        []byte
	start, end int // unread bytes are buf[start:end]
	off        int64
	err        error  // sticky read error, io.EOF included
	first      []bool // per open object or array: no member read yet
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Offset returns how many bytes of the stream have been consumed.
func (r *Reader) Offset() int64 { return r.off + int64(r.start) }

// fill reads more bytes, compacting or growing the buffer. It returns
// the read error once nothing more can be read.
func (r *Reader) fill() error {
	if r.err != nil {
		return r.err
	}
	if r.start > 0 && (r.end == len(r.buf) || r.start == r.end) {
		n := copy(r.buf, r.buf[r.start:r.end])
		r.off += int64(r.start)
		r.start, r.end = 0, n
	}
	if r.end == len(r.buf) {
		size := 2 * len(r.buf)
		if size == 0 {
			size = 64 << 10
		}
		nb := make([]byte, size)
		copy(nb, r.buf[r.start:r.end])
		r.buf = nb
	}
	n, err := r.r.Read(r.buf[r.end:])
	r.end += n
	if err != nil {
		r.err = err
		if n > 0 {
			return nil
		}
		return err
	}
	return nil
}

// peek skips whitespace and returns the next byte without consuming it.
// At the end of the stream it returns io.EOF.
func (r *Reader) peek() (byte, error) {
	for {
		for r.start < r.end {
			switch c := r.buf[r.start]; c {
			case ' ', '\t', '\n', '\r':
				r.start++
			default:
				return c, nil
			}
		}
		if err := r.fill(); err != nil {
			return 0, err
		}
	}
}

// peekIn is peek inside a value, where the end of the stream is
// unexpected.
func (r *Reader) peekIn() (byte, error) {
	c, err := r.peek()
	if err == io.EOF {
		err = errEnd
	}
	return c, err
}

func (r *Reader) syntaxf(format string, args ...any) error {
	return &SyntaxError{msg: fmt.Sprintf(format, args...), Offset: r.Offset()}
}

// Open consumes the opening delimiter of an object ('{') or array ('[').
// With null allowed, a null is consumed instead and Open reports false.
func (r *Reader) Open(delim byte, null bool) (bool, error) {
	c, err := r.peekIn()
	if err != nil {
		return false, err
	}
	if null && c == 'n' {
		v, err := r.Value()
		if err != nil {
			return false, err
		}
		if string(v) != "null" {
			return false, r.syntaxf("invalid literal %q", v)
		}
		return false, nil
	}
	if c != delim {
		return false, r.syntaxf("want %s, found %s", quoteChar(delim), quoteChar(c))
	}
	r.start++
	r.first = append(r.first, true)
	return true, nil
}

// More reports whether the innermost open object or array has another
// member, consuming the comma before it or the closing delimiter after
// the last.
func (r *Reader) More() (bool, error) {
	if len(r.first) == 0 {
		return false, errors.New("jsonany: More outside an object or array")
	}
	c, err := r.peekIn()
	if err != nil {
		return false, err
	}
	top := len(r.first) - 1
	if c == '}' || c == ']' {
		r.start++
		r.first = r.first[:top]
		return false, nil
	}
	if !r.first[top] {
		if c != ',' {
			return false, r.syntaxf("invalid character %s after a member", quoteChar(c))
		}
		r.start++
	}
	r.first[top] = false
	return true, nil
}

// Key reads an object member's key and its colon.
func (r *Reader) Key() (string, error) {
	v, err := r.Value()
	if err != nil {
		return "", err
	}
	k, err := Decode(string(v))
	s, ok := k.(string)
	if err != nil || !ok {
		return "", r.syntaxf("want an object key string, found %.20q", v)
	}
	c, err := r.peekIn()
	if err != nil {
		return "", err
	}
	if c != ':' {
		return "", r.syntaxf("invalid character %s after object key", quoteChar(c))
	}
	r.start++
	return s, nil
}

// Value returns the bytes of the next whole value, valid until the next
// call. Between top-level values the end of the stream is io.EOF; inside
// one it is io.ErrUnexpectedEOF.
func (r *Reader) Value() ([]byte, error) {
	if _, err := r.peek(); err != nil {
		return nil, err
	}
	var sc scanner
	for {
		if n, done := sc.scan(r.buf[r.start:r.end]); done {
			v := r.buf[r.start : r.start+n]
			r.start += n
			return v, nil
		}
		if err := r.fill(); err != nil {
			if err == io.EOF && sc.atom && !sc.str {
				// A number or literal that ends the stream.
				v := r.buf[r.start:r.end]
				r.start = r.end
				return v, nil
			}
			if err == io.EOF {
				err = errEnd
			}
			return nil, err
		}
	}
}

// scanner finds the end of one value, resuming where it stopped when more
// bytes arrive.
type scanner struct {
	n     int  // bytes of the value scanned so far
	depth int  // open objects and arrays
	str   bool // inside a string
	esc   bool // after a backslash in a string
	atom  bool // the value is a number or a literal
	begun bool
}

// scan continues over b, which holds the whole value so far, and reports
// its length once it is complete.
func (s *scanner) scan(b []byte) (int, bool) {
	i := s.n
	if !s.begun && i < len(b) {
		s.begun = true
		switch b[i] {
		case '{', '[':
			s.depth = 1
		case '"':
			s.str = true
		default:
			s.atom = true
		}
		i++
	}
	for ; i < len(b); i++ {
		if s.str {
			if s.esc {
				s.esc = false
				continue
			}
			if i = quoteRun(b, i); i >= len(b) {
				break
			}
			if b[i] == '\\' {
				s.esc = true
				continue
			}
			s.str = false
			if s.depth == 0 {
				return i + 1, true
			}
			continue
		}
		c := b[i]
		if s.atom {
			switch c {
			case ' ', '\t', '\n', '\r', ',', '}', ']', ':', '{', '[', '"':
				return i, true
			}
			continue
		}
		switch c {
		case '"':
			s.str = true
		case '{', '[':
			s.depth++
		case '}', ']':
			s.depth--
			if s.depth == 0 {
				return i + 1, true
			}
		}
	}
	s.n = i
	return 0, false
}
