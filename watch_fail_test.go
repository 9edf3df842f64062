package kr8s

// A watch rides out only what reconnecting can fix (dropped connections,
// outages, 429, 5xx, 410), logs each reconnect, and gives up after its
// failure budget; anything else (no credential, a TLS certificate that
// does not verify, an error that is not about the network) ends it at
// once with the error.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/term"

	"github.com/kr8s-go/kr8s/internal/jsonany"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// execUser is a kubeconfig user whose credential comes from a v1 exec
// plugin: command with args, never interactive.
func execUser(command string, args ...string) map[string]any {
	return map[string]any{"exec": map[string]any{
		"apiVersion":      "client.authentication.k8s.io/v1",
		"command":         command,
		"args":            args,
		"interactiveMode": "Never",
	}}
}

// emptyList answers a list with no items at resourceVersion 10.
func emptyList(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"metadata":{"resourceVersion":"10"},"items":[]}`)
}

func isWatch(r *http.Request) bool { return r.URL.Query().Get("watch") == "true" }

// runWatch watches ConfigMaps through c until the first error or the
// first event for an object named "done", and reports the error and how
// long it took.
func runWatch(ctx context.Context, t *testing.T, c *Client, rv string) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	for ev, err := range ConfigMaps.Watch(ctx, &WatchOptions{API: c, Namespace: "ns", ResourceVersion: rv}) {
		if err != nil {
			return time.Since(start), err
		}
		if ev.Object != nil && ev.Object.Name() == "done" {
			break
		}
	}
	return time.Since(start), nil
}

// TestWatchEndsWithoutCredential: when the exec plugin is missing or
// fails, the watch ends at once with an error matching ErrCredential,
// instead of reconnecting until the context ends and then reporting nil.
// The last case is the one a long watch meets: the plugin worked for the
// list, the server then answers 401 (the token was revoked) and the
// plugin fails to issue a new one.
func TestWatchEndsWithoutCredential(t *testing.T) {
	testcluster.NoLeak(t)
	dir := t.TempDir()
	once := filepath.Join(dir, "once.sh")
	// Issues a token on its first run and fails on every later one.
	script := `n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n+1)) >"$0.count"
[ "$n" = 0 ] || exit 1
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"good"}}'`
	if err := os.WriteFile(once, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	var watches atomic.Int32
	srv, _ := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWatch(r) {
			emptyList(w)
			return
		}
		watches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"kind":"Status","status":"Failure","reason":"Unauthorized","code":401}`)
	}))

	cases := []struct {
		name string
		user map[string]any
		rv   string // "": list first, with the plugin's first token
	}{
		{"plugin missing", execUser(filepath.Join(dir, "no-such-plugin")), "10"},
		{"plugin exits 1", execUser("/bin/sh", "-c", "exit 1"), "10"},
		{"plugin fails after 401", execUser("/bin/sh", once), ""},
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		u := execUser("/bin/sh", "-c", "exit 1")
		u["exec"].(map[string]any)["interactiveMode"] = "Always"
		cases = append(cases, struct {
			name string
			user map[string]any
			rv   string
		}{"plugin needs a terminal", u, "10"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testServerClient(t, srv, asUser(tc.user))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			took, err := runWatch(ctx, t, c, tc.rv)
			if !errors.Is(err, ErrCredential) {
				t.Fatalf("watch ended after %v with %v, want an error matching ErrCredential", took, err)
			}
			if took > 5*time.Second {
				t.Fatalf("watch took %v to end, want well under its 20s context", took)
			}
			t.Logf("after %v: %v", took, err)
		})
	}
	if n := watches.Load(); n != 1 {
		t.Fatalf("%d watch requests reached the server, want 1 (the one answered 401)", n)
	}
}

// tlsSwitchServer starts an HTTP/1.1 TLS server whose handshakes start
// failing once the first watch request arrives: that request's connection
// is then reset, so the watch must reconnect through a failing handshake.
// fail is applied to the server's TLS config for every later handshake. It
// returns a client of the server with user's credentials.
func tlsSwitchServer(t *testing.T, base *tls.Config, fail func(*tls.Config), user map[string]any) *Client {
	t.Helper()
	var failing atomic.Bool
	srv, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWatch(r) {
			emptyList(w)
			return
		}
		failing.Store(true)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		reset(w)
	}), serveTLS(base), asUser(user))
	srv.TLS.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		if !failing.Load() {
			return nil, nil
		}
		cfg := srv.TLS.Clone()
		cfg.GetConfigForClient = nil
		fail(cfg)
		return cfg, nil
	}
	return c
}

// selfSignedServerCert is a certificate for 127.0.0.1 that no one trusts.
func selfSignedServerCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "untrusted"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestWatchEndsOnTLSFailure: a handshake that fails verification (the
// server's certificate is not trusted, or the server rejects our client
// certificate) ends the watch at once with that error: it is an answer
// retrying cannot change, and it may be an attack.
func TestWatchEndsOnTLSFailure(t *testing.T) {
	testcluster.NoLeak(t)
	untrusted := selfSignedServerCert(t)
	clientPEM, clientKey := testcluster.SelfSignedClientCert(t, "watcher")
	cases := []struct {
		name string
		base *tls.Config
		fail func(*tls.Config)
		want func(error) bool
	}{
		{
			"server certificate not trusted", &tls.Config{},
			func(c *tls.Config) { c.Certificates = []tls.Certificate{untrusted} },
			func(err error) bool {
				var cv *tls.CertificateVerificationError
				var ua x509.UnknownAuthorityError
				return errors.As(err, &cv) && errors.As(err, &ua)
			},
		},
		{
			"client certificate rejected", &tls.Config{ClientAuth: tls.RequireAnyClientCert},
			func(c *tls.Config) {
				c.VerifyPeerCertificate = func([][]byte, [][]*x509.Certificate) error { return errors.New("revoked") }
			},
			func(err error) bool {
				var op *net.OpError
				return errors.As(err, &op) && op.Op == "remote error" && strings.Contains(err.Error(), "bad certificate")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			user := map[string]any{
				"client-certificate-data": base64.StdEncoding.EncodeToString(clientPEM),
				"client-key-data":         base64.StdEncoding.EncodeToString(clientKey),
			}
			c := tlsSwitchServer(t, tc.base, tc.fail, user)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			took, err := runWatch(ctx, t, c, "")
			if err == nil || !tc.want(err) {
				t.Fatalf("watch ended after %v with %v (%T), want the TLS error", took, err, err)
			}
			if took > 5*time.Second {
				t.Fatalf("watch took %v to end, want well under its 20s context", took)
			}
			t.Logf("after %v: %v", took, err)
		})
	}
}

// TestWatchLogsEachReconnect: with WithLogger, every reconnect after a
// failure is one Warn line naming the kind, the attempt, the pause and the
// error, and no credential. The watch's requests fail three ways (reset
// after the headers, 503, closed in the middle of an event), then it
// works.
func TestWatchLogsEachReconnect(t *testing.T) {
	testcluster.NoLeak(t)
	var watches atomic.Int32
	var buf testcluster.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// One attempt per request, so that each failure reaches the watch.
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWatch(r) {
			emptyList(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch watches.Add(1) {
		case 1: // cut in the middle of the stream
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			reset(w)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"kind":"Status","status":"Failure","reason":"ServiceUnavailable","code":503}`)
		case 3: // closed in the middle of an event
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"type":"ADDED","object":{"metadata":`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		default:
			fmt.Fprint(w, `{"type":"ADDED","object":{"metadata":{"name":"done","namespace":"ns","resourceVersion":"11"}}}`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}), asUser(map[string]any{"token": sentinelToken}), withOptions(WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 1})))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if took, err := runWatch(ctx, t, c, ""); err != nil {
		t.Fatalf("watch ended after %v with %v", took, err)
	}
	out := buf.String()
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "kr8s watch reconnecting") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d reconnect lines, want 3 (one per failure):\n%s", len(lines), out)
	}
	wantErr := []string{"connection reset by peer|unexpected EOF", "503", "unexpected EOF"}
	for i, l := range lines {
		for _, re := range []string{`level=WARN`, `kind=ConfigMap`, fmt.Sprintf(`attempt=%d `, i+1), `wait=\d+(\.\d+)?m?s`, `error=".*(` + wantErr[i] + `)`} {
			if !regexp.MustCompile(re).MatchString(l) {
				t.Errorf("reconnect line %d does not match %s:\n%s", i+1, re, l)
			}
		}
	}
	if strings.Contains(out, sentinelToken) {
		t.Errorf("the log holds the token:\n%s", out)
	}
	if n := watches.Load(); n != 4 {
		t.Errorf("%d watch requests, want 4", n)
	}
}

// smallBudget makes a watch give up after 4 × 250ms = 1s of failures.
var smallBudget = RetryPolicy{MaxAttempts: 2, MaxElapsed: 250 * time.Millisecond, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}

// TestWatchGivesUpAfterRetryBudget: a server that resets every watch
// request ends the watch with the network error once the failures have
// lasted 4 × RetryPolicy.MaxElapsed (1s here), not at the context's end.
func TestWatchGivesUpAfterRetryBudget(t *testing.T) {
	testcluster.NoLeak(t)
	var watches atomic.Int32
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWatch(r) {
			emptyList(w)
			return
		}
		watches.Add(1)
		reset(w)
	}), withOptions(WithRetry(smallBudget)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	took, err := runWatch(ctx, t, c, "")
	if err == nil || !(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)) {
		t.Fatalf("watch ended after %v with %v, want the connection reset", took, err)
	}
	if !strings.Contains(err.Error(), "gave up") {
		t.Errorf("error %q does not say the watch gave up", err)
	}
	if took < time.Second || took > 4*time.Second {
		t.Fatalf("watch ended after %v, want between the 1s budget and 4s", took)
	}
	t.Logf("after %v and %d watch requests: %v", took, watches.Load(), err)
}

// TestWatchBudgetCountsConsecutiveFailures: failures separated by events
// or bookmarks do not add up. Every watch request here brings a bookmark
// and is then cut, for three times the 1s budget; the watch goes on.
func TestWatchBudgetCountsConsecutiveFailures(t *testing.T) {
	testcluster.NoLeak(t)
	start := time.Now()
	var rv atomic.Int32
	rv.Store(10)
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWatch(r) {
			emptyList(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if time.Since(start) > 3*time.Second {
			fmt.Fprint(w, `{"type":"ADDED","object":{"metadata":{"name":"done","namespace":"ns","resourceVersion":"100000"}}}`)
			return
		}
		fmt.Fprintf(w, `{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"%d"}}}`, rv.Add(1))
		w.(http.Flusher).Flush()
		time.Sleep(100 * time.Millisecond)
		reset(w)
	}), withOptions(WithRetry(smallBudget)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if took, err := runWatch(ctx, t, c, ""); err != nil {
		t.Fatalf("watch ended after %v with %v", took, err)
	}
	if n := rv.Load() - 10; n < 10 {
		t.Fatalf("%d cut watch requests, want at least 10", n)
	}
}

// TestWatchContextEndsWhileFailing: a context that ends while the watch is
// still within its budget ends it with no error, as any context end does;
// the failures were in the log.
func TestWatchContextEndsWhileFailing(t *testing.T) {
	testcluster.NoLeak(t)
	var buf testcluster.SyncBuffer
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWatch(r) {
			emptyList(w)
			return
		}
		reset(w)
	}), withOptions(WithLogger(slog.New(slog.NewTextHandler(&buf, nil)))))
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if took, err := runWatch(ctx, t, c, ""); err != nil {
		t.Fatalf("watch ended after %v with %v, want nil at the context's end", took, err)
	}
	if n := strings.Count(buf.String(), "kr8s watch reconnecting"); n < 2 {
		t.Fatalf("%d reconnect lines in 1.5s of failures, want at least 2:\n%s", n, buf.String())
	}
}

// TestRetryableWatchError lists what a watch rides out and what ends it.
func TestRetryableWatchError(t *testing.T) {
	status := func(code int) error { return &StatusError{Method: "GET", Path: "/api/v1/pods", Code: code} }
	wrap := func(err error) error { return fmt.Errorf("GET /api/v1/pods: %w", err) }
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	read := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	for _, tc := range []struct {
		name  string
		err   error
		retry bool
	}{
		{"410", status(410), true},
		{"429", status(429), true},
		{"500", status(500), true},
		{"503", status(503), true},
		{"400", status(400), false},
		{"401", status(401), false},
		{"403", status(403), false},
		{"404", status(404), false},
		{"connection refused", wrap(dial), true},
		{"no such host", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}), true},
		{"connection reset", wrap(read), true},
		{"EOF", wrap(io.EOF), true},
		{"unexpected EOF", fmt.Errorf("watch pods: %w", io.ErrUnexpectedEOF), true},
		{"broken pipe", wrap(os.NewSyscallError("write", syscall.EPIPE)), true},
		{"timeout", wrap(&net.OpError{Op: "read", Err: timeoutError{}}), true},
		{"TLS handshake timeout", wrap(timeoutError{}), true},
		{"GOAWAY", wrap(errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=""`)), true},
		{"graceful GOAWAY", wrap(errors.New("http2: Transport received Server's graceful shutdown GOAWAY")), true},
		{"stream error", wrap(errors.New("stream error: stream ID 3; INTERNAL_ERROR; received from peer")), true},
		{"h2 connection lost", wrap(errors.New("http2: client connection lost")), true},
		{"credential", wrap(fmt.Errorf("auth: exec plugin: %w", ErrCredential)), false},
		{"credential over a network error", wrap(fmt.Errorf("%w: %w", ErrCredential, read)), false},
		{"unknown authority", wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{"hostname", wrap(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}), false},
		{"expired", wrap(x509.CertificateInvalidError{Reason: x509.Expired}), false},
		{"alert", wrap(&net.OpError{Op: "remote error", Err: tls.AlertError(42)}), false},
		{"alert value", wrap(tls.AlertError(42)), false},
		{"not TLS", wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false},
		{"other origin", wrap(fmt.Errorf("refused a redirect: %w", errOtherOrigin)), false},
		{"syntax", &jsonany.SyntaxError{}, false},
		{"malformed", fmt.Errorf("%w: x", errMalformedEvent), false},
		{"too large", &tooLargeError{1}, false},
		{"canceled", wrap(context.Canceled), false},
		{"deadline", wrap(context.DeadlineExceeded), false},
		{"anything else", errors.New("something new"), false},
	} {
		if got := retryableWatchError(tc.err); got != tc.retry {
			t.Errorf("%s: retryableWatchError(%v) = %v, want %v", tc.name, tc.err, got, tc.retry)
		}
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
