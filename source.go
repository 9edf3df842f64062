package kr8s

import (
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kr8s-go/kr8s/internal/jsonany"
)

// source is the JSON text an object was read from. It is checked when it
// arrives but decoded into maps only when something needs the maps, so
// that reading a few fields of many objects (a name and a phase from a
// list of 5,000 pods) costs a scan, not a decode. Field reads on an
// undecoded source look the value up in the text.
type source struct {
	text    string
	members []jsonany.Member // the top-level members, as raw JSON

	once    sync.Once
	decoded atomic.Bool
	raw     map[string]any
}

// newSource checks that text is one JSON object. For list items, which
// carry no kind or apiVersion of their own, kind supplies them.
func newSource(text string, kind *Kind) (*source, error) {
	members, err := jsonany.Index(text)
	if err != nil {
		return nil, err
	}
	s := &source{text: text, members: members}
	if kind != nil && (s.member("kind") == "" || s.member("apiVersion") == "") {
		s.withKind(kind)
	}
	return s, nil
}

// withKind rewrites the text with kind and apiVersion first, replacing
// any the text had.
func (s *source) withKind(kind *Kind) {
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
func (s *source) member(key string) string {
	for i := len(s.members) - 1; i >= 0; i-- {
		if s.members[i].Key == key {
			return s.members[i].Value
		}
	}
	return ""
}

// decode builds the maps once; the text was checked, so it cannot fail.
func (s *source) decode() {
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
// when the path is missing, or when the source was decoded and the maps,
// which may have changed since, must answer instead.
func (s *source) field(path []string) (v any, ok bool) {
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
