package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kr8s-go/kr8s/internal/jsonany"
)

// AllNamespaces as a Namespace option lists or watches every namespace
// (kr8s's ALL). It cannot clash with a namespace: "*" is not a valid name.
const AllNamespaces = "*"

// DefaultPageSize is the page size of List when ListOptions.Limit is 0,
// the same as kubectl's.
const DefaultPageSize = 500

// ListOptions are the options of List. The zero value lists the client's
// namespace, in pages of DefaultPageSize.
type ListOptions struct {
	// API is the client to use; nil means API().
	API *Client
	// Namespace defaults to the client's; AllNamespaces lists them all.
	Namespace string
	// LabelSelector is a selector string such as "app=web,tier!=db".
	LabelSelector string
	// Labels adds equality requirements, "key=value" for each entry.
	Labels map[string]string
	// FieldSelector is a field selector such as "status.phase=Running".
	FieldSelector string
	// Fields adds field equality requirements.
	Fields map[string]string
	// Limit is the page size: 0 means DefaultPageSize, a negative value
	// asks for everything in one response.
	Limit int
	// ResourceVersion is sent as is, for example "0" to read from the
	// API server's cache.
	ResourceVersion string
}

// selector joins a selector string and a map into one selector, sorted
// for stable URLs.
func selector(s string, m map[string]string, what string) (string, error) {
	parts := []string{}
	if s = strings.TrimSpace(s); s != "" {
		parts = append(parts, s)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m[k]
		if k == "" || strings.ContainsFunc(k+v, badSelectorRune) {
			return "", fmt.Errorf("invalid %s %q=%q: keys and values may not be empty or contain ',', '=', '!' or whitespace", what, k, v)
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ","), nil
}

// badSelectorRune reports runes that would change a selector's meaning
// inside a key or value.
func badSelectorRune(r rune) bool {
	return r == ',' || r == '=' || r == '!' || unicode.IsSpace(r)
}

// api returns o.API; o may be nil.
func (o *ListOptions) api() *Client {
	if o == nil {
		return nil
	}
	return o.API
}

// namespace returns o.Namespace; o may be nil.
func (o *ListOptions) namespace() string {
	if o == nil {
		return ""
	}
	return o.Namespace
}

// forNames checks options used to read named objects: selectors do not
// apply, and a name needs one namespace. o may be nil.
func (o *ListOptions) forNames(verb, plural string) error {
	if o == nil {
		return nil
	}
	if q, err := o.query(); err != nil {
		return fmt.Errorf("%s %s: %w", verb, plural, err)
	} else if len(q) > 0 {
		return fmt.Errorf("%s %s: names and selectors do not mix; give one or the other", verb, plural)
	}
	if o.Namespace == AllNamespaces {
		return fmt.Errorf("%s %s: a name needs one namespace, not AllNamespaces", verb, plural)
	}
	return nil
}

// query builds the list query; it is shared by watch.
func (o *ListOptions) query() (url.Values, error) {
	q := url.Values{}
	ls, err := selector(o.LabelSelector, o.Labels, "label selector")
	if err != nil {
		return nil, err
	}
	fs, err := selector(o.FieldSelector, o.Fields, "field selector")
	if err != nil {
		return nil, err
	}
	if ls != "" {
		q.Set("labelSelector", ls)
	}
	if fs != "" {
		q.Set("fieldSelector", fs)
	}
	return q, nil
}

// collection returns the Request for the kind's collection in the
// options' namespace.
func (k *Kind) collection(c *Client, namespace string) Request {
	if namespace == AllNamespaces {
		return Request{Version: k.GroupVersion(), URL: k.Plural}
	}
	return k.request(c, namespace, "")
}

// list reads every page, calling yield for each object, and returns the
// list's resourceVersion. It stops early when yield returns false.
func (k *Kind) list(ctx context.Context, o *ListOptions, yield func(*Object) bool) (rv string, err error) {
	if o == nil {
		o = &ListOptions{}
	}
	c, err := k.client(o.API)
	if err != nil {
		return "", err
	}
	q, err := o.pagedQuery()
	if err != nil {
		return "", fmt.Errorf("list %s: %w", k.Plural, err)
	}
	// The next page's request starts as soon as this page's continue
	// token has arrived (the metadata comes before the items), so the
	// server prepares it while this page is read.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ahead *pageFetch
	defer func() {
		if ahead != nil { // stopped early or failed: drop the page fetched ahead
			cancel()
			ahead.discard()
		}
	}()
	err = paginate(q, func(q url.Values) (string, bool, error) {
		r := k.collection(c, o.Namespace)
		r.Query = q
		cur := ahead
		if cur == nil {
			cur = fetchPage(ctx, c, r, false)
		}
		ahead = nil
		page, err := k.readPage(c, cur, r, func(cont string) {
			next := r
			next.Query = maps.Clone(q)
			next.Query.Set("continue", cont)
			next.Query.Del("resourceVersion")
			ahead = fetchPage(ctx, c, next, true)
		}, yield)
		rv = page.rv
		return page.cont, page.stopped, err
	})
	return rv, err
}

// pageFetch is a page's GET, possibly running ahead of the reader.
type pageFetch struct {
	done chan struct{}
	resp *http.Response
	err  error
}

// fetchPage starts r, in the background when async is set.
func fetchPage(ctx context.Context, c *Client, r Request, async bool) *pageFetch {
	f := &pageFetch{done: make(chan struct{})}
	get := func() {
		defer close(f.done)
		f.resp, f.err = c.Call(ctx, http.MethodGet, r)
	}
	if async {
		go get()
	} else {
		get()
	}
	return f
}

// wait returns the response.
func (f *pageFetch) wait() (*http.Response, error) {
	<-f.done
	return f.resp, f.err
}

// discard waits for the fetch to end and closes what it got.
func (f *pageFetch) discard() {
	if resp, _ := f.wait(); resp != nil {
		resp.Body.Close()
	}
}

// pagedQuery is query plus the page size and resourceVersion.
func (o *ListOptions) pagedQuery() (url.Values, error) {
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	limit := o.Limit
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if o.ResourceVersion != "" {
		q.Set("resourceVersion", o.ResourceVersion)
	}
	return q, nil
}

// paginate calls page with q for the first page and then with each
// continue token, until a page has none, page says stop, or it fails.
func paginate(q url.Values, page func(url.Values) (cont string, stop bool, err error)) error {
	for {
		cont, stop, err := page(q)
		if err != nil || stop || cont == "" {
			return err
		}
		q.Set("continue", cont)
		q.Del("resourceVersion") // a continue token carries it
	}
}

type pageInfo struct {
	rv, cont string
	stopped  bool
}

// readPage streams one page: items are decoded and handed to yield one at
// a time, so a page is never held whole in memory as objects. It calls
// next with the continue token as soon as it has one, before the items.
func (k *Kind) readPage(c *Client, f *pageFetch, r Request, next func(cont string), yield func(*Object) bool) (pageInfo, error) {
	var p pageInfo
	resp, err := f.wait()
	if err != nil {
		return p, err
	}
	defer resp.Body.Close()
	path, _ := r.Path()
	items := 0
	bad := func(err error) (pageInfo, error) {
		if items > 0 { // say so: those items were handed over already
			return p, fmt.Errorf("list %s: decode response: broken after item %d of the page: %w", path, items, decodeError(resp, err))
		}
		return p, fmt.Errorf("list %s: decode response: %w", path, decodeError(resp, err))
	}
	body := newLimitedBody(resp.Body)
	rd := jsonany.NewReader(body)
	if _, err := rd.Open('{', false); err != nil {
		return bad(err)
	}
	for {
		more, err := rd.More()
		if err != nil {
			return bad(err)
		}
		if !more {
			return p, nil
		}
		key, err := rd.Key()
		if err != nil {
			return bad(err)
		}
		body.reset()
		switch key {
		case "metadata":
			v, err := rd.Value()
			if err != nil {
				return bad(err)
			}
			var m struct {
				Continue        string `json:"continue"`
				ResourceVersion string `json:"resourceVersion"`
			}
			if err := json.Unmarshal(v, &m); err != nil {
				return bad(err)
			}
			p.rv, p.cont = m.ResourceVersion, m.Continue
			if p.cont != "" {
				next(p.cont)
			}
		case "items":
			open, err := rd.Open('[', true)
			if err != nil {
				return bad(fmt.Errorf("items: %w", err))
			}
			for open {
				if open, err = rd.More(); err != nil {
					return bad(err)
				} else if !open {
					break
				}
				body.reset() // the limit is per item
				v, err := rd.Value()
				if err != nil {
					return bad(err)
				}
				src, err := newItemRawJSON(v, k)
				if err != nil {
					return bad(fmt.Errorf("item: %w", err))
				}
				items++
				if !yield(&Object{api: c, kind: k, src: src}) {
					p.stopped = true
					return p, nil
				}
			}
		default:
			if _, err := rd.Value(); err != nil {
				return bad(err)
			}
		}
	}
}

// List returns an iterator over the kind's objects. It pages with limit
// and continue on its own; breaking out of the loop stops it. An error
// ends the sequence.
//
//	for pod, err := range kr8s.Pods.List(ctx, &kr8s.ListOptions{LabelSelector: "app=web"}) {
func (k *KindOf[T]) List(ctx context.Context, o *ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		wrap, err := k.wrapper()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		stopped := false
		_, err = k.list(ctx, bind(o, k.api, listAPI), func(obj *Object) bool {
			if !yield(wrap(obj), nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped {
			var zero T
			yield(zero, err)
		}
	}
}

func listAPI(o *ListOptions) **Client { return &o.API }

// ListAll reads every object into a slice.
func (k *KindOf[T]) ListAll(ctx context.Context, o *ListOptions) ([]T, error) {
	wrap, err := k.wrapper()
	if err != nil {
		return nil, err
	}
	var out []T
	_, err = k.list(ctx, bind(o, k.api, listAPI), func(obj *Object) bool {
		out = append(out, wrap(obj))
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
