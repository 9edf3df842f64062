package kr8s

// The one way the unit tests set up a fake API server and a client of it.

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// fastRetry, the test clients' default, keeps fault tests quick without
// changing what they check.
var fastRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second}

// testServerConfig is what the testServerOptions chose.
type testServerConfig struct {
	tls      bool
	tlsBase  *tls.Config
	listener net.Listener
	path     string
	user     map[string]any
	options  []Option
}

// A testServerOption changes the server newTestServer starts or the client
// it makes.
type testServerOption func(*testServerConfig)

func testServerOptions(opts []testServerOption) testServerConfig {
	var cfg testServerConfig
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// serveTLS serves HTTPS with base's settings (nil: httptest's); the client
// trusts the server's certificate. Failed handshakes are not logged: the
// tests that serve TLS expect them.
func serveTLS(base *tls.Config) testServerOption {
	return func(c *testServerConfig) { c.tls, c.tlsBase = true, base }
}

// listenOn serves on ln instead of a new loopback listener.
func listenOn(ln net.Listener) testServerOption {
	return func(c *testServerConfig) { c.listener = ln }
}

// atPath points the client at the server's URL followed by path.
func atPath(path string) testServerOption {
	return func(c *testServerConfig) { c.path = path }
}

// asUser gives the client a kubeconfig whose user (a kubeconfig "user"
// entry) carries credentials. Without it, a client of a plain HTTP server
// is made with WithURL and sends none.
func asUser(user map[string]any) testServerOption {
	return func(c *testServerConfig) { c.user = user }
}

// withOptions adds client options after WithRetry(fastRetry), so that
// they win over it.
func withOptions(opts ...Option) testServerOption {
	return func(c *testServerConfig) { c.options = append(c.options, opts...) }
}

// newTestServer starts a fake API server that serves h and returns it with
// a client of it. The server is closed when the test ends.
func newTestServer(t *testing.T, h http.Handler, opts ...testServerOption) (*httptest.Server, *Client) {
	t.Helper()
	cfg := testServerOptions(opts)
	srv := httptest.NewUnstartedServer(h)
	if cfg.listener != nil {
		srv.Listener.Close()
		srv.Listener = cfg.listener
	}
	if cfg.tls {
		srv.TLS = cfg.tlsBase
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, testServerClient(t, srv, opts...)
}

// testServerClient makes another client of srv, a server newTestServer
// started, as opts say (the options for the server do nothing here).
func testServerClient(t *testing.T, srv *httptest.Server, opts ...testServerOption) *Client {
	t.Helper()
	cfg := testServerOptions(opts)
	server := srv.URL + cfg.path
	conn := WithURL(server)
	if cfg.user != nil || srv.TLS != nil {
		cluster := map[string]any{"server": server}
		if srv.TLS != nil {
			ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
			cluster["certificate-authority-data"] = base64.StdEncoding.EncodeToString(ca)
		}
		user := cfg.user
		if user == nil {
			user = map[string]any{}
		}
		kc, err := json.Marshal(map[string]any{
			"apiVersion":      "v1",
			"kind":            "Config",
			"clusters":        []any{map[string]any{"name": "c", "cluster": cluster}},
			"users":           []any{map[string]any{"name": "u", "user": user}},
			"contexts":        []any{map[string]any{"name": "x", "context": map[string]any{"cluster": "c", "user": "u"}}},
			"current-context": "x",
		})
		if err != nil {
			t.Fatal(err)
		}
		conn = WithKubeconfigData(kc)
	}
	c, err := NewClient(append([]Option{conn, WithRetry(fastRetry)}, cfg.options...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
