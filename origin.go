package kr8s

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/kr8s-go/kr8s/kubeconfig"
)

// Credentials (the bearer token, basic auth, the Impersonate-* headers)
// and request bodies go only to the API server's origin: its scheme, host
// and port. Two mechanisms hold this, for plain calls and websocket
// upgrades alike:
//
//   - checkRedirect, the http.Client's redirect policy, refuses to follow a
//     redirect to another origin (including https to http on the same
//     host), with an error naming the target without its query or user
//     info. A redirect within the origin is followed, as net/http does, at
//     most 10 times.
//   - originGuard, the transport layer just above the one that adds
//     credentials, refuses any request for another origin, whatever made
//     it, before a credential is added or a byte is sent.
//
// net/http itself strips Authorization on a cross-host redirect only when
// the caller set it on the request; ours is added inside the transport, so
// it would be added again for the new host.

// maxRedirects is how many same-origin redirects a request follows,
// net/http's own limit.
const maxRedirects = 10

// errOtherOrigin is wrapped by the error of a request refused because it
// was for another origin than the API server's.
var errOtherOrigin = errors.New("not the API server's origin")

// otherOrigin is the error for a request or redirect (what) to u, which
// is not base's origin. It names u without its query or user info.
func otherOrigin(what string, u, base *url.URL) error {
	return fmt.Errorf("refused a %s to %s: %w %s; credentials and request bodies go only to the API server",
		what, safeURL(u.String()), errOtherOrigin, origin(base))
}

// checkRedirect returns an http.Client.CheckRedirect that follows only
// redirects within base's origin.
func checkRedirect(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, base) {
			return otherOrigin("redirect", req.URL, base)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
}

// originGuard passes on only requests for base's origin.
type originGuard struct {
	next http.RoundTripper
	base *url.URL
}

func (g *originGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !sameOrigin(req.URL, g.base) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, otherOrigin("request", req.URL, g.base)
	}
	return g.next.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the transport below.
func (g *originGuard) CloseIdleConnections() {
	if ci, ok := g.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// sameOrigin reports whether u has base's scheme, host and port. A
// websocket scheme counts as its HTTP twin (ws as http, wss as https),
// and a missing port as the scheme's default.
func sameOrigin(u, base *url.URL) bool {
	return httpScheme(u.Scheme) == httpScheme(base.Scheme) &&
		strings.EqualFold(u.Hostname(), base.Hostname()) && port(u) == port(base)
}

func httpScheme(s string) string {
	switch s = strings.ToLower(s); s {
	case "ws":
		return "http"
	case "wss":
		return "https"
	}
	return s
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if httpScheme(u.Scheme) == "https" {
		return "443"
	}
	return "80"
}

// origin is scheme://host:port, for messages.
func origin(u *url.URL) string {
	return httpScheme(u.Scheme) + "://" + net.JoinHostPort(u.Hostname(), port(u))
}

// safeURL renders a URL for an error message or a log line without what
// may be secret or long: the password of its user info and its query
// (exec passes its command there).
func safeURL(s string) string {
	s = kubeconfig.RedactURL(s)
	s, _, _ = strings.Cut(s, "#")
	s, _, _ = strings.Cut(s, "?")
	return s
}
