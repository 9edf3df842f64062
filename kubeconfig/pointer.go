package kubeconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// JSON pointers (RFC 6901) address a value in a kubeconfig document:
// "/clusters/0/cluster/server" is the server of the first cluster, "" the
// whole document. In a token, "~1" stands for "/" and "~0" for "~". A token
// indexes a list when it is a decimal number without leading zeros; "-"
// names the place after a list's last item, where [Files.Set] appends.
//
// Errors about a pointer quote the pointer and say what kind of value was
// found (a string, a mapping...), never the value itself, so reading a
// token through a pointer cannot put it into an error message.

// notFound is an error with its own wording that matches ErrNotFound.
type notFound struct{ msg string }

func (e *notFound) Error() string        { return e.msg }
func (e *notFound) Is(target error) bool { return target == ErrNotFound }

func notFoundf(format string, args ...any) error {
	return &notFound{fmt.Sprintf(format, args...)}
}

// parsePointer splits an RFC 6901 pointer into its unescaped tokens.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("bad JSON pointer %q: it must be empty or start with /", p)
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		if !strings.Contains(t, "~") {
			continue
		}
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || t[j+1] != '0' && t[j+1] != '1') {
				return nil, fmt.Errorf("bad JSON pointer %q: ~ must be followed by 0 or 1", p)
			}
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

// pointerOf joins tokens into a pointer, escaping them.
func pointerOf(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// listIndex reads the list index tok at the pointer toks[:i+1] of a list of
// n items. With appendOK, "-" and n are the place after the last item;
// otherwise an index past the end selects nothing.
func listIndex(toks []string, i, n int, appendOK bool) (int, error) {
	tok := toks[i]
	if tok == "-" {
		if appendOK {
			return n, nil
		}
		return 0, notFoundf("nothing at %s: - is the place after the list's last item", pointerOf(toks[:i+1]))
	}
	idx, err := strconv.Atoi(tok)
	if err != nil || idx < 0 || tok != strconv.Itoa(idx) {
		return 0, fmt.Errorf("bad JSON pointer %s: %s is a list, indexed by numbers without leading zeros or -", pointerOf(toks[:i+1]), pointerOf(toks[:i]))
	}
	if idx > n || idx == n && !appendOK {
		return 0, notFoundf("nothing at %s: the list has %d items", pointerOf(toks[:i+1]), n)
	}
	return idx, nil
}

// lookup returns the value at toks in a decoded document (map[string]any,
// []any and scalars).
func lookup(doc any, toks []string) (any, error) {
	v := doc
	for i, tok := range toks {
		switch x := v.(type) {
		case map[string]any:
			val, ok := x[tok]
			if !ok {
				return nil, notFoundf("nothing at %s", pointerOf(toks[:i+1]))
			}
			v = val
		case []any:
			idx, err := listIndex(toks, i, len(x), false)
			if err != nil {
				return nil, err
			}
			v = x[idx]
		default:
			return nil, notFoundf("nothing at %s: %s is %s", pointerOf(toks[:i+1]), pointerOf(toks[:i]), kindOf(v))
		}
	}
	return v, nil
}

// nestUnder wraps v in the containers that the tokens rest name, from the
// outside in: a list for "-", else a mapping. It builds what Set adds where
// the pointer leaves the document, and rewrites each "-" in rest to "0",
// the index its item gets.
func nestUnder(rest []string, v any) any {
	for i := len(rest) - 1; i >= 0; i-- {
		if rest[i] == "-" {
			rest[i] = "0"
			v = []any{v}
		} else {
			v = map[string]any{rest[i]: v}
		}
	}
	return v
}

// The editor's methods below change the syntax tree at a JSON pointer.
// Each records what the pointer should read afterwards, which editFile
// checks in the re-parsed file before writing it.

// expectation is what one pointer must read after the edit: value, or
// nothing (unset), or a list of length items (length >= 0).
type expectation struct {
	toks   []string
	value  any
	unset  bool
	length int
}

// body is the document's top-level mapping.
func (e *editor) body() ast.Node { return e.file.Docs[0].Body }

// setPointer sets the value at toks to v, a JSON-compatible value: a key
// or item that exists is replaced in place (a scalar keeps its line
// comment); a missing key is added, "-" appends to a list, and missing or
// null containers on the way are created (mappings, or a list where the
// next token is "-").
func (e *editor) setPointer(toks []string, v any) error {
	if len(toks) == 0 {
		return errors.New("cannot set the whole document: the pointer must name a value inside it")
	}
	// What the pointer reads afterwards, with an appending token replaced
	// by the new item's index.
	at := slices.Clone(toks)
	e.expect = append(e.expect, expectation{toks: at, value: v, length: -1})
	node := e.body()
	for i, tok := range toks {
		last := i == len(toks)-1
		container, err := containerAt(node, toks[:i])
		if err != nil {
			return err
		}
		switch c := container.(type) {
		case *ast.MappingNode:
			mv := mappingValue(c, tok)
			switch {
			case mv == nil:
				return addTo(c, tok, nestUnder(at[i+1:], v))
			case last:
				return replaceIn(c.IsFlowStyle, mv.Value, v, childIndent(mv.Key), mv.Replace)
			case isNull(mv.Value):
				return replaceIn(c.IsFlowStyle, mv.Value, nestUnder(at[i+1:], v), childIndent(mv.Key), mv.Replace)
			}
			node = mv.Value
		case *ast.SequenceNode:
			idx, err := listIndex(toks, i, len(c.Values), true)
			if err != nil {
				return err
			}
			switch {
			case idx == len(c.Values):
				at[i] = strconv.Itoa(idx)
				return addTo(c, "", nestUnder(at[i+1:], v))
			case last:
				return replaceIn(c.IsFlowStyle, c.Values[idx], v, childIndent(c), func(n ast.Node) error { return c.Replace(idx, n) })
			case isNull(c.Values[idx]):
				return replaceIn(c.IsFlowStyle, c.Values[idx], nestUnder(at[i+1:], v), childIndent(c), func(n ast.Node) error { return c.Replace(idx, n) })
			}
			node = c.Values[idx]
		}
	}
	return nil
}

// unsetPointer removes the key or list item at toks. It is an error
// matching ErrNotFound if there is none.
func (e *editor) unsetPointer(toks []string) error {
	if len(toks) == 0 {
		return errors.New("cannot unset the whole document: the pointer must name a value inside it")
	}
	node := e.body()
	var holder func(ast.Node) error // replaces node where it stands
	for i, tok := range toks {
		container, err := containerAt(node, toks[:i])
		if err != nil {
			if _, alias := node.(*ast.AliasNode); alias {
				return err
			}
			// A scalar in the way: there is nothing to remove.
			return notFoundf("nothing at %s: %s is %s", pointerOf(toks[:i+1]), pointerOf(toks[:i]), nodeKind(node))
		}
		last := i == len(toks)-1
		switch c := container.(type) {
		case *ast.MappingNode:
			j := mappingIndex(c, tok)
			if j < 0 {
				return notFoundf("nothing at %s", pointerOf(toks[:i+1]))
			}
			if !last {
				node, holder = c.Values[j].Value, c.Values[j].Replace
				continue
			}
			c.Values = append(c.Values[:j], c.Values[j+1:]...)
			if len(c.Values) > 0 {
				break
			}
			// An emptied block mapping prints badly: write {} in its place
			// (keeping it, with its anchor or tag, if it has one).
			c.SetIsFlowStyle(true)
			if holder != nil && node == ast.Node(c) {
				empty, err := toNode(map[string]any{}, true)
				if err == nil {
					err = holder(empty)
				}
				if err != nil {
					return err
				}
			}
		case *ast.SequenceNode:
			idx, err := listIndex(toks, i, len(c.Values), false)
			if err != nil {
				return err
			}
			if !last {
				node, holder = c.Values[idx], func(n ast.Node) error { return c.Replace(idx, n) }
				continue
			}
			if len(c.ValueHeadComments) == len(c.Values) {
				c.ValueHeadComments = append(c.ValueHeadComments[:idx], c.ValueHeadComments[idx+1:]...)
			}
			c.Values = append(c.Values[:idx], c.Values[idx+1:]...)
			// The items after it move up: check the list's length.
			e.expect = append(e.expect, expectation{toks: toks[:i], length: len(c.Values)})
			return nil
		}
	}
	e.expect = append(e.expect, expectation{toks: toks, unset: true, length: -1})
	return nil
}

// containerAt is node, the value at the pointer toks, as a mapping or a
// list, looking through anchors and tags.
func containerAt(node ast.Node, toks []string) (ast.Node, error) {
	for {
		switch n := node.(type) {
		case *ast.AnchorNode:
			node = n.Value
			continue
		case *ast.TagNode:
			node = n.Value
			continue
		case *ast.MappingNode, *ast.SequenceNode:
			return n, nil
		case *ast.AliasNode:
			return nil, fmt.Errorf("cannot edit through %s: it is a YAML alias; edit the anchored value instead", pointerOf(toks))
		}
		return nil, fmt.Errorf("cannot edit inside %s: it is %s, not a mapping or a list", pointerOf(toks), nodeKind(node))
	}
}

// nodeKind names the kind of a scalar node for errors, as kindOf does for
// decoded values.
func nodeKind(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode, nil:
		return "null"
	}
	return "an unsupported value"
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok || n == nil
}

// mappingIndex is the position of key in m, or -1.
func mappingIndex(m *ast.MappingNode, key string) int {
	for i, mv := range m.Values {
		k := mv.Key.GetToken().Value
		if s, ok := mv.Key.(*ast.StringNode); ok {
			k = s.Value // unquoted
		}
		if k == key {
			return i
		}
	}
	return -1
}

func mappingValue(m *ast.MappingNode, key string) *ast.MappingValueNode {
	if i := mappingIndex(m, key); i >= 0 {
		return m.Values[i]
	}
	return nil
}

// errNotYAML is the error for a value that go-yaml cannot turn into a
// syntax tree; it holds no part of the value.
var errNotYAML = errors.New("the value cannot be written as YAML")

// toNode turns a JSON-compatible value into a syntax tree, in flow style
// inside a flow-style container. Its errors hold no part of the value.
func toNode(v any, flow bool) (ast.Node, error) {
	n, err := yaml.ValueToNode(v)
	if err != nil || n == nil {
		return nil, errNotYAML
	}
	if flow {
		switch c := n.(type) {
		case *ast.MappingNode:
			c.SetIsFlowStyle(true)
		case *ast.SequenceNode:
			c.SetIsFlowStyle(true)
		}
	}
	return n, nil
}

// replaceIn replaces old with v through replace, keeping old's line
// comment when both are scalars. A block mapping or list put in its place
// starts at column indent, on the lines below.
func replaceIn(flow bool, old ast.Node, v any, indent int, replace func(ast.Node) error) error {
	n, err := toNode(v, flow)
	if err != nil {
		return err
	}
	if c := old.GetComment(); c != nil && isScalar(n) && isScalar(old) {
		_ = n.SetComment(c)
	}
	if err := replace(n); err != nil {
		return err
	}
	if tk := n.GetToken(); !isScalar(n) && !flow && tk != nil && tk.Position != nil {
		n.AddColumn(indent - tk.Position.Column)
	}
	return nil
}

// childIndent is the column of a block value under a node at the token
// tk: two more.
func childIndent(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Column + 2
	}
	return 3
}

func isScalar(n ast.Node) bool {
	_, ok := n.(ast.ScalarNode)
	return ok
}

// addTo adds v to the container c: as the value of key in a mapping, or
// as the last item of a list.
func addTo(c ast.Node, key string, v any) error {
	switch c := c.(type) {
	case *ast.MappingNode:
		n, err := toNode(map[string]any{key: v}, c.IsFlowStyle)
		if m, ok := n.(*ast.MappingNode); ok && err == nil {
			c.Merge(m)
			return nil
		}
	case *ast.SequenceNode:
		n, err := toNode([]any{v}, c.IsFlowStyle)
		if l, ok := n.(*ast.SequenceNode); ok && err == nil {
			c.Merge(l)
			return nil
		}
	}
	return errNotYAML
}

// checkExpectations compares what each edited pointer reads in doc, the
// re-parsed result, with what the edit meant. A later edit of the same
// pointer replaces an earlier one.
func checkExpectations(doc any, expect []expectation) error {
	final := map[string]expectation{}
	for _, x := range expect {
		final[pointerOf(x.toks)] = x
	}
	for p, x := range final {
		got, err := lookup(doc, x.toks)
		if x.length >= 0 {
			if l, ok := got.([]any); err != nil || !ok || len(l) != x.length {
				return fmt.Errorf("the item was not removed from the list at %s", p)
			}
			continue
		}
		if x.unset {
			if err == nil {
				return fmt.Errorf("the value at %s was not removed", p)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("the value at %s was not written", p)
		}
		want, err1 := json.Marshal(x.value)
		have, err2 := json.Marshal(got)
		if err1 != nil || err2 != nil || string(want) != string(have) {
			return fmt.Errorf("the value at %s would read back differently", p)
		}
	}
	return nil
}
