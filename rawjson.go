package kr8s

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kr8s-go/kr8s/internal/jsonany"
)

// rawJSON is the JSON text an object was read from. It is checked when it
// arrives but decoded into maps only when something needs the maps, so
// that reading a few fields of many objects (a name and a phase from a
// list of 5,000 pods) costs a scan, not a decode. Field reads on an
// undecoded rawJSON look the value up in the text.
type rawJSON struct {
	text    string
	members []jsonany.Member // the top-level members, as raw JSON

	once    sync.Once
	decoded atomic.Bool
	raw     map[string]any
}

// newRawJSON checks that text is one JSON object.
func newRawJSON(text string) (*rawJSON, error) {
	members, err := jsonany.Index(text)
	if err != nil {
		return nil, err
	}
	return &rawJSON{text: text, members: members}, nil
}

// checkedRawJSON is newRawJSON for text already checked as part of a larger
// value (a table row, a watch event's object): it is not checked again.
func checkedRawJSON(text string) (*rawJSON, error) {
	members, ok := jsonany.Members(text)
	if !ok {
		return nil, fmt.Errorf("want a JSON object, got %.20s", text)
	}
	return &rawJSON{text: text, members: members}, nil
}

// newItemRawJSON is newRawJSON for a list item, which carries no kind or
// apiVersion of its own (custom resources' items do): kind supplies them,
// first, as the object would have them when read alone. The text is
// copied once.
func newItemRawJSON(item []byte, kind *Kind) (*rawJSON, error) {
	var b strings.Builder
	b.Grow(len(item) + len(kind.Kind) + len(kind.Group) + len(kind.Version) + 32)
	b.WriteString(`{"apiVersion":`)
	b.WriteString(quoteJSON(kind.GroupVersion()))
	b.WriteString(`,"kind":`)
	b.WriteString(quoteJSON(kind.Kind))
	rest := bytes.TrimLeft(item, " \t\r\n")
	if len(rest) == 0 || rest[0] != '{' {
		return newRawJSON(string(item)) // not an object: let Index say so
	}
	rest = rest[1:]
	if r := bytes.TrimLeft(rest, " \t\r\n"); len(r) == 0 || r[0] != '}' {
		b.WriteByte(',')
	}
	b.Write(rest)
	s, err := newRawJSON(b.String())
	if err != nil {
		return nil, err
	}
	own := rawJSON{members: s.members[2:]} // the item's members, after ours
	hasKind, hasVersion := own.member("kind") != "", own.member("apiVersion") != ""
	if !hasKind && !hasVersion {
		return s, nil
	}
	// The item had its own: keep both, or with only one, put ours in place
	// of it. The item's text was checked as part of the text above.
	if s, err = checkedRawJSON(string(item)); err == nil && (!hasKind || !hasVersion) {
		s.withKind(kind)
	}
	return s, err
}

// withKind rewrites the text with kind and apiVersion first, replacing
// any the text had.
func (s *rawJSON) withKind(kind *Kind) {
	members := make([]jsonany.Member, 0, len(s.members)+2)
	var b strings.Builder
	b.Grow(len(s.text) + 64)
	b.WriteByte('{')
	var at []int // where each member's value starts in b
	add := func(key, value string) {
		if len(members) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quoteJSON(key))
		b.WriteByte(':')
		at = append(at, b.Len())
		b.WriteString(value)
		members = append(members, jsonany.Member{Key: key, Value: value})
	}
	add("apiVersion", quoteJSON(kind.GroupVersion()))
	add("kind", quoteJSON(kind.Kind))
	for _, m := range s.members {
		if m.Key != "kind" && m.Key != "apiVersion" {
			add(m.Key, m.Value)
		}
	}
	b.WriteByte('}')
	s.text = b.String()
	for i := range members { // point the values into the new text
		members[i].Value = s.text[at[i] : at[i]+len(members[i].Value)]
	}
	s.members = members
}

// quoteJSON returns s as a JSON string literal.
func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// member returns the raw JSON of the last top-level member called key, as
// a decoded map would hold it, or "".
func (s *rawJSON) member(key string) string {
	for i := len(s.members) - 1; i >= 0; i-- {
		if s.members[i].Key == key {
			return s.members[i].Value
		}
	}
	return ""
}

// decode builds the maps once; the text was checked, so it cannot fail.
func (s *rawJSON) decode() {
	s.once.Do(func() {
		raw := make(map[string]any, len(s.members))
		for _, m := range s.members {
			if v, err := jsonany.Decode(m.Value); err == nil {
				raw[m.Key] = v
			}
		}
		s.raw = raw
		s.decoded.Store(true)
	})
}

// field returns the value at path, decoding only that value. ok is false
// when the path is missing, or when the text was decoded and the maps,
// which may have changed since, must answer instead.
func (s *rawJSON) field(path []string) (v any, ok bool) {
	if s.decoded.Load() || len(path) == 0 {
		return nil, false
	}
	text := s.member(path[0])
	if text == "" {
		return nil, true
	}
	text, found := jsonany.Lookup(text, path[1:]...)
	if !found {
		return nil, true
	}
	v, _ = jsonany.Decode(text)
	return v, true
}
