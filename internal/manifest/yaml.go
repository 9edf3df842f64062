package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// maxAliasBytes bounds how much alias expansion may add to one document,
// so that a "billion laughs" input (a few KB of aliases of aliases) fails
// instead of exhausting memory. Each alias, including one under a "<<"
// merge key, is charged the size of the value it refers to (see
// converter.convert); when a document's charges add up to more than
// maxAliasBytes, the alias that crosses the bound is an error, raised
// before anything is built from it.
//
// The converted tree shares aliased values rather than copying them, so
// the bound is not for the tree but for what is made from it: Decode
// writes each document out as compact JSON, which repeats every aliased
// value in full, and kr8s.LoadObjects unmarshals that JSON into maps. The
// JSON of a document is thus at most that of its own text plus 8 MiB.
// Writing it costs about five times its length in allocations (the output
// grows by append), so a document just under the bound makes Decode
// allocate about 40 MiB, and twice the bound would pass 64 MiB. Anchors in
// real manifests share labels, env lists and resource blocks of a few
// hundred bytes, far below the bound.
const maxAliasBytes = 8 << 20

// valueCost is charged for each value (scalar, sequence or mapping) on top
// of its JSON text. Small values cost far more once unmarshalled into
// maps and slices than their few bytes of JSON; with 32, the worst shapes
// measured (aliases of one-key mappings, of empty mappings, of long
// strings) stay under about 50 MiB of allocation through
// kr8s.LoadObjects at the bound.
const valueCost = 32

// posError is an error at a line and column (1-based; 0 if unknown)
// relative to the start of the text given to the parser.
type posError struct {
	line, col int
	err       error
}

func (e *posError) Error() string { return e.err.Error() }
func (e *posError) Unwrap() error { return e.err }

// nodePos returns the line and column of n without panicking on nodes that
// have no token.
func nodePos(n ast.Node) (line, col int) {
	defer func() {
		if recover() != nil {
			line, col = 0, 0
		}
	}()
	if n == nil {
		return 0, 0
	}
	if d, ok := n.(*ast.DocumentNode); ok && d.Body == nil {
		return 0, 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

func errAt(n ast.Node, format string, args ...any) error {
	line, col := nodePos(n)
	return &posError{line, col, fmt.Errorf(format, args...)}
}

// yamlDoc is one document of a YAML chunk.
type yamlDoc struct {
	val  any
	line int // 1-based line of the document's content within the chunk, 0 if unknown
	null bool
}

// parseYAML parses text, which may hold several documents, into values.
// Empty and comment-only documents, and those that are only null, are
// reported with null set.
func parseYAML(text []byte) (docs []yamlDoc, err error) {
	if i := invalidUTF8(text); i >= 0 {
		line := 1 + bytes.Count(text[:i], []byte("\n"))
		return nil, &posError{line, 0, errors.New("invalid UTF-8 in YAML input")}
	}
	if line := tooDeep(text); line > 0 {
		return nil, &posError{line, 0, fmt.Errorf("document nests more than %d levels deep", maxYAMLDepth)}
	}
	defer func() {
		// The parser is third-party code: never let it take the caller down.
		if r := recover(); r != nil {
			docs, err = nil, fmt.Errorf("cannot parse YAML: %v", r)
		}
	}()
	file, err := parser.ParseBytes(text, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		var ye interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if errors.As(err, &ye) {
			line, col := 0, 0
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
			return nil, &posError{line, col, errors.New(ye.GetMessage())}
		}
		return nil, err
	}
	for _, d := range file.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		switch d.Body.(type) {
		case *ast.CommentGroupNode, *ast.CommentNode, *ast.DirectiveNode:
			continue
		}
		c := &converter{anchors: map[string]anchored{}}
		v, _, err := c.convert(d.Body, 0)
		if err != nil {
			return nil, err
		}
		line, _ := nodePos(d.Body)
		docs = append(docs, yamlDoc{val: v, line: line, null: v == nil})
	}
	return docs, nil
}

// invalidUTF8 returns the offset of the first invalid UTF-8 byte, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// anchored is the value of an anchor and its size (see converter.convert),
// computed once when the anchor is converted.
type anchored struct {
	val  any
	size int
}

// converter turns one document's syntax tree into a value, resolving
// anchors, aliases and merge keys with go-yaml v2 (and so Kubernetes)
// semantics. An alias yields the anchor's value itself, not a copy.
type converter struct {
	anchors map[string]anchored
	// expanded is the sum of the sizes of the values aliases referred to
	// so far.
	expanded int
}

// charge adds the size of an aliased value to the document's expansion
// and fails, at the alias n, if the total passes maxAliasBytes. It is
// called before the alias yields its value.
func (c *converter) charge(n ast.Node, size int) error {
	c.expanded += size
	if c.expanded > maxAliasBytes {
		return errAt(n, "excessive aliasing: document expands aliases to more than %d MiB (a \"billion laughs\" input?)", maxAliasBytes>>20)
	}
	return nil
}

// scalarText returns the text of a scalar node and whether it is plain
// (unquoted, not a block scalar). ok is false for non-scalar nodes.
func scalarText(n ast.Node) (text string, plain, ok bool) {
	quoted := func(tk *token.Token) bool {
		return tk != nil && (tk.Type == token.SingleQuoteType || tk.Type == token.DoubleQuoteType)
	}
	tokText := func(tk *token.Token) string {
		if tk == nil {
			return ""
		}
		return tk.Value
	}
	switch x := n.(type) {
	case *ast.LiteralNode:
		if x.Value == nil {
			return "", false, true
		}
		return x.Value.Value, false, true
	case *ast.StringNode:
		return x.Value, !quoted(x.Token), true
	case *ast.NullNode:
		if x.Token == nil || x.Token.Type == token.ImplicitNullType {
			return "", true, true
		}
		return x.Token.Value, !quoted(x.Token), true
	case *ast.IntegerNode:
		return tokText(x.Token), !quoted(x.Token), true
	case *ast.FloatNode:
		return tokText(x.Token), !quoted(x.Token), true
	case *ast.BoolNode:
		return tokText(x.Token), !quoted(x.Token), true
	case *ast.InfinityNode:
		return tokText(x.Token), !quoted(x.Token), true
	case *ast.NanNode:
		return tokText(x.Token), !quoted(x.Token), true
	case *ast.MergeKeyNode:
		return tokText(x.Token), !quoted(x.Token), true
	}
	return "", false, false
}

func nameOf(n ast.Node) string {
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	if n == nil {
		return ""
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

// convert returns the value of n and its size: an upper bound on the
// length of the value's compact JSON, plus valueCost for each value in it.
// Aliased values count in full each time they occur, so the size is that
// of the value once expanded. Where a merge key's mapping has keys
// replaced, by later keys or by other merged mappings, the replaced
// members still count.
func (c *converter) convert(n ast.Node, depth int) (any, int, error) {
	return c.convertTagged(n, "", depth)
}

func (c *converter) convertTagged(n ast.Node, tag string, depth int) (any, int, error) {
	if depth > maxDepth {
		return nil, 0, errAt(n, "%v", errTooDeep)
	}
	if n == nil {
		return scalarOrErr(n, tag, "", true)
	}
	if text, plain, ok := scalarText(n); ok {
		return scalarOrErr(n, tag, text, plain)
	}
	switch x := n.(type) {
	case *ast.TagNode:
		t := ""
		if x.Start != nil {
			t = longTag(x.Start.Value)
		}
		return c.convertTagged(x.Value, t, depth+1)
	case *ast.AnchorNode:
		v, size, err := c.convertTagged(x.Value, tag, depth+1)
		if err != nil {
			return nil, 0, err
		}
		c.anchors[nameOf(x.Name)] = anchored{v, size}
		return v, size, nil
	case *ast.AliasNode:
		name := nameOf(x.Value)
		a, ok := c.anchors[name]
		if !ok {
			return nil, 0, errAt(n, "unknown anchor %q referenced", name)
		}
		if err := c.charge(n, a.size); err != nil {
			return nil, 0, err
		}
		return a.val, a.size, nil
	case *ast.MappingNode:
		return c.mapping(x.Values, depth)
	case *ast.MappingValueNode:
		return c.mapping([]*ast.MappingValueNode{x}, depth)
	case *ast.SequenceNode:
		a := make([]any, 0, len(x.Values))
		size := valueCost + len("[]")
		for _, e := range x.Values {
			v, s, err := c.convert(e, depth+1)
			if err != nil {
				return nil, 0, err
			}
			a = append(a, v)
			size += s + len(",")
		}
		return a, size, nil
	case *ast.DocumentNode:
		return c.convertTagged(x.Body, tag, depth+1)
	case *ast.CommentGroupNode, *ast.CommentNode:
		return scalarOrErr(n, tag, "", true)
	}
	return nil, 0, errAt(n, "unsupported YAML node %s", n.Type())
}

func scalarOrErr(n ast.Node, tag, text string, plain bool) (any, int, error) {
	r, err := resolveScalar(tag, text, plain)
	if err != nil {
		return nil, 0, errAt(n, "%v", err)
	}
	v, err := scalarValue(r)
	if err != nil {
		return nil, 0, errAt(n, "%v", err)
	}
	return v, valueCost + scalarJSONLen(v), nil
}

// scalarJSONLen returns the length of the compact JSON of a scalar value,
// as appendJSON writes it.
func scalarJSONLen(v any) int {
	switch t := v.(type) {
	case string:
		return jsonStringLen(t)
	case number:
		return len(t)
	case bool:
		if t {
			return len("true")
		}
		return len("false")
	}
	return len("null")
}

// jsonStringLen returns len(appendJSONString(nil, s)) without building it.
func jsonStringLen(s string) int {
	n := len(`""`)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case shortEscaped(c):
				n += 2
			case controlByte(c):
				n += len(`\u0000`)
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += len(`\ufffd`)
		case escapedRune(r):
			n += len(`\u0000`)
		default:
			n += size
		}
		i += size
	}
	return n
}

func isMergeKey(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.MergeKeyNode:
		return true
	case *ast.MappingKeyNode:
		return isMergeKey(x.Value)
	case *ast.TagNode:
		return x.Start != nil && longTag(x.Start.Value) == tagMerge
	case *ast.StringNode:
		return x.Value == "<<" && (x.Token == nil || (x.Token.Type != token.SingleQuoteType && x.Token.Type != token.DoubleQuoteType))
	}
	return false
}

func (c *converter) mapping(pairs []*ast.MappingValueNode, depth int) (any, int, error) {
	o := newObject()
	size := valueCost + len("{}")
	for _, mv := range pairs {
		if mv == nil {
			continue
		}
		var keyNode ast.Node
		if mv.Key != nil {
			keyNode = mv.Key
		}
		if keyNode != nil && isMergeKey(keyNode) {
			v, s, err := c.convert(mv.Value, depth+1)
			if err != nil {
				return nil, 0, err
			}
			if err := c.merge(o, v, mv); err != nil {
				return nil, 0, err
			}
			size += s + len(",")
			continue
		}
		k, err := c.key(keyNode, depth+1)
		if err != nil {
			return nil, 0, err
		}
		v, s, err := c.convert(mv.Value, depth+1)
		if err != nil {
			return nil, 0, err
		}
		o.set(k, v)
		size += jsonStringLen(k) + len(":") + s + len(",")
	}
	return o, size, nil
}

// merge applies a "<<" merge key the way go-yaml v2 does: the merged
// mapping's keys are set in order, overwriting keys already present; for a
// sequence of mappings, earlier ones take precedence.
func (c *converter) merge(o *object, v any, at ast.Node) error {
	switch t := v.(type) {
	case *object:
		for _, m := range t.members {
			o.set(m.key, m.val)
		}
		return nil
	case []any:
		for i := len(t) - 1; i >= 0; i-- {
			m, ok := t[i].(*object)
			if !ok {
				return errAt(at, "map merge requires map or sequence of maps as the value")
			}
			for _, mm := range m.members {
				o.set(mm.key, mm.val)
			}
		}
		return nil
	}
	return errAt(at, "map merge requires map or sequence of maps as the value")
}

// key returns the JSON object key for a mapping key node. Non-string
// scalars become strings as sigs.k8s.io/yaml makes them; null and
// collections are errors.
func (c *converter) key(n ast.Node, depth int) (string, error) {
	if mk, ok := n.(*ast.MappingKeyNode); ok {
		return c.key(mk.Value, depth+1)
	}
	tag := ""
	inner := n
	if t, ok := n.(*ast.TagNode); ok {
		if t.Start != nil {
			tag = longTag(t.Start.Value)
		}
		inner = t.Value
	}
	if text, plain, ok := scalarText(inner); ok || inner == nil {
		r, err := resolveScalar(tag, text, plain || inner == nil)
		if err != nil {
			return "", errAt(n, "%v", err)
		}
		k, err := keyString(r)
		if err != nil {
			return "", errAt(n, "%v", err)
		}
		return k, nil
	}
	v, _, err := c.convert(n, depth)
	if err != nil {
		return "", err
	}
	switch t := v.(type) {
	case string:
		return t, nil
	case bool:
		return keyString(t)
	case number:
		return string(t), nil
	case nil:
		return "", errAt(n, "unsupported map key: null")
	case []any:
		return "", errAt(n, "unsupported map key: a sequence")
	}
	return "", errAt(n, "unsupported map key: a mapping")
}

// splitYAML splits a YAML stream into chunks at document start markers
// ("---" at the start of a line, followed by a space, a tab or the end of
// the line), as Kubernetes' YAML reader does. Each chunk keeps its marker
// line, so content after the marker is parsed with its document. A chunk
// holding only directives, comments and blank lines is joined to the next.
// Line endings must already be "\n".
func splitYAML(data []byte) (chunks [][]byte, startLines []int) {
	start, startLine := 0, 1
	line := 1
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		if end >= 0 {
			next = i + end + 1
		}
		l := data[i:next]
		if i > start && isDocStart(l) && !onlyPreamble(data[start:i]) {
			chunks = append(chunks, data[start:i])
			startLines = append(startLines, startLine)
			start, startLine = i, line
		}
		line++
		i = next
	}
	if start < len(data) {
		chunks = append(chunks, data[start:])
		startLines = append(startLines, startLine)
	}
	return chunks, startLines
}

func isDocStart(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n'
}

// onlyPreamble reports whether b holds only directives, comments and blank
// lines, and at least one directive.
func onlyPreamble(b []byte) bool {
	directive := false
	for _, l := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(l, "%"):
			directive = true
		default:
			return false
		}
	}
	return directive
}

// maxYAMLDepth bounds flow nesting and indentation in YAML. The parser's
// cost grows with the square of the nesting depth, so deeper input is
// refused before parsing; real manifests stay far below this.
const maxYAMLDepth = 1000

// tooDeep estimates whether text nests more than maxYAMLDepth levels and
// returns the 1-based line where it does, or 0. It counts flow brackets
// outside quoted scalars and comments, and the indentation (including
// compact "- " and "? " indicators) of each line. It is a cheap guard,
// not a parser: block scalar content is scanned like any other text.
func tooDeep(text []byte) int {
	depth := 0
	var quote byte
	line := 1
	atLineStart := true
	indent := 0
	var prev byte = '\n'
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			line++
			atLineStart, indent, prev = true, 0, c
			continue
		}
		if quote != 0 {
			switch {
			case quote == '"' && c == '\\':
				i++ // skip the escaped character (a newline is counted next time round)
				if i < len(text) && text[i] == '\n' {
					i--
				}
			case c == quote:
				if quote == '\'' && i+1 < len(text) && text[i+1] == '\'' {
					i++
				} else {
					quote = 0
				}
			}
			prev = c
			continue
		}
		if atLineStart {
			if c == ' ' || c == '\t' {
				indent++
				if indent > maxYAMLDepth {
					return line
				}
				prev = c
				continue
			}
			if (c == '-' || c == '?') && i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\t') {
				indent += 2
				if indent > maxYAMLDepth {
					return line
				}
				prev = c
				continue
			}
			atLineStart = false
		}
		switch c {
		case '#':
			if prev == ' ' || prev == '\t' || prev == '\n' {
				for i+1 < len(text) && text[i+1] != '\n' {
					i++
				}
			}
		case '"', '\'':
			if strings.IndexByte(" \t\n[{,:", prev) >= 0 {
				quote = c
			}
		case '[', '{':
			depth++
			if depth > maxYAMLDepth {
				return line
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
		prev = c
	}
	return 0
}
