package jsonpath

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is one element of a parsed template.
type node interface{}

type (
	// textNode is literal text, either outside actions or a quoted string.
	textNode struct{ text string }
	// listNode is a sequence of steps applied one after the other.
	listNode struct{ nodes []node }
	// fieldNode selects a map key.
	fieldNode struct{ name string }
	// arrayNode selects an index or slice.
	arrayNode struct{ params [3]sliceParam }
	// filterNode keeps the elements of an array for which the comparison holds.
	filterNode struct {
		left, right *listNode
		op          string // "exists" or a comparison operator
	}
	// intNode, floatNode and boolNode are literals.
	intNode   struct{ v int }
	floatNode struct{ v float64 }
	boolNode  struct{ v bool }
	// wildcardNode selects every member of a map, array or string.
	wildcardNode struct{}
	// recursiveNode selects a value and all its descendants.
	recursiveNode struct{}
	// unionNode concatenates the results of several alternatives.
	unionNode struct{ parts []*listNode }
	// identNode is the range or end keyword.
	identNode struct{ name string }
)

// sliceParam is one of start, end and step of an index expression.
type sliceParam struct {
	v       int
	known   bool
	derived bool // end computed from a single index
}

var (
	sliceRe  = regexp.MustCompile(`^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$`)
	dictRe   = regexp.MustCompile(`^'([^']*)'$`)
	filterRe = regexp.MustCompile(`^([^!<>=]+)([!<>=]+)(.+?)$`)
)

const eof = -1

// parser parses src. Positions reported in errors are base+offset, which maps
// synthetic sub-templates (built for unions, quoted keys and filter operands,
// as kubectl does) back onto the user's template.
type parser struct {
	src  string
	base int
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	pos += p.base
	if pos < 0 {
		pos = 0
	}
	return &ParseError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// rune returns the rune at i and its width; eof with width 0 at the end.
func (p *parser) rune(i int) (rune, int) {
	if i >= len(p.src) {
		return eof, 0
	}
	return utf8.DecodeRuneInString(p.src[i:])
}

// parseTemplate parses text and actions up to the end of the input.
func (p *parser) parseTemplate() ([]node, error) {
	var out []node
	i := 0
	for {
		j := strings.IndexByte(p.src[i:], '{')
		if j < 0 {
			if i < len(p.src) {
				out = append(out, &textNode{p.src[i:]})
			}
			return out, nil
		}
		if j > 0 {
			out = append(out, &textNode{p.src[i : i+j]})
		}
		list := &listNode{}
		next, err := p.parseAction(list, i+j+1)
		if err != nil {
			return nil, err
		}
		out = append(out, list)
		i = next
	}
}

// parseAction parses the inside of an action starting at i up to and
// including the closing brace and returns the position after it.
func (p *parser) parseAction(list *listNode, i int) (int, error) {
	var err error
	for {
		rest := p.src[i:]
		switch {
		case strings.HasPrefix(rest, "}"):
			return i + 1, nil
		case strings.HasPrefix(rest, "[?("):
			i, err = p.parseFilter(list, i)
		case strings.HasPrefix(rest, ".."):
			i, err = p.parseRecursive(list, i)
		default:
			r, w := p.rune(i)
			switch {
			case r == eof || r == '\r' || r == '\n':
				return 0, p.errorf(i, "unclosed action")
			case r == ' ', r == '@', r == '$':
				i += w
			case r == '[':
				i, err = p.parseArray(list, i)
			case r == '"' || r == '\'':
				i, err = p.parseQuote(list, i, r)
			case r == '.':
				i = p.parseField(list, i+1)
			case r == '+' || r == '-' || unicode.IsDigit(r):
				i, err = p.parseNumber(list, i)
			case isAlphaNumeric(r):
				i, err = p.parseIdentifier(list, i)
			default:
				return 0, p.errorf(i, "unrecognized character in action: %#U", r)
			}
		}
		if err != nil {
			return 0, err
		}
	}
}

// parseSub parses text as the action "{text}", the way kubectl re-parses
// parts of bracket expressions; at is the position of text[0] in the
// template. Anything after a premature closing brace is checked for syntax
// but otherwise ignored, as in kubectl.
func (p *parser) parseSub(prefix, text string, at int) (*listNode, error) {
	sub := &parser{src: "{" + prefix + text + "}", base: p.base + at - 1 - len(prefix)}
	list := &listNode{}
	next, err := sub.parseAction(list, 1)
	if err != nil {
		return nil, err
	}
	if next < len(sub.src) {
		rest := &parser{src: sub.src[next:], base: sub.base + next}
		if _, err := rest.parseTemplate(); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// parseIdentifier parses true, false, range or end.
func (p *parser) parseIdentifier(list *listNode, i int) (int, error) {
	j := i
	for {
		r, w := p.rune(j)
		if isTerminator(r) {
			break
		}
		j += w
	}
	switch word := p.src[i:j]; word {
	case "true", "false":
		list.nodes = append(list.nodes, &boolNode{word == "true"})
	case "range", "end":
		list.nodes = append(list.nodes, &identNode{word})
	default:
		return 0, p.errorf(i, "unrecognized identifier %s", word)
	}
	return j, nil
}

// parseRecursive parses the recursive descent operator "..".
func (p *parser) parseRecursive(list *listNode, i int) (int, error) {
	if n := len(list.nodes); n > 0 {
		if _, ok := list.nodes[n-1].(*recursiveNode); ok {
			return 0, p.errorf(i, "invalid multiple recursive descent")
		}
	}
	list.nodes = append(list.nodes, &recursiveNode{})
	i += 2
	if r, _ := p.rune(i); isAlphaNumeric(r) {
		return p.parseField(list, i), nil
	}
	return i, nil
}

// parseField parses a field name starting at i (after the dot). A backslash
// escapes the next character; all backslashes are then removed.
func (p *parser) parseField(list *listNode, i int) int {
	j := i
	for {
		r, w := p.rune(j)
		if r == '\\' {
			j += w
			_, w2 := p.rune(j)
			j += w2
			continue
		}
		if isTerminator(r) {
			break
		}
		j += w
	}
	name := p.src[i:j]
	if name == "*" {
		list.nodes = append(list.nodes, &wildcardNode{})
	} else {
		list.nodes = append(list.nodes, &fieldNode{strings.ReplaceAll(name, `\`, "")})
	}
	return j
}

// parseNumber parses an integer or floating point literal.
func (p *parser) parseNumber(list *listNode, i int) (int, error) {
	j := i
	if c := p.src[j]; c == '+' || c == '-' {
		j++
	}
	for {
		r, w := p.rune(j)
		if r != '.' && !unicode.IsDigit(r) {
			break
		}
		j += w
	}
	text := p.src[i:j]
	if n, err := strconv.Atoi(text); err == nil {
		list.nodes = append(list.nodes, &intNode{n})
		return j, nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		list.nodes = append(list.nodes, &floatNode{f})
		return j, nil
	}
	return 0, p.errorf(i, "cannot parse number %s", text)
}

// parseArray parses a bracket expression: index, slice, union or quoted key.
func (p *parser) parseArray(list *listNode, i int) (int, error) {
	j := i + 1
	for {
		if j >= len(p.src) || p.src[j] == '\n' {
			return 0, p.errorf(j, "unterminated array")
		}
		if p.src[j] == ']' {
			break
		}
		j++
	}
	next := j + 1
	start := i + 1
	text := p.src[start:j]
	if text == "*" {
		text = ":"
	}

	if strings.Contains(text, ",") {
		union := &unionNode{}
		off := start
		for _, part := range strings.Split(text, ",") {
			trimmed := strings.TrimLeft(part, " ")
			at := off + len(part) - len(trimmed)
			trimmed = strings.TrimRight(trimmed, " ")
			sub := &parser{src: "{[" + trimmed + "]}", base: p.base + at - 2}
			l := &listNode{}
			n, err := sub.parseAction(l, 1)
			if err == nil && n < len(sub.src) {
				rest := &parser{src: sub.src[n:], base: sub.base + n}
				_, err = rest.parseTemplate()
			}
			if err != nil {
				return 0, err
			}
			union.parts = append(union.parts, l)
			off += len(part) + 1
		}
		list.nodes = append(list.nodes, union)
		return next, nil
	}

	if m := dictRe.FindStringSubmatch(text); m != nil {
		sub, err := p.parseSub(".", m[1], start+1)
		if err != nil {
			return 0, err
		}
		list.nodes = append(list.nodes, sub.nodes...)
		return next, nil
	}

	m := sliceRe.FindStringSubmatch(text)
	if m == nil {
		return 0, p.errorf(start, "invalid array index %s", text)
	}
	var params [3]sliceParam
	for k := 0; k < 3; k++ {
		s := m[k+1]
		switch {
		case s != "":
			if k > 0 {
				s = s[1:]
			}
			if k > 0 && s == "" {
				break
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return 0, p.errorf(start, "array index %s is not a number", s)
			}
			params[k] = sliceParam{v: n, known: true}
		case k == 1:
			params[k] = sliceParam{v: params[0].v + 1, known: true, derived: true}
		}
	}
	list.nodes = append(list.nodes, &arrayNode{params})
	return next, nil
}

// parseFilter parses "[?(left op right)]" or "[?(expr)]".
func (p *parser) parseFilter(list *listNode, i int) (int, error) {
	start := i + 3
	j := start
	begin, end := false, false
	var pair rune
	for {
		r, w := p.rune(j)
		if r == eof || r == '\n' {
			return 0, p.errorf(j, "unterminated filter")
		}
		switch r {
		case '"', '\'':
			if !begin {
				begin, pair = true, r
			} else if p.src[j-1] != '\\' && r == pair {
				end = true
			}
		}
		if r == ')' && begin == end {
			break
		}
		j += w
	}
	if r, _ := p.rune(j + 1); r != ']' {
		return 0, p.errorf(j+1, "unclosed array expect ]")
	}
	text := p.src[start:j]
	f := &filterNode{}
	if m := filterRe.FindStringSubmatchIndex(text); m == nil {
		left, err := p.parseSub("", text, start)
		if err != nil {
			return 0, err
		}
		f.left, f.right, f.op = left, &listNode{}, "exists"
	} else {
		var err error
		if f.left, err = p.parseSub("", text[m[2]:m[3]], start+m[2]); err != nil {
			return 0, err
		}
		if f.right, err = p.parseSub("", text[m[6]:m[7]], start+m[6]); err != nil {
			return 0, err
		}
		f.op = text[m[4]:m[5]]
		switch f.op {
		case "==", "!=", "<", "<=", ">", ">=":
		default:
			return 0, p.errorf(start+m[4], "unrecognized filter operator %s", f.op)
		}
	}
	list.nodes = append(list.nodes, f)
	return j + 2, nil
}

// parseQuote parses a string literal delimited by quote.
func (p *parser) parseQuote(list *listNode, i int, quote rune) (int, error) {
	j := i + 1
	for {
		r, w := p.rune(j)
		if r == eof || r == '\n' {
			return 0, p.errorf(j, "unterminated quoted string")
		}
		j += w
		if r == quote && p.src[j-2] != '\\' {
			break
		}
	}
	raw := p.src[i:j]
	s, err := unquote(raw)
	if err != nil {
		return 0, p.errorf(i, "unquote string %s error %v", raw, err)
	}
	list.nodes = append(list.nodes, &textNode{s})
	return j, nil
}

// unquote interprets a single- or double-quoted string with Go escapes.
func unquote(s string) (string, error) {
	if len(s) < 2 || s[0] != s[len(s)-1] || (s[0] != '"' && s[0] != '\'') {
		return "", strconv.ErrSyntax
	}
	quote := s[0]
	s = s[1 : len(s)-1]
	if !strings.ContainsRune(s, '\\') && strings.IndexByte(s, quote) < 0 {
		return s, nil
	}
	buf := make([]byte, 0, len(s))
	for len(s) > 0 {
		c, multibyte, rest, err := strconv.UnquoteChar(s, quote)
		if err != nil {
			return "", err
		}
		s = rest
		if c < utf8.RuneSelf || !multibyte {
			buf = append(buf, byte(c))
		} else {
			buf = utf8.AppendRune(buf, c)
		}
	}
	return string(buf), nil
}

// isTerminator reports whether r ends a field name or identifier.
func isTerminator(r rune) bool {
	switch r {
	case eof, ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}':
		return true
	}
	return false
}

func isAlphaNumeric(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
