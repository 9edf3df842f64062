package auth

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

func newProvider(t *testing.T, cfg Config) *Provider {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBearerToken(t *testing.T) {
	p := newProvider(t, Config{Token: "static-token"})
	srv := newRecServer(t, func(*http.Request) int { return http.StatusOK })
	get(t, p, srv.URL)
	if got := srv.lastAuth(); got != "Bearer static-token" {
		t.Fatalf("Authorization %q", got)
	}

	// A request that brings its own Authorization keeps it.
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Authorization", "Bearer mine")
	resp, err := p.Wrap(nil).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := srv.lastAuth(); got != "Bearer mine" {
		t.Fatalf("Authorization %q, want the request's own", got)
	}
	if req.Header.Get("Authorization") != "Bearer mine" {
		t.Fatal("the caller's request was modified")
	}
}

func TestStaticToken401NotRetried(t *testing.T) {
	p := newProvider(t, Config{Token: "static-token"})
	srv := newRecServer(t, func(*http.Request) int { return http.StatusUnauthorized })
	if code := get(t, p, srv.URL); code != http.StatusUnauthorized {
		t.Fatalf("status %d", code)
	}
	if srv.hits() != 1 {
		t.Fatalf("server got %d requests; a static token cannot be refreshed", srv.hits())
	}
}

func TestBasicAuth(t *testing.T) {
	p := newProvider(t, Config{Username: "alice", Password: "s3cret:pw"})
	var user, pass string
	var ok bool
	srv := newRecServer(t, func(r *http.Request) int {
		user, pass, ok = r.BasicAuth()
		return http.StatusOK
	})
	get(t, p, srv.URL)
	if !ok || user != "alice" || pass != "s3cret:pw" {
		t.Fatalf("basic auth %q %q %v", user, pass, ok)
	}
	if _, err := New(Config{Username: "a", Password: "b", Token: "c"}); err == nil {
		t.Fatal("basic auth and a token together: no error")
	}
}

func TestOIDCIDToken(t *testing.T) {
	p := newProvider(t, Config{AuthProvider: &AuthProvider{Name: "oidc", Config: map[string]string{
		"id-token": "oidc-id-token", "refresh-token": "oidc-refresh", "client-secret": "shh",
	}}})
	srv := newRecServer(t, func(*http.Request) int { return http.StatusOK })
	get(t, p, srv.URL)
	if got := srv.lastAuth(); got != "Bearer oidc-id-token" {
		t.Fatalf("Authorization %q", got)
	}
	if _, err := New(Config{AuthProvider: &AuthProvider{Name: "gcp"}}); err == nil {
		t.Fatal("auth-provider gcp: no error")
	}
	_, err := New(Config{AuthProvider: &AuthProvider{Name: "oidc", Config: map[string]string{"refresh-token": "r"}}})
	if err == nil || strings.Contains(err.Error(), "r\"") {
		t.Fatalf("oidc without id-token: error %v", err)
	}
}

func TestTokenFileRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("file-tok-1")
	clock := newClock()
	p := newProvider(t, Config{TokenFile: path, Now: clock.Now})
	accept := "Bearer file-tok-1"
	srv := newRecServer(t, func(r *http.Request) int {
		if r.Header.Get("Authorization") == accept {
			return http.StatusOK
		}
		return http.StatusUnauthorized
	})
	if code := get(t, p, srv.URL); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}

	// Rewritten: within a second the cached token is still used, after it
	// the new one is read.
	write("file-tok-two")
	get(t, p, srv.URL)
	if got := srv.lastAuth(); got != "Bearer file-tok-1" {
		t.Fatalf("Authorization %q, want the cached token within a second", got)
	}
	accept = "Bearer file-tok-two"
	clock.Add(2 * time.Second)
	if code := get(t, p, srv.URL); code != http.StatusOK || srv.lastAuth() != accept {
		t.Fatalf("status %d, Authorization %q after rewrite", code, srv.lastAuth())
	}

	// Rewritten with the same size and modification time: only the 401
	// makes it re-read, and the request is retried once.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	write("file-tok-333")
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	accept = "Bearer file-tok-333"
	clock.Add(2 * time.Second)
	before := srv.hits()
	if code := get(t, p, srv.URL); code != http.StatusOK {
		t.Fatalf("status %d after 401 re-read", code)
	}
	if got := srv.hits() - before; got != 2 {
		t.Fatalf("%d requests, want 2 (401, then retry)", got)
	}

	// A missing file keeps the last good token.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Second)
	if code := get(t, p, srv.URL); code != http.StatusOK {
		t.Fatalf("status %d with the file gone", code)
	}
}

func TestTokenFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope")
	p := newProvider(t, Config{TokenFile: path})
	c := &http.Client{Transport: p.Wrap(nil)}
	_, err := c.Get("http://127.0.0.1:1/")
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", err, path)
	}
}

func TestImpersonationHeaders(t *testing.T) {
	p := newProvider(t, Config{
		Token:             "tok",
		Impersonate:       "jane",
		ImpersonateUID:    "uid-42",
		ImpersonateGroups: []string{"devs", "system:authenticated"},
		ImpersonateUserExtra: map[string][]string{
			"scopes.example.com/team": {"a", "b"},
			"reason":                  {"on call"},
			"100%sure":                {"p"},
		},
	})
	srv := newRecServer(t, func(*http.Request) int { return http.StatusOK })
	get(t, p, srv.URL)
	h := srv.lastHeader()
	if h.Get("Impersonate-User") != "jane" || h.Get("Impersonate-Uid") != "uid-42" {
		t.Fatalf("user/uid headers %v", h)
	}
	if got := h.Values("Impersonate-Group"); !reflect.DeepEqual(got, []string{"devs", "system:authenticated"}) {
		t.Fatalf("groups %q", got)
	}
	// Decode the extras as the API server does: lower-case, then unescape.
	extra := map[string][]string{}
	var names []string
	for name, vals := range h {
		rest, ok := strings.CutPrefix(name, "Impersonate-Extra-")
		if !ok {
			continue
		}
		names = append(names, name)
		key, err := url.PathUnescape(strings.ToLower(rest))
		if err != nil {
			t.Fatalf("header %q: %v", name, err)
		}
		extra[key] = vals
	}
	sort.Strings(names)
	want := map[string][]string{"scopes.example.com/team": {"a", "b"}, "reason": {"on call"}, "100%sure": {"p"}}
	if !reflect.DeepEqual(extra, want) {
		t.Fatalf("extras %q (headers %q), want %q", extra, names, want)
	}
	wantNames := []string{"Impersonate-Extra-100%25sure", "Impersonate-Extra-Reason", "Impersonate-Extra-Scopes.example.com%2fteam"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("header names %q, want %q", names, wantNames)
	}
	if got := escapeExtraKey("a/b c%d:é"); got != "a%2Fb%20c%25d%3A%C3%A9" {
		t.Fatalf("escapeExtraKey = %q", got)
	}

	if _, err := New(Config{ImpersonateGroups: []string{"g"}}); err == nil {
		t.Fatal("groups without a user: no error")
	}
}

func TestPOSTBodyReplayedAfter401(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	srv := newRecServer(t, func(r *http.Request) int {
		if tokenNumber(r) >= 2 {
			return http.StatusCreated
		}
		return http.StatusUnauthorized
	})
	c := &http.Client{Transport: p.Wrap(http.DefaultTransport)}
	body := `{"kind":"ConfigMap"}`
	resp, err := c.Post(srv.URL, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := srv.allBodies(); len(got) != 2 || got[0] != body || got[1] != body {
		t.Fatalf("server got bodies %q, want the body twice", got)
	}
}

func TestNonReplayableBodyNotRetried(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	srv := newRecServer(t, func(r *http.Request) int {
		if tokenNumber(r) >= 2 {
			return http.StatusOK
		}
		return http.StatusUnauthorized
	})
	req, err := http.NewRequest(http.MethodPost, srv.URL, io.NopCloser(strings.NewReader("once")))
	if err != nil {
		t.Fatal(err)
	}
	if req.GetBody != nil {
		t.Fatal("test set-up: GetBody is set")
	}
	resp, err := p.Wrap(nil).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want the 401", resp.StatusCode)
	}
	if srv.hits() != 1 {
		t.Fatalf("server got %d requests, want 1", srv.hits())
	}
	// The rejected credential is dropped: the next request gets a new one.
	if code := get(t, p, srv.URL); code != http.StatusOK {
		t.Fatalf("next request: status %d", code)
	}
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times, want 2", got)
	}
}

func TestStaticClientCertificate(t *testing.T) {
	certPEM, keyPEM := testcluster.SelfSignedClientCert(t, "static-user")
	p := newProvider(t, Config{ClientCertData: certPEM, ClientKeyData: keyPEM})
	if !p.HasClientCertificate() {
		t.Fatal("HasClientCertificate false")
	}
	cert, err := p.GetClientCertificate(&tls.CertificateRequestInfo{})
	if err != nil || len(cert.Certificate) != 1 {
		t.Fatalf("cert %v, %v", cert, err)
	}

	none := newProvider(t, Config{Token: "x"})
	if none.HasClientCertificate() {
		t.Fatal("HasClientCertificate true without a certificate")
	}
	if cert, err := none.GetClientCertificate(nil); err != nil || len(cert.Certificate) != 0 {
		t.Fatalf("cert %v, %v; want an empty certificate", cert, err)
	}

	_, err = New(Config{ClientCertData: certPEM})
	if err == nil {
		t.Fatal("certificate without key: no error")
	}
	_, err = New(Config{ClientCertData: certPEM, ClientKeyData: []byte("SECRET-KEY garbage")})
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("bad key: error %v", err)
	}
}

func TestRedaction(t *testing.T) {
	certPEM, keyPEM := testcluster.SelfSignedClientCert(t, "u")
	keyPEM = append(keyPEM, []byte("SECRET-KEY")...) // still parses: trailing junk is ignored
	cfg := Config{
		Token:     "SECRET-token",
		TokenFile: "/var/run/token",
		Username:  "bob",
		Password:  "SECRET-password",
		Exec: &ExecConfig{
			Command:         "kubelogin",
			Args:            []string{"get-token", "--client-secret=SECRET-arg"},
			Env:             []EnvVar{{Name: "PLUGIN_CREDS", Value: "SECRET-env"}},
			APIVersion:      ExecAPIVersionV1,
			InteractiveMode: InteractiveNever,
		},
		ClientCertData: certPEM,
		ClientKeyData:  keyPEM,
		ClientCertFile: "/etc/kr8s/client.crt",
		ClientKeyFile:  "/etc/kr8s/client.key",
		ClusterInfo:    &ClusterInfo{Server: "https://k8s", Config: []byte(`{"k":"SECRET-ext"}`)},
	}
	oidc := Config{AuthProvider: &AuthProvider{Name: "oidc", Config: map[string]string{"id-token": "SECRET-id", "client-secret": "SECRET-cs"}}}
	cfg.Username, cfg.Password = "", "" // basic and token cannot be combined in New
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	po, err := New(oidc)
	if err != nil {
		t.Fatal(err)
	}
	basic := Config{Username: "bob", Password: "SECRET-password"}
	pb, err := New(basic)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = "SECRET-password" // only printed, not passed to New

	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("cfg", "cfg", cfg, "p", p, "exec", *cfg.Exec, "oidc", oidc)
	text := slog.New(slog.NewTextHandler(&buf, nil))
	text.Info("cfg", "cfg", cfg, "p", p)

	values := []any{cfg, &cfg, *cfg.Exec, cfg.Exec, cfg.Exec.Env[0], oidc, oidc.AuthProvider, *cfg.ClusterInfo, p, po, pb,
		struct{ C Config }{cfg}, []Config{cfg, basic}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range values {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, "SECRET") || strings.Contains(out, "BEGIN") {
				t.Errorf("%s of %T leaks a secret: %s", verb, v, out)
			}
		}
	}
	if strings.Contains(buf.String(), "SECRET") {
		t.Errorf("slog output leaks a secret: %s", buf.String())
	}
	if out := fmt.Sprint(cfg); !strings.Contains(out, "/var/run/token") || !strings.Contains(out, "kubelogin") ||
		!strings.Contains(out, "/etc/kr8s/client.crt") || !strings.Contains(out, "/etc/kr8s/client.key") {
		t.Errorf("redacted output lost non-secret fields: %s", out)
	}
	basicHeader := base64.StdEncoding.EncodeToString([]byte("bob:SECRET-password"))
	if out := fmt.Sprintf("%#v", pb); strings.Contains(out, basicHeader) {
		t.Errorf("provider leaks the basic header: %s", out)
	}
}
