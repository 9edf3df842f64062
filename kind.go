package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Kind describes a resource type: its group, version, kind and plural
// resource name, and whether it is namespaced.
type Kind struct {
	Group      string // "" for the core group
	Version    string
	Kind       string // such as "Pod"
	Plural     string // such as "pods"
	Namespaced bool
}

// GroupVersion returns "v1" for the core group, else "group/version".
func (k *Kind) GroupVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

// GetOptions are the options of a Get. The zero value uses the default
// client and its namespace.
type GetOptions struct {
	// API is the client to use; nil means API().
	API *Client
	// Namespace defaults to the client's namespace for namespaced kinds.
	Namespace string
}

func (k *Kind) client(api *Client) (*Client, error) {
	if api != nil {
		return api, nil
	}
	return API()
}

// request builds the Request addressing the kind's collection, or one
// object of it when name is set.
func (k *Kind) request(c *Client, namespace, name string) Request {
	r := Request{Version: k.GroupVersion(), URL: k.Plural}
	if k.Namespaced {
		if namespace == "" {
			namespace = c.Namespace()
		}
		r.Namespace = namespace
	}
	if name != "" {
		r.URL += "/" + url.PathEscape(name)
	}
	return r
}

// get reads one object with a single GET (kr8s uses a LIST with a field
// selector; this does not).
func (k *Kind) get(ctx context.Context, name string, o *GetOptions) (*Object, error) {
	if o == nil {
		o = &GetOptions{}
	}
	if name == "" {
		return nil, fmt.Errorf("get %s: empty name", k.Plural)
	}
	c, err := k.client(o.API)
	if err != nil {
		return nil, err
	}
	return c.doObject(ctx, http.MethodGet, k.request(c, o.Namespace, name), k)
}

// KindOf is a Kind whose verbs return a typed object, such as *Pod. The
// package's kind values (Pods, ...) are the twins of kr8s's object
// classes.
type KindOf[T any] struct {
	Kind
	wrap func(*Object) T
}

// Get returns the named object (kr8s's Kind.get("name")).
func (k *KindOf[T]) Get(ctx context.Context, name string, o *GetOptions) (T, error) {
	obj, err := k.get(ctx, name, o)
	if err != nil {
		var zero T
		return zero, err
	}
	return k.wrap(obj), nil
}

// New builds an object of this kind from a map, a struct, or JSON bytes,
// without touching the server.
func (k *KindOf[T]) New(src any, opts ...ObjectOption) (T, error) {
	if b, ok := src.([]byte); ok {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			var zero T
			return zero, fmt.Errorf("new %s: %w", k.Kind.Kind, err)
		}
		src = m
	}
	obj, err := newObject(&k.Kind, src, opts)
	if err != nil {
		var zero T
		return zero, err
	}
	return k.wrap(obj), nil
}

// NewKind declares a kind once for reuse, such as a custom resource, like
// kr8s's new_class. Its verbs return *Object.
//
//	widgets := kr8s.NewKind(kr8s.Kind{Group: "example.com", Version: "v1", Kind: "Widget", Plural: "widgets", Namespaced: true})
func NewKind(k Kind) *KindOf[*Object] {
	return &KindOf[*Object]{Kind: k, wrap: func(o *Object) *Object { return o }}
}
