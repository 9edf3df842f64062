package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// recServer is an httptest server that records requests and answers with
// the status code that decide returns.
type recServer struct {
	*httptest.Server
	mu     sync.Mutex
	auths  []string
	bodies []string
	hdrs   []http.Header
}

func newRecServer(t *testing.T, decide func(r *http.Request) int) *recServer {
	t.Helper()
	s := &recServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.auths = append(s.auths, r.Header.Get("Authorization"))
		s.bodies = append(s.bodies, string(body))
		s.hdrs = append(s.hdrs, r.Header.Clone())
		s.mu.Unlock()
		w.WriteHeader(decide(r))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recServer) hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.auths)
}

func (s *recServer) allAuths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

func (s *recServer) allBodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func (s *recServer) lastHeader() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hdrs[len(s.hdrs)-1]
}

func (s *recServer) lastAuth() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.auths) == 0 {
		return ""
	}
	return s.auths[len(s.auths)-1]
}

// get sends a GET through p and returns the status code.
func get(t *testing.T, p *Provider, url string) int {
	t.Helper()
	c := &http.Client{Transport: p.Wrap(http.DefaultTransport)}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// tokenNumber returns N for "Bearer tok-N", or -1.
func tokenNumber(r *http.Request) int {
	n, err := strconv.Atoi(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer tok-"))
	if err != nil {
		return -1
	}
	return n
}

func TestExecCachedUntilExpiry(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t, "PLUGIN_TTL=1h")
	srv := newRecServer(t, func(*http.Request) int { return http.StatusOK })

	for range 3 {
		if code := get(t, p, srv.URL); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if got := tp.runs(t); got != 1 {
		t.Fatalf("plugin ran %d times before expiry, want 1", got)
	}
	if got := srv.lastAuth(); got != "Bearer tok-1" {
		t.Fatalf("Authorization %q, want Bearer tok-1", got)
	}

	tp.clock.Add(30 * time.Minute)
	get(t, p, srv.URL)
	if got := tp.runs(t); got != 1 {
		t.Fatalf("plugin ran %d times half-way to expiry, want 1", got)
	}

	tp.clock.Add(2 * time.Hour) // past expirationTimestamp
	get(t, p, srv.URL)
	get(t, p, srv.URL)
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times after expiry, want 2", got)
	}
	if got := srv.lastAuth(); got != "Bearer tok-2" {
		t.Fatalf("Authorization %q after expiry, want Bearer tok-2", got)
	}
}

func TestExecNoExpiryCachedUntil401(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	srv := newRecServer(t, func(*http.Request) int { return http.StatusOK })
	get(t, p, srv.URL)
	tp.clock.Add(1000 * time.Hour)
	get(t, p, srv.URL)
	if got := tp.runs(t); got != 1 {
		t.Fatalf("plugin ran %d times, want 1", got)
	}
}

func TestExec401RefreshAndRetry(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	srv := newRecServer(t, func(r *http.Request) int {
		if tokenNumber(r) >= 2 {
			return http.StatusOK
		}
		return http.StatusUnauthorized
	})
	if code := get(t, p, srv.URL); code != http.StatusOK {
		t.Fatalf("status %d, want 200 after refresh", code)
	}
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times, want 2", got)
	}
	if got := srv.allAuths(); len(got) != 2 || got[0] != "Bearer tok-1" || got[1] != "Bearer tok-2" {
		t.Fatalf("server saw %q", got)
	}
}

func TestExec401NoLoop(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	srv := newRecServer(t, func(*http.Request) int { return http.StatusUnauthorized })
	if code := get(t, p, srv.URL); code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", code)
	}
	if got := srv.hits(); got != 2 {
		t.Fatalf("server got %d requests, want 2 (one retry)", got)
	}
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times, want 2", got)
	}
}

func TestExec403NotRetried(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	srv := newRecServer(t, func(*http.Request) int { return http.StatusForbidden })
	for range 3 {
		if code := get(t, p, srv.URL); code != http.StatusForbidden {
			t.Fatalf("status %d, want 403", code)
		}
	}
	if got := srv.hits(); got != 3 {
		t.Fatalf("server got %d requests, want 3 (no retries)", got)
	}
	if got := tp.runs(t); got != 1 {
		t.Fatalf("plugin ran %d times, want 1: a 403 must not refresh", got)
	}
}

func TestExecConcurrent401OneRun(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	var minTok atomic.Int64
	minTok.Store(1)
	srv := newRecServer(t, func(r *http.Request) int {
		if int64(tokenNumber(r)) >= minTok.Load() {
			return http.StatusOK
		}
		return http.StatusUnauthorized
	})
	if code := get(t, p, srv.URL); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}

	minTok.Store(2) // revoke tok-1
	client := &http.Client{Transport: p.Wrap(http.DefaultTransport)}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			<-start
			resp, err := client.Get(srv.URL)
			if err != nil {
				errs <- err
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- errors.New(resp.Status)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times for 50 concurrent 401s, want 2 (1 initial + 1 refresh)", got)
	}
}

func TestExecConcurrentFirstUseOneRun(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := p.current(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := tp.runs(t); got != 1 {
		t.Fatalf("plugin ran %d times, want 1", got)
	}
}

func TestExecMissingCommandInstallHint(t *testing.T) {
	for _, cmd := range []string{
		"kr8s-test-no-such-plugin",
		filepath.Join(t.TempDir(), "no-such-plugin"),
	} {
		p, err := New(Config{Exec: &ExecConfig{
			Command:         cmd,
			APIVersion:      ExecAPIVersionV1beta1,
			InstallHint:     "Install it with: brew install no-such-plugin",
			InteractiveMode: InteractiveNever,
		}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.current(context.Background())
		if err == nil {
			t.Fatalf("%s: no error", cmd)
		}
		msg := err.Error()
		for _, want := range []string{"brew install no-such-plugin", strconv.Quote(cmd), "not found"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not contain %q", msg, want)
			}
		}
		if !strings.Contains(cmd, string(filepath.Separator)) && !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("error %v is not exec.ErrNotFound", err)
		}
	}
}

func TestExecBadJSON(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t, "PLUGIN_MODE=badjson")
	_, err := p.current(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("error %v, want one saying the output is not valid JSON", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("error %q quotes the plugin's output", err)
	}
}

func TestExecFailureExitCode(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t, "PLUGIN_MODE=fail")
	_, err := p.current(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exit code 3") {
		t.Fatalf("error %v, want exit code 3", err)
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "plugin-stderr-message") {
		t.Fatalf("error %q quotes the plugin's output", err)
	}
	if got := tp.stderr.String(); !strings.Contains(got, "plugin-stderr-message") {
		t.Fatalf("plugin stderr %q was not passed through", got)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("error %v does not unwrap to *exec.ExitError with code 3", err)
	}
	// Through the transport the failure is a plain error, without any request.
	srv := newRecServer(t, func(*http.Request) int { return http.StatusOK })
	c := &http.Client{Transport: p.Wrap(nil)}
	if _, err := c.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "exit code 3") {
		t.Fatalf("Get error %v, want the plugin failure", err)
	}
	if srv.hits() != 0 {
		t.Fatal("request sent without credentials")
	}
}

func TestExecWrongAPIVersion(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t, "PLUGIN_API_VERSION="+ExecAPIVersionV1beta1)
	_, err := p.current(context.Background())
	if err == nil || !strings.Contains(err.Error(), "apiVersion") {
		t.Fatalf("error %v, want an apiVersion mismatch", err)
	}
}

func TestExecHalfCertificate(t *testing.T) {
	tp := newTestPlugin(t)
	p := tp.provider(t, "PLUGIN_MODE=halfcert")
	_, err := p.current(context.Background())
	if err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Fatalf("error %v, want a cert-without-key error", err)
	}
}

func TestExecConfigValidation(t *testing.T) {
	cases := []struct {
		name string
		ec   ExecConfig
		want string // "" means valid
	}{
		{"v1 without interactiveMode", ExecConfig{Command: "x", APIVersion: ExecAPIVersionV1}, "interactiveMode is required"},
		{"v1beta1 defaults", ExecConfig{Command: "x", APIVersion: ExecAPIVersionV1beta1}, ""},
		{"v1alpha1", ExecConfig{Command: "x", APIVersion: "client.authentication.k8s.io/v1alpha1", InteractiveMode: InteractiveNever}, "not supported"},
		{"no apiVersion", ExecConfig{Command: "x", InteractiveMode: InteractiveNever}, "apiVersion is required"},
		{"no command", ExecConfig{APIVersion: ExecAPIVersionV1, InteractiveMode: InteractiveNever}, "command is empty"},
		{"bad mode", ExecConfig{Command: "x", APIVersion: ExecAPIVersionV1, InteractiveMode: "Sometimes"}, "invalid interactiveMode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ec := tc.ec
			p, err := New(Config{Exec: &ec})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.exec.cfg.InteractiveMode != InteractiveIfAvailable {
					t.Fatalf("mode %q, want IfAvailable", p.exec.cfg.InteractiveMode)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestExecInfoWithoutClusterInfo(t *testing.T) {
	tp := newTestPlugin(t)
	infoFile := filepath.Join(tp.dir, "info")
	p := tp.provider(t, "PLUGIN_INFO_FILE="+infoFile)
	if _, err := p.current(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(infoFile)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}` + "\n"
	if string(got) != want {
		t.Fatalf("KUBERNETES_EXEC_INFO\n got %q\nwant %q", got, want)
	}
}

func TestExecInfoWithClusterInfo(t *testing.T) {
	tp := newTestPlugin(t)
	infoFile := filepath.Join(tp.dir, "info")
	cfg := tp.config(t, "PLUGIN_INFO_FILE="+infoFile)
	cfg.Exec.ProvideClusterInfo = true
	ca := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	cfg.ClusterInfo = &ClusterInfo{
		Server:                   "https://127.0.0.1:6443",
		TLSServerName:            "kubernetes.default",
		InsecureSkipTLSVerify:    true,
		CertificateAuthorityData: ca,
		ProxyURL:                 "socks5://proxy:1080",
		Config:                   json.RawMessage(`{"audience":"kr8s"}`),
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.current(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(infoFile)
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
		Spec       struct {
			Interactive *bool                      `json:"interactive"`
			Cluster     map[string]json.RawMessage `json:"cluster"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatalf("KUBERNETES_EXEC_INFO %q: %v", raw, err)
	}
	if info.Kind != "ExecCredential" || info.APIVersion != ExecAPIVersionV1 {
		t.Fatalf("kind/apiVersion %q %q", info.Kind, info.APIVersion)
	}
	if info.Spec.Interactive == nil || *info.Spec.Interactive {
		t.Fatalf("spec.interactive missing or true in %s", raw)
	}
	cl := info.Spec.Cluster
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(cl[k], &s)
		return s
	}
	if str("server") != "https://127.0.0.1:6443" || str("tls-server-name") != "kubernetes.default" ||
		str("proxy-url") != "socks5://proxy:1080" || string(cl["insecure-skip-tls-verify"]) != "true" {
		t.Fatalf("cluster %s", raw)
	}
	if caGot, _ := base64.StdEncoding.DecodeString(str("certificate-authority-data")); string(caGot) != string(ca) {
		t.Fatalf("certificate-authority-data %q", str("certificate-authority-data"))
	}
	if string(cl["config"]) != `{"audience":"kr8s"}` {
		t.Fatalf("config %s", cl["config"])
	}
}

func TestExecInteractiveModes(t *testing.T) {
	type result struct {
		interactive bool
		stdin       string
	}
	run := func(t *testing.T, mode string, terminal bool) (result, *testPlugin, error) {
		tp := newTestPlugin(t)
		infoFile := filepath.Join(tp.dir, "info")
		stdinFile := filepath.Join(tp.dir, "stdin")
		cfg := tp.config(t, "PLUGIN_INFO_FILE="+infoFile, "PLUGIN_STDIN_FILE="+stdinFile)
		cfg.Exec.InteractiveMode = mode
		cfg.Stdin = strings.NewReader("typed by the user")
		cfg.IsTerminal = func() bool { return terminal }
		p, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.current(context.Background()); err != nil {
			return result{}, tp, err
		}
		raw, _ := os.ReadFile(infoFile)
		in, _ := os.ReadFile(stdinFile)
		var info struct {
			Spec struct {
				Interactive bool `json:"interactive"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(raw, &info); err != nil {
			t.Fatal(err)
		}
		return result{info.Spec.Interactive, string(in)}, tp, nil
	}

	t.Run("IfAvailable with terminal", func(t *testing.T) {
		r, _, err := run(t, InteractiveIfAvailable, true)
		if err != nil || !r.interactive || r.stdin != "typed by the user" {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	t.Run("IfAvailable without terminal", func(t *testing.T) {
		r, _, err := run(t, InteractiveIfAvailable, false)
		if err != nil || r.interactive || r.stdin != "" {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	t.Run("Never", func(t *testing.T) {
		r, _, err := run(t, InteractiveNever, true)
		if err != nil || r.interactive || r.stdin != "" {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	t.Run("Always with terminal", func(t *testing.T) {
		r, _, err := run(t, InteractiveAlways, true)
		if err != nil || !r.interactive || r.stdin != "typed by the user" {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	t.Run("Always without terminal", func(t *testing.T) {
		_, tp, err := run(t, InteractiveAlways, false)
		if err == nil || !strings.Contains(err.Error(), "terminal") {
			t.Fatalf("error %v, want a no-terminal error", err)
		}
		if tp.runs(t) != 0 {
			t.Fatal("plugin ran without a terminal")
		}
	})
}

func TestExecClientCertificate(t *testing.T) {
	tp := newTestPlugin(t)
	certPEM, keyPEM := testcluster.SelfSignedClientCert(t, "exec-user")
	certFile := filepath.Join(tp.dir, "cert.pem")
	keyFile := filepath.Join(tp.dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	p := tp.provider(t, "PLUGIN_MODE=cert", "PLUGIN_CERT_FILE="+certFile, "PLUGIN_KEY_FILE="+keyFile, "PLUGIN_TTL=1h")
	if !p.HasClientCertificate() {
		t.Fatal("HasClientCertificate is false with an exec plugin")
	}

	// A TLS server that requires a client certificate sees the plugin's.
	var cn atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) > 0 {
			cn.Store(r.TLS.PeerCertificates[0].Subject.CommonName)
		}
		if r.Header.Get("Authorization") != "" {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.GetClientCertificate = p.GetClientCertificate
	tr.DialContext = p.WrapDial(nil)
	c := &http.Client{Transport: p.Wrap(tr)}
	for range 2 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	if got, _ := cn.Load().(string); got != "exec-user" {
		t.Fatalf("server saw client certificate %q, want exec-user", got)
	}
	if got := tp.runs(t); got != 1 {
		t.Fatalf("plugin ran %d times, want 1", got)
	}

	// After expiry the plugin runs again.
	tp.clock.Add(2 * time.Hour)
	cert, err := p.GetClientCertificate(&tls.CertificateRequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil || leaf.Subject.CommonName != "exec-user" {
		t.Fatalf("certificate %v, %v", leaf, err)
	}
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times after expiry, want 2", got)
	}
}

func TestExecCertificateRotationClosesConnections(t *testing.T) {
	tp := newTestPlugin(t)
	certFile := filepath.Join(tp.dir, "cert.pem")
	keyFile := filepath.Join(tp.dir, "key.pem")
	writeCert := func(cn string) {
		t.Helper()
		c, k := testcluster.SelfSignedClientCert(t, cn)
		if err := os.WriteFile(certFile, c, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keyFile, k, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeCert("user-1")
	p := tp.provider(t, "PLUGIN_MODE=cert", "PLUGIN_CERT_FILE="+certFile, "PLUGIN_KEY_FILE="+keyFile, "PLUGIN_TTL=1h")

	var mu sync.Mutex
	var seen []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.TLS.PeerCertificates[0].Subject.CommonName)
		mu.Unlock()
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.GetClientCertificate = p.GetClientCertificate
	tr.DialContext = p.WrapDial(nil)
	c := &http.Client{Transport: p.Wrap(tr)}
	do := func() {
		t.Helper()
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}

	do()
	do()
	writeCert("user-2")
	tp.clock.Add(2 * time.Hour) // the plugin now issues user-2
	do()
	do()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"user-1", "user-1", "user-2", "user-2"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Fatalf("server saw client certificates %q, want %q", seen, want)
	}
	if got := tp.runs(t); got != 2 {
		t.Fatalf("plugin ran %d times, want 2", got)
	}
}
