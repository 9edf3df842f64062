package kr8s

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/kr8s-go/kr8s/internal/jsonany"
)

// Request describes a low-level API call; it mirrors kr8s's call_api
// arguments. The zero value calls the core API, /api/v1.
type Request struct {
	// Version is "v1" for the core API (/api/v1), "group/version" for a
	// named group (/apis/group/version), or "" together with Base for a
	// raw path. Empty with an empty Base means "v1", as in kr8s.
	Version string
	// Base replaces the /api or /apis prefix. With Version "" it is the
	// whole path, such as "/version".
	Base string
	// Namespace adds /namespaces/NAMESPACE. Empty means cluster-wide.
	Namespace string
	// URL is the rest of the path, such as "pods" or "pods/web/log". It
	// may carry a query string.
	URL string
	// Query is merged into the URL's query.
	Query url.Values
	// Header adds request headers.
	Header http.Header
	// Body is sent as the request body. A []byte or *bytes.Reader body can
	// be replayed on retry; any other reader is sent once.
	Body io.Reader
	// ContentType defaults to application/json when Body is set.
	ContentType string
	// Stream marks a long-lived call (watch, log follow). It is bounded by
	// ctx only, never by the client's timeout.
	Stream bool
	// AllowErrorStatus returns non-2xx responses instead of an error, like
	// kr8s's raise_for_status=False.
	AllowErrorStatus bool
}

// redactedHeaders are the request headers whose values Format and
// LogValue never print.
var redactedHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

// Format prints r as fmt prints any struct, for every verb, but with the
// values of the Authorization, Proxy-Authorization and Cookie headers
// replaced by "<redacted>", so that a caller's credentials never reach an
// error message or a log.
func (r Request) Format(f fmt.State, verb rune) {
	type fields Request // no methods, so fmt prints the fields
	if r.Header != nil {
		h := make(http.Header, len(r.Header))
		for k, vs := range r.Header {
			if slices.ContainsFunc(redactedHeaders, func(s string) bool { return strings.EqualFold(s, k) }) {
				vs = slices.Repeat([]string{"<redacted>"}, len(vs))
			}
			h[k] = vs
		}
		r.Header = h
	}
	s := fmt.Sprintf(fmt.FormatString(f, verb), fields(r))
	_, _ = io.WriteString(f, strings.Replace(s, "kr8s.fields{", "kr8s.Request{", 1))
}

// LogValue makes log/slog print r as Format does, with credentials
// redacted.
func (r Request) LogValue() slog.Value { return slog.StringValue(fmt.Sprintf("%+v", r)) }

// Path builds the request path the way kr8s's call_api does:
//
//	version "v1"           -> /api/v1[/namespaces/NS]/URL
//	version "group/v"      -> /apis/group/v[/namespaces/NS]/URL
//	base set               -> BASE[/VERSION][/namespaces/NS]/URL
//	base "/version", no version -> /version
//
// Any other version without a base is an error, and so is a path with an
// empty segment ("//").
func (r *Request) Path() (string, error) {
	version, base := r.Version, r.Base
	if version == "" && base == "" {
		version = "v1"
	}
	if base == "" {
		switch {
		case version == "v1":
			base = "/api"
		case strings.Count(version, "/") == 1 && !strings.HasPrefix(version, "/") && !strings.HasSuffix(version, "/"):
			base = "/apis"
		default:
			return "", fmt.Errorf("unknown API version %q: use \"v1\" for the core group, \"group/version\" such as \"apps/v1\", or set Base for a raw path", version)
		}
	}
	parts := []string{strings.TrimSuffix(base, "/")}
	if version != "" {
		parts = append(parts, version)
	}
	if r.Namespace != "" {
		if strings.Contains(r.Namespace, "/") {
			return "", fmt.Errorf("invalid namespace %q", r.Namespace)
		}
		parts = append(parts, "namespaces", r.Namespace)
	}
	if u := strings.TrimPrefix(r.URL, "/"); u != "" {
		parts = append(parts, u)
	}
	p := strings.Join(parts, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if path, _, _ := strings.Cut(p, "?"); strings.Contains(path, "//") {
		return "", fmt.Errorf("invalid request path %q: empty path segment", path)
	}
	return p, nil
}

// Call makes one API request and returns the response. The caller must
// close the body. A non-2xx status becomes a *StatusError (the body is
// read and closed) unless r.AllowErrorStatus is set.
//
// Non-streaming calls are bounded by the client's timeout (SetTimeout),
// which also covers reading the body; streaming calls only by ctx.
func (c *Client) Call(ctx context.Context, method string, r Request) (*http.Response, error) {
	path, err := r.Path()
	if err != nil {
		return nil, err
	}
	rawQuery := ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, rawQuery = path[:i], path[i+1:]
	}
	if len(r.Query) > 0 {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return nil, fmt.Errorf("%s %s: bad query: %w", method, path, err)
		}
		for k, vs := range r.Query {
			q[k] = append(q[k], vs...)
		}
		rawQuery = q.Encode()
	}
	return c.do(ctx, method, path, rawQuery, r)
}

// url is the server URL with path (from Request.Path) appended to the
// server's own path, whether or not that ends in a slash, and rawQuery.
// Every request the client makes, plain calls and websocket upgrades,
// gets its URL here.
func (c *Client) url(path, rawQuery string) *url.URL {
	u := *c.base
	u.Path = strings.TrimSuffix(c.base.Path, "/") + path
	u.RawPath = ""
	u.RawQuery = rawQuery
	return &u
}

func (c *Client) do(ctx context.Context, method, path, rawQuery string, r Request) (*http.Response, error) {
	if method == "" {
		method = http.MethodGet
	}
	u := c.url(path, rawQuery)

	cancel := context.CancelFunc(func() {})
	if d := c.Timeout(); d > 0 && !r.Stream {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r.Body)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if r.Body != nil && req.Header.Get("Content-Type") == "" {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s %s: %w", method, path, unwrapURLError(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if !r.AllowErrorStatus {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			cancel()
			return nil, newStatusError(method, path, resp.StatusCode, body)
		}
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// unwrapURLError drops *url.Error's copy of the full URL (the error
// already names method and path) but keeps the cause for errors.Is.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// cancelBody releases the request's timeout context when the body is
// closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// bodyReader returns a replayable reader for b.
func bodyReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// maxResponseBytes bounds what one JSON decode may read: a whole
// non-streaming response, or one list item or watch event. Without it a
// server sending one endless value would make the decoder buffer it all.
var maxResponseBytes int64 = 64 << 20

// tooLargeError reports a response (or one item of a stream) larger than
// maxResponseBytes.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string { return fmt.Sprintf("response larger than %d bytes", e.limit) }

// limitedBody fails once more than max bytes were read since the last
// reset; streams reset it before each item.
type limitedBody struct {
	r      io.Reader
	n, max int64
}

func newLimitedBody(r io.Reader) *limitedBody { return &limitedBody{r: r, max: maxResponseBytes} }

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, &tooLargeError{l.max}
	}
	if room := l.max + 1 - l.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

func (l *limitedBody) reset() { l.n = 0 }

// decodeError names the response's Content-Type when a body that failed
// to decode was not declared JSON, such as a proxy's HTML login page.
func decodeError(resp *http.Response, err error) error {
	ct := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); ct != "" && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return fmt.Errorf("server sent Content-Type %q, not JSON: %w", ct, err)
	}
	return err
}

func (c *Client) getJSON(ctx context.Context, r Request, into any) error {
	return c.doJSON(ctx, http.MethodGet, r, into)
}

// doJSON makes a call and decodes a JSON body into into.
func (c *Client) doJSON(ctx context.Context, method string, r Request, into any) error {
	resp, err := c.Call(ctx, method, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var derr error
	if m, ok := into.(*map[string]any); ok {
		// The common case, decoded in one pass.
		var text string
		if text, derr = readBody(resp); derr == nil {
			*m, derr = jsonany.DecodeObject(text)
		}
	} else {
		derr = json.NewDecoder(newLimitedBody(resp.Body)).Decode(into)
	}
	if derr != nil {
		return decodeFailed(method, r, resp, derr)
	}
	// Drain a little so the connection can be reused, but never wait on
	// a server that keeps sending after the value.
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	return nil
}

// doObject makes a call that answers with one object of kind k, and
// returns it undecoded (see rawJSON).
func (c *Client) doObject(ctx context.Context, method string, r Request, k *Kind) (*Object, error) {
	resp, err := c.Call(ctx, method, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	text, err := readBody(resp)
	var src *rawJSON
	if err == nil {
		src, err = newRawJSON(text)
	}
	if err != nil {
		return nil, decodeFailed(method, r, resp, err)
	}
	return &Object{api: c, kind: k, src: src}, nil
}

// chunks are readBody's read buffers.
var chunks = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// readBody reads a whole response body, within the size limit.
func readBody(resp *http.Response) (string, error) {
	var b strings.Builder
	if resp.ContentLength > 0 && resp.ContentLength <= maxResponseBytes {
		b.Grow(int(resp.ContentLength) + 1)
	}
	body := newLimitedBody(resp.Body)
	chunk := chunks.Get().(*[]byte)
	defer chunks.Put(chunk)
	for {
		n, err := body.Read(*chunk)
		if b.Cap()-b.Len() < n {
			// Double: Write alone grows large buffers by a quarter, and the
			// copying adds up. A body of known length fits at once.
			b.Grow(max(b.Cap(), n))
		}
		b.Write((*chunk)[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if b.Len() == 0 {
		return "", io.ErrUnexpectedEOF
	}
	return b.String(), nil
}

func decodeFailed(method string, r Request, resp *http.Response, err error) error {
	path, _ := r.Path()
	return fmt.Errorf("%s %s: decode response: %w", strings.ToUpper(method), path, decodeError(resp, err))
}
