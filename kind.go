package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
)

// Kind describes a resource type: its group, version, kind and plural
// resource name, and whether it is namespaced.
type Kind struct {
	Group      string // "" for the core group
	Version    string
	Kind       string // such as "Pod"
	Plural     string // such as "pods"
	Namespaced bool
	// ScalePath is the field under .spec that Scale sets, dotted, for a
	// kind that scales without a /scale subresource: "parallelism" for
	// Jobs, or a custom resource's own count (kr8s's scalable_spec).
	// Empty means Scale uses the /scale subresource.
	ScalePath string
}

// GroupVersion returns "v1" for the core group, else "group/version".
func (k *Kind) GroupVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

// check reports a kind that cannot address the server: one with no
// version or plural (a zero Kind, or one filled in by hand).
func (k *Kind) check() error {
	if k.Version == "" || k.Plural == "" {
		return fmt.Errorf("kind %q (%s/%s): Version and Plural must be set; LookupKind fills them from discovery",
			k.Kind, k.GroupVersion(), k.Plural)
	}
	return nil
}

// client checks the kind and returns api, or the default client when api
// is nil.
func (k *Kind) client(api *Client) (*Client, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return orDefault(api)
}

// orDefault returns api, or the default client from API() when api is nil.
func orDefault(api *Client) (*Client, error) {
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

// GetOptions are the options of a Get. The zero value uses the default
// client and its namespace.
type GetOptions struct {
	// API is the client to use; nil means API().
	API *Client
	// Namespace defaults to the client's namespace for namespaced kinds.
	Namespace string
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
// package's kind values (Pods, ...) stand for kr8s's object
// classes; LookupKind and NewKind give a KindOf[*Object] for any kind the
// server serves, with the same verbs.
//
// T is *Object or a pointer to a struct that embeds *Object as its first
// field, such as *Pod or a type of your own:
//
//	type Widget struct{ *kr8s.Object }
//	widgets := &kr8s.KindOf[*Widget]{Kind: kr8s.Kind{Group: "example.com", Version: "v1", Kind: "Widget", Plural: "widgets", Namespaced: true}}
//
// A zero or partly filled KindOf does not panic: its verbs return an
// error that says what is missing.
type KindOf[T any] struct {
	Kind
	// wrap turns an object into a T; nil means wrapperOf[T].
	wrap func(*Object) T
	// api is the client of a kind from Client.LookupKind, used when the
	// options name none.
	api *Client
}

// bind returns o with its API field set to the kind's client when o names
// none; field points at the field. o is not changed.
func bind[O any](o *O, api *Client, field func(*O) **Client) *O {
	if api == nil || (o != nil && *field(o) != nil) {
		return o
	}
	var c O
	if o != nil {
		c = *o
	}
	*field(&c) = api
	return &c
}

// wrapper returns the function that turns objects into T values, or an
// error when k is nil, its Kind cannot address the server, or T is not a
// type it can build.
func (k *KindOf[T]) wrapper() (func(*Object) T, error) {
	if k == nil {
		var zero T
		return nil, fmt.Errorf("nil *KindOf[%T]", zero)
	}
	if err := k.check(); err != nil {
		return nil, err
	}
	if k.wrap != nil {
		return k.wrap, nil
	}
	return wrapperOf[T]()
}

var objectPtrType = reflect.TypeFor[*Object]()

// wrapperOf builds T values around objects: T is *Object itself, or a
// pointer to a struct whose first field is an embedded *Object.
func wrapperOf[T any]() (func(*Object) T, error) {
	t := reflect.TypeFor[T]()
	if t == objectPtrType {
		return func(o *Object) T { return any(o).(T) }, nil
	}
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem().NumField() > 0 {
		if f := t.Elem().Field(0); f.Anonymous && f.Type == objectPtrType {
			return func(o *Object) T {
				v := reflect.New(t.Elem())
				v.Elem().Field(0).Set(reflect.ValueOf(o))
				return v.Interface().(T)
			}, nil
		}
	}
	return nil, fmt.Errorf("KindOf[%s]: the type must be *kr8s.Object or a pointer to a struct embedding *kr8s.Object first", t)
}

// Get returns the named object (kr8s's Kind.get("name")), with one GET.
// A missing object is at once an error matching ErrNotFound. kr8s's get
// instead keeps asking for up to 2 seconds (its timeout=2) with a growing
// pause; we do not, on purpose: a GET without a resourceVersion is a
// quorum read from etcd, so an object just created through any API server
// is found at once, and a program that expects an object to appear later
// should Watch for it or Wait rather than guess a delay.
func (k *KindOf[T]) Get(ctx context.Context, name string, o *GetOptions) (T, error) {
	var zero T
	wrap, err := k.wrapper()
	if err != nil {
		return zero, err
	}
	obj, err := k.get(ctx, name, bind(o, k.api, func(o *GetOptions) **Client { return &o.API }))
	if err != nil {
		return zero, err
	}
	return wrap(obj), nil
}

// New builds an object of this kind from a map, a struct, or JSON bytes,
// without touching the server.
func (k *KindOf[T]) New(src any, opts ...ObjectOption) (T, error) {
	var zero T
	wrap, err := k.wrapper()
	if err != nil {
		return zero, err
	}
	if b, ok := src.([]byte); ok {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return zero, fmt.Errorf("new %s: %w", k.Kind.Kind, err)
		}
		src = m
	}
	if k.api != nil {
		opts = append([]ObjectOption{WithAPI(k.api)}, opts...)
	}
	obj, err := newObject(&k.Kind, src, opts)
	if err != nil {
		return zero, err
	}
	return wrap(obj), nil
}

// NewKind declares a kind once for reuse, such as a custom resource, like
// kr8s's new_class. Its verbs return *Object. It is the same as
// &KindOf[*Object]{Kind: k}.
//
//	widgets := kr8s.NewKind(kr8s.Kind{Group: "example.com", Version: "v1", Kind: "Widget", Plural: "widgets", Namespaced: true})
func NewKind(k Kind) *KindOf[*Object] {
	return &KindOf[*Object]{Kind: k}
}

// Get returns objects of the kind named by kind (any name LookupKind
// accepts: "pods", "deploy", "widgets.example.com", ...), like kr8s's
// get(kind, *names, namespace=, label_selector=, field_selector=).
//
// With names it reads each object with one GET, in order, and a missing
// one is an error matching ErrNotFound (kr8s lists with a field selector
// instead). Without names it lists the kind, paging on its own. Names and
// selectors do not mix, as in kubectl. o may be nil; o.API picks the
// client.
//
//	deploys, err := kr8s.Get(ctx, "deploy", nil, &kr8s.ListOptions{Namespace: kr8s.AllNamespaces})
func Get(ctx context.Context, kind string, names []string, o *ListOptions) ([]*Object, error) {
	c, err := orDefault(o.api())
	if err != nil {
		return nil, err
	}
	k, err := c.LookupKind(ctx, kind)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return k.ListAll(ctx, o)
	}
	if err := o.forNames("get", k.Plural); err != nil {
		return nil, err
	}
	out := make([]*Object, 0, len(names))
	for _, name := range names {
		obj, err := k.get(ctx, name, &GetOptions{API: c, Namespace: o.namespace()})
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
