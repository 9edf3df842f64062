package jsonany

// The string scan reads eight bytes at a time ("SIMD within a register"):
// most JSON strings are long runs of printable ASCII with nothing to do.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads s[i:i+8] as a little-endian word; the compiler turns it into
// one load.
func load8[T string | []byte](s T, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// hasByte reports whether any byte of w equals b.
func hasByte(w uint64, b byte) bool {
	x := w ^ (ones * uint64(b))
	return (x-ones)&^x&highs != 0
}

// plainRun returns the index of the first byte at or after i that may end
// or complicate a string: a quote, a backslash, a control character or a
// byte of a multi-byte UTF-8 sequence.
func plainRun(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := load8(s, i)
		// A control character is a byte below 0x20; bytes at or above 0x80
		// set the high bit.
		if (w-ones*0x20)&^w&highs != 0 || w&highs != 0 || hasByte(w, '"') || hasByte(w, '\\') {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return i
		}
	}
	return i
}

// quoteRun returns the index of the first quote or backslash at or after
// i, or len(s).
func quoteRun[T string | []byte](s T, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if w := load8(s, i); hasByte(w, '"') || hasByte(w, '\\') {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			return i
		}
	}
	return i
}
