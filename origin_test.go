package kr8s

// Credentials stay with their server (issue 12, item 1): a redirect to
// another origin is refused before a credential or a body is sent, for
// plain calls and websocket upgrades, and from https to http.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const originToken = "tok-ORIGIN-5e1d7c2b"

// recorder is a server that must receive nothing: it records every
// request's method, headers and body.
type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, fmt.Sprintf("%s %s %v %s", r.Method, r.URL, r.Header, body))
	rec.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web"}}`)
}

func (rec *recorder) got() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.reqs...)
}

// rawListener keeps every byte its connections read, so a test can see
// what arrived in plain text on a TLS port.
type rawListener struct {
	net.Listener
	mu  sync.Mutex
	raw strings.Builder
}

func (l *rawListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: c, l: l}, nil
}

func (l *rawListener) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.raw.String()
}

type rawConn struct {
	net.Conn
	l *rawListener
}

func (c *rawConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.mu.Lock()
	c.l.raw.Write(p[:n])
	c.l.mu.Unlock()
	return n, err
}

// asOriginUser makes the client send a bearer token and impersonate a
// user, as a kubeconfig gives them, with one attempt per request.
func asOriginUser() testServerOption {
	return func(c *testServerConfig) {
		asUser(map[string]any{"token": originToken, "as": "someone", "as-groups": []string{"admins"}})(c)
		withOptions(WithRetry(RetryPolicy{MaxAttempts: 1}))(c)
	}
}

// redirectTo answers every request with a 307 to target + the request's
// path, and counts them.
func redirectTo(target string, n *int, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*n++
		mu.Unlock()
		http.Redirect(w, r, target+r.URL.Path+"?secret=q-ORIGIN", http.StatusTemporaryRedirect)
	}
}

func TestRedirectToOtherOriginRefused(t *testing.T) {
	evil := &recorder{}
	other := httptest.NewServer(evil)
	defer other.Close()
	otherTLS := httptest.NewTLSServer(evil)
	defer otherTLS.Close()

	// The API server's own port in plain HTTP: https to http on the same
	// host and port. What arrives there in clear is recorded.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	raw := &rawListener{Listener: ln}
	var mu sync.Mutex
	var hits int
	api, _ := newTestServer(t, nil, serveTLS(nil), listenOn(raw))
	plainSelf := "http://" + ln.Addr().String()

	targets := map[string]string{
		"another host":             strings.Replace(other.URL, "http://", "http://user:pw-ORIGIN@", 1),
		"another https host":       otherTLS.URL,
		"https to http, same host": plainSelf,
	}
	calls := map[string]func(ctx context.Context, c *Client) error{
		"GET": func(ctx context.Context, c *Client) error {
			_, err := Pods.Get(ctx, "web", &GetOptions{API: c})
			return err
		},
		"POST": func(ctx context.Context, c *Client) error {
			p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "default"},
				"spec": map[string]any{"note": "body-ORIGIN"}}, WithAPI(c))
			if err != nil {
				return err
			}
			return p.Create(ctx, nil)
		},
		"exec upgrade": func(ctx context.Context, c *Client) error {
			p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "default"},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c"}}}}, WithAPI(c))
			if err != nil {
				return err
			}
			return p.ExecStream(ctx, []string{"cat", "/etc/cmd-ORIGIN"}, &ExecOptions{Stdout: io.Discard})
		},
	}
	for tname, target := range targets {
		for cname, call := range calls {
			t.Run(tname+"/"+cname, func(t *testing.T) {
				api.Config.Handler = redirectTo(target, &hits, &mu)
				c := testServerClient(t, api, asOriginUser())
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				err := call(ctx, c)
				if err == nil {
					t.Fatal("no error: the redirect was followed")
				}
				msg := err.Error()
				host := strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://")
				host = host[strings.LastIndexByte(host, '@')+1:]
				if !strings.Contains(msg, "refused a redirect to ") || !strings.Contains(msg, host+"/api/v1/namespaces/default/pods") {
					t.Errorf("error %q does not name the redirect target %s", msg, host)
				}
				for _, secret := range []string{"q-ORIGIN", "pw-ORIGIN", "cmd-ORIGIN", originToken} {
					if strings.Contains(msg, secret) {
						t.Errorf("error %q shows %q", msg, secret)
					}
				}
			})
		}
	}
	if got := evil.got(); len(got) > 0 {
		t.Errorf("another origin received %d requests, the first: %s", len(got), got[0])
	}
	if text := raw.text(); strings.Contains(text, originToken) || strings.Contains(text, "Impersonate") || strings.Contains(text, "body-ORIGIN") {
		t.Errorf("credentials or a body reached the API server's port in plain text:\n%.500s", text)
	}
	if hits != len(targets)*len(calls) {
		t.Errorf("the API server was asked %d times, want %d (one per call: no retry of a refused redirect)", hits, len(targets)*len(calls))
	}
}

func TestRedirectSameOriginFollowed(t *testing.T) {
	var mu sync.Mutex
	var auth []string
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization")+" as "+r.Header.Get("Impersonate-User"))
		mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, "/moved") {
			http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"default"}}`)
	}), serveTLS(nil), asOriginUser())
	p, err := Pods.Get(context.Background(), "web", &GetOptions{API: c})
	if err != nil {
		t.Fatalf("a same-origin redirect was not followed: %v", err)
	}
	if p.Name() != "web" {
		t.Errorf("got %q", p.Name())
	}
	want := "Bearer " + originToken + " as someone"
	if len(auth) != 2 || auth[0] != want || auth[1] != want {
		t.Errorf("the two hops carried %q, want %q twice", auth, want)
	}
}

func TestOriginGuardRefusesOtherHosts(t *testing.T) {
	evil := &recorder{}
	other := httptest.NewServer(evil)
	defer other.Close()
	_, c := newTestServer(t, evil, serveTLS(nil), asOriginUser())
	// A request for another origin that did not come from a redirect,
	// straight into the client's transport.
	req, _ := http.NewRequest(http.MethodGet, other.URL+"/api", nil)
	_, err := c.http.Transport.RoundTrip(req)
	if err == nil || !strings.Contains(err.Error(), "not the API server's origin") {
		t.Errorf("err = %v, want a refusal", err)
	}
	if got := evil.got(); len(got) > 0 {
		t.Errorf("a request reached another origin: %s", got[0])
	}
}

func TestSameOrigin(t *testing.T) {
	base := mustParse(t, "https://Example.com:443/prefix/")
	for u, want := range map[string]bool{
		"https://example.com/api":        true,
		"wss://example.com:443/api":      true,
		"https://example.com:6443/api":   false,
		"http://example.com/api":         false,
		"ws://example.com:443/api":       false,
		"https://evil.com/api":           false,
		"https://example.com.evil.com/a": false,
	} {
		if got := sameOrigin(mustParse(t, u), base); got != want {
			t.Errorf("sameOrigin(%s) = %v, want %v", u, got, want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://u:pw@host:6443/x?command=secret": "https://u:REDACTED@host:6443/x",
		"https://host/x?q#frag":                   "https://host/x",
		"https://u:p w@ho st/?q=1":                "REDACTED",
		"http://host:notaport/":                   "http://host:notaport/",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
