package kr8s

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
)

// Secret is a Secret object (core v1).
type Secret struct{ *Object }

// Secrets is the Secret kind.
var Secrets = &KindOf[*Secret]{
	Kind: Kind{Version: "v1", Kind: "Secret", Plural: "secrets", Namespaced: true},
	wrap: func(o *Object) *Secret { return &Secret{o} },
}

// NewSecret builds a Secret from a map, a struct or JSON; see NewPod.
func NewSecret(src any, opts ...ObjectOption) (*Secret, error) { return Secrets.New(src, opts...) }

// Data returns the Secret's data, base64-decoded, with .stringData merged
// over it as the API server does when the Secret is written; so a Secret
// built locally reads the same as it will from the server. A value that
// is not valid base64 is an error naming its key. (kr8s's Secret.data
// returns the encoded strings.)
func (s *Secret) Data() (map[string][]byte, error) {
	data, _ := s.m()["data"].(map[string]any)
	out := make(map[string][]byte, len(data))
	for _, k := range slices.Sorted(maps.Keys(data)) {
		v, _ := data[k].(string)
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("secret %s: data[%q]: %w", s.Name(), k, err)
		}
		out[k] = b
	}
	for k, v := range stringMap(s.m()["stringData"]) {
		out[k] = []byte(v)
	}
	return out, nil
}

// StringData returns Data with each value as a string.
func (s *Secret) StringData() (map[string]string, error) {
	data, err := s.Data()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(data))
	for k, v := range data {
		out[k] = string(v)
	}
	return out, nil
}
