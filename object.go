package kr8s

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Object is any Kubernetes object. It keeps the server's JSON, so reading
// a field never needs a schema and custom resources work like built-in
// kinds. Typed kinds such as Pod embed *Object and add their own verbs.
//
// An Object belongs to a client: the one it was read with, the one given
// with WithAPI, or else the default client from API().
type Object struct {
	api  *Client
	kind *Kind
	raw  map[string]any // the contents, unless src holds them
	src  *rawJSON       // the JSON read from the server, decoded on demand
}

// m returns the object's contents as maps, decoding the source if need be.
func (o *Object) m() map[string]any {
	if s := o.src; s != nil {
		s.decode()
		return s.raw
	}
	return o.raw
}

// ObjectOption configures an object made by a constructor such as NewPod.
type ObjectOption func(*objectConfig)

type objectConfig struct{ api *Client }

// WithAPI binds a new object to api (kr8s's api= argument). Without it the
// object uses the default client, API(), when it first needs one.
func WithAPI(api *Client) ObjectOption { return func(c *objectConfig) { c.api = api } }

// newObject builds an object of kind k from a map, a JSON or YAML
// document, or any value that encodes to a JSON object.
func newObject(k *Kind, src any, opts []ObjectOption) (*Object, error) {
	var cfg objectConfig
	for _, o := range opts {
		o(&cfg)
	}
	raw, err := toMap(src)
	if err != nil {
		return nil, fmt.Errorf("new %s: %w", k.Kind, err)
	}
	if _, ok := raw["apiVersion"]; !ok {
		raw["apiVersion"] = k.GroupVersion()
	}
	if _, ok := raw["kind"]; !ok {
		raw["kind"] = k.Kind
	}
	return &Object{api: cfg.api, kind: k, raw: raw}, nil
}

func toMap(src any) (map[string]any, error) {
	switch v := src.(type) {
	case map[string]any:
		return v, nil
	case nil:
		return map[string]any{}, nil
	}
	b, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("want an object, got %T", src)
	}
	return m, nil
}

// API returns the client the object uses: the one it was bound to, else
// the default client from API().
func (o *Object) API() (*Client, error) {
	if o.api != nil {
		return o.api, nil
	}
	c, err := API()
	if err == nil {
		o.api = c
	}
	return c, err
}

// Kind returns the object's kind.
func (o *Object) Kind() *Kind { return o.kind }

// Raw returns the object's JSON as a map. Changes to it change the
// object.
func (o *Object) Raw() map[string]any { return o.m() }

// Field returns the value at path, such as Field("status", "phase"), or
// nil if there is none: a map[string]any, []any, string, float64, bool or
// nil, as encoding/json decodes into an any. On an object as read from
// the server, it decodes only that value, which is much cheaper than
// Raw, Spec or Status when a few fields of many objects are read.
func (o *Object) Field(path ...string) any {
	if o.src != nil {
		if v, ok := o.src.field(path); ok {
			return v
		}
	}
	var v any = o.m()
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// Metadata returns .metadata.
func (o *Object) Metadata() map[string]any { return o.mapField("metadata") }

// Spec returns .spec.
func (o *Object) Spec() map[string]any { return o.mapField("spec") }

// Status returns .status.
func (o *Object) Status() map[string]any { return o.mapField("status") }

// Name returns .metadata.name.
func (o *Object) Name() string { s, _ := o.Field("metadata", "name").(string); return s }

// Namespace returns .metadata.namespace. For an object of a namespaced
// kind that has none yet, it is the namespace the object will be created
// in: its client's, as in kr8s. (kr8s returns None for cluster-scoped
// kinds; this returns their .metadata.namespace, which the server leaves
// empty.)
func (o *Object) Namespace() string {
	if s, _ := o.Field("metadata", "namespace").(string); s != "" {
		return s
	}
	if o.kind == nil || !o.kind.Namespaced {
		return ""
	}
	c, err := o.API()
	if err != nil {
		return ""
	}
	return c.Namespace()
}

// Labels returns a copy of .metadata.labels.
func (o *Object) Labels() map[string]string { return stringMap(o.Field("metadata", "labels")) }

// Annotations returns a copy of .metadata.annotations.
func (o *Object) Annotations() map[string]string {
	return stringMap(o.Field("metadata", "annotations"))
}

// Decode decodes the object into any Go type, such as corev1.Pod from
// k8s.io/api in your own module.
func (o *Object) Decode(into any) error {
	if s := o.src; s != nil && !s.decoded.Load() {
		return json.Unmarshal([]byte(s.text), into)
	}
	b, err := json.Marshal(o.m())
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// MarshalJSON returns the object's JSON.
func (o *Object) MarshalJSON() ([]byte, error) {
	if s := o.src; s != nil && !s.decoded.Load() {
		return []byte(s.text), nil
	}
	return json.Marshal(o.m())
}

// String returns "kind/name" or "kind/namespace/name".
func (o *Object) String() string {
	if ns := o.Namespace(); ns != "" {
		return fmt.Sprintf("%s/%s/%s", o.kind.Kind, ns, o.Name())
	}
	return fmt.Sprintf("%s/%s", o.kind.Kind, o.Name())
}

func (o *Object) mapField(name string) map[string]any {
	m, _ := o.m()[name].(map[string]any)
	return m
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Condition is one entry of an object's .status.conditions.
type Condition struct {
	Type   string `json:"type"`
	Status string `json:"status"` // "True", "False" or "Unknown"
	Reason string `json:"reason,omitempty"`
	// Message is a human-readable explanation.
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when Status last changed, in RFC 3339.
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
}

// Condition returns the object's .status.conditions entry whose type is
// typ, matched without regard to case as kubectl wait matches it, as last
// read; ok is false when there is none.
//
//	if c, ok := pod.Condition("Ready"); ok && c.Status == "True" { ... }
func (o *Object) Condition(typ string) (c Condition, ok bool) {
	conds, _ := o.Status()["conditions"].([]any)
	for _, v := range conds {
		m, _ := v.(map[string]any)
		if t, _ := m["type"].(string); strings.EqualFold(t, typ) {
			str := func(k string) string { s, _ := m[k].(string); return s }
			return Condition{Type: t, Status: str("status"), Reason: str("reason"), Message: str("message"),
				LastTransitionTime: str("lastTransitionTime")}, true
		}
	}
	return Condition{}, false
}
