package auth

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Impersonation header names.
const (
	// HeaderImpersonateUser carries the user to act as.
	HeaderImpersonateUser = "Impersonate-User"
	// HeaderImpersonateUID carries the UID to act as.
	HeaderImpersonateUID = "Impersonate-Uid"
	// HeaderImpersonateGroup carries one group to act as; it is repeated.
	HeaderImpersonateGroup = "Impersonate-Group"
	// HeaderImpersonateExtraPrefix is followed by the percent-encoded extra
	// key; it is repeated for each value.
	HeaderImpersonateExtraPrefix = "Impersonate-Extra-"
)

// impersonation holds the Impersonate-* headers to add.
type impersonation struct {
	user   string
	uid    string
	groups []string
	extra  [][2]string // escaped header key suffix, value; sorted by key
}

func newImpersonation(cfg Config) (impersonation, error) {
	imp := impersonation{
		user:   cfg.Impersonate,
		uid:    cfg.ImpersonateUID,
		groups: append([]string(nil), cfg.ImpersonateGroups...),
	}
	if imp.user == "" && (imp.uid != "" || len(imp.groups) > 0 || len(cfg.ImpersonateUserExtra) > 0) {
		return impersonation{}, fmt.Errorf("auth: impersonating a uid, groups or extra fields needs a user to impersonate (kubeconfig \"as\")")
	}
	keys := make([]string, 0, len(cfg.ImpersonateUserExtra))
	for k := range cfg.ImpersonateUserExtra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "" {
			return impersonation{}, fmt.Errorf("auth: impersonation extra field with an empty key")
		}
		for _, v := range cfg.ImpersonateUserExtra[k] {
			imp.extra = append(imp.extra, [2]string{escapeExtraKey(k), v})
		}
	}
	return imp, nil
}

// set adds the headers to h, unless h already impersonates someone.
func (imp *impersonation) set(h http.Header) {
	if imp.user == "" || h.Get(HeaderImpersonateUser) != "" {
		return
	}
	h.Set(HeaderImpersonateUser, imp.user)
	if imp.uid != "" {
		h.Set(HeaderImpersonateUID, imp.uid)
	}
	for _, g := range imp.groups {
		h.Add(HeaderImpersonateGroup, g)
	}
	for _, kv := range imp.extra {
		h.Add(HeaderImpersonateExtraPrefix+kv[0], kv[1])
	}
}

// escapeExtraKey percent-encodes an impersonation extra key for use in a
// header name, as the API server expects: every byte that is not an HTTP
// token character, and '%' itself, becomes %XX. The server lower-cases the
// key and unescapes it.
func escapeExtraKey(key string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if isTokenChar(c) && c != '%' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
	return b.String()
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// Wrap returns a RoundTripper that adds credentials to each request and
// passes it to rt.
//
// It sets Authorization (Bearer or Basic), unless the request already has
// one, and the Impersonate-* headers, unless the request already has
// Impersonate-User. On a 401 Unauthorized it refreshes the credential once
// (re-running the exec plugin or re-reading the token file; concurrent
// requests rejected with the same credential share one refresh) and, if the
// request body can be replayed (Body is nil or http.NoBody, or GetBody is
// set) and the credential changed, retries the request once. Otherwise the
// 401 response is returned; a request with a body that cannot be replayed
// is not retried, but the next request gets a fresh credential. If the
// refresh fails, the error is returned. A 403 Forbidden is final and never
// refreshes anything.
//
// When the client certificate changes, the idle connections of rt (and of
// every other RoundTripper passed to Wrap, which the Provider keeps a
// reference to) are closed, along with every connection WrapDial opened;
// see closeConns.
func (p *Provider) Wrap(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if ic, ok := rt.(idleCloser); ok {
		p.mu.Lock()
		if !slices.Contains(p.transports, ic) {
			p.transports = append(p.transports, ic)
		}
		p.mu.Unlock()
	}
	return &roundTripper{p: p, base: rt}
}

// idleCloser is a transport with idle connections, like *http.Transport.
type idleCloser interface{ CloseIdleConnections() }

// closeConns closes the connections that may have been opened with an
// old client certificate. First the idle connections of the transports
// passed to Wrap: that way the transports stop handing them out to new
// requests at once, which closing a connection underneath a transport
// does not do (an HTTP/2 transport notices only when its read loop fails,
// and would meanwhile send a request on the closed connection). Then
// every connection WrapDial opened, including busy ones: the requests
// running on them fail, and a request that an HTTP/2 transport puts on
// one of those at that very moment may fail too.
func (p *Provider) closeConns() {
	p.mu.Lock()
	ts := slices.Clone(p.transports)
	p.mu.Unlock()
	for _, t := range ts {
		t.CloseIdleConnections()
	}
	p.conns.closeAll()
}

type roundTripper struct {
	p    *Provider
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	preset := req.Header.Get("Authorization") != ""

	if t.p.certFiles != nil && t.p.certFiles.rotated() {
		// Connections opened with the old certificate would go on
		// authenticating as it.
		t.p.closeConns()
	}

	var c cred
	if !preset {
		var err error
		if c, err = t.p.current(ctx); err != nil {
			closeBody(req)
			if ctx.Err() != nil {
				return nil, err
			}
			return nil, credentialError(err)
		}
	}
	resp, err := t.base.RoundTrip(t.prepare(req, c, preset))
	if err != nil || resp.StatusCode != http.StatusUnauthorized || preset || c.src == srcNone {
		return resp, err
	}

	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		// Cannot replay: return the 401, refresh on the next request.
		t.p.invalidate(c)
		return resp, nil
	}
	nc, err := t.p.refresh(ctx, c)
	if err != nil {
		drain(resp)
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, credentialError(fmt.Errorf("auth: server answered 401 Unauthorized and refreshing the credential failed: %w", err))
	}
	if nc.src == c.src && nc.gen == c.gen {
		return resp, nil // nothing new to try
	}
	r2 := t.prepare(req, nc, false)
	if req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			drain(resp)
			return nil, fmt.Errorf("auth: replaying the request body after a 401: %w", err)
		}
		r2.Body = body
	}
	drain(resp)
	return t.base.RoundTrip(r2)
}

// prepare returns a copy of req with the credential and impersonation
// headers set.
func (t *roundTripper) prepare(req *http.Request, c cred, preset bool) *http.Request {
	r := req.Clone(req.Context())
	if !preset && c.header != "" {
		r.Header.Set("Authorization", c.header)
	}
	t.p.imp.set(r.Header)
	return r
}

// CloseIdleConnections closes the idle connections of the wrapped
// transport, if it has any.
func (t *roundTripper) CloseIdleConnections() {
	if ci, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// drain reads a little of resp's body, so the connection can be reused,
// and closes it.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// DialFunc is the type of net.Dialer.DialContext and
// http.Transport.DialContext.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// WrapDial returns a dial function that remembers the connections it opens
// and closes them all when the client certificate changes (the exec
// plugin issues another one, or the certificate files are rewritten with
// another one), so that no request keeps using a connection authenticated
// with the old one. Use it as http.Transport.DialContext when
// HasClientCertificate is true. If dial is nil, a net.Dialer is used.
func (p *Provider) WrapDial(dial DialFunc) DialFunc {
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return p.conns.track(conn), nil
	}
}

// connTracker is a set of open connections that can be closed at once.
type connTracker struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func newConnTracker() *connTracker {
	return &connTracker{conns: make(map[*trackedConn]struct{})}
}

func (ct *connTracker) track(c net.Conn) net.Conn {
	tc := &trackedConn{Conn: c, ct: ct}
	ct.mu.Lock()
	ct.conns[tc] = struct{}{}
	ct.mu.Unlock()
	return tc
}

// closeAll closes every tracked connection.
func (ct *connTracker) closeAll() {
	ct.mu.Lock()
	conns := ct.conns
	ct.conns = make(map[*trackedConn]struct{})
	ct.mu.Unlock()
	for c := range conns {
		_ = c.Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	ct   *connTracker
	once sync.Once
}

// Close closes the connection and forgets it.
func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.ct.mu.Lock()
		delete(c.ct.conns, c)
		c.ct.mu.Unlock()
	})
	return c.Conn.Close()
}
