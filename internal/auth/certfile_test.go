package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// certFilePair is a client certificate and key in two files that a test
// rewrites.
type certFilePair struct {
	cert, key string
	mtime     time.Time
}

func newCertFilePair(t *testing.T) *certFilePair {
	dir := t.TempDir()
	return &certFilePair{
		cert:  filepath.Join(dir, "client.crt"),
		key:   filepath.Join(dir, "client.key"),
		mtime: time.Now().Add(-time.Hour),
	}
}

// write writes data to path and gives it a modification time later than
// any before, so that a rewrite is seen even with the same size.
func (cp *certFilePair) write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cp.mtime = cp.mtime.Add(time.Second)
	if err := os.Chtimes(path, cp.mtime, cp.mtime); err != nil {
		t.Fatal(err)
	}
}

// issue writes a new self-signed certificate for cn and its key, and
// returns them.
func (cp *certFilePair) issue(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	certPEM, keyPEM = testcluster.SelfSignedClientCert(t, cn)
	cp.write(t, cp.cert, certPEM)
	cp.write(t, cp.key, keyPEM)
	return certPEM, keyPEM
}

// commonName returns the common name of the leaf of cert.
func commonName(t *testing.T, cert *tls.Certificate) string {
	t.Helper()
	if cert == nil || len(cert.Certificate) == 0 {
		t.Fatal("no certificate")
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf.Subject.CommonName
}

func TestCertFilesRotation(t *testing.T) {
	cp := newCertFilePair(t)
	certPEM, keyPEM := cp.issue(t, "user-1")
	clock := newClock()
	// As the client passes it: the files' content read at resolve time,
	// and the files.
	p := newProvider(t, Config{
		ClientCertData: certPEM, ClientKeyData: keyPEM,
		ClientCertFile: cp.cert, ClientKeyFile: cp.key,
		Now: clock.Now,
	})
	if !p.HasClientCertificate() {
		t.Fatal("HasClientCertificate is false with certificate files")
	}
	cn := func() string {
		t.Helper()
		cert, err := p.GetClientCertificate(&tls.CertificateRequestInfo{})
		if err != nil {
			t.Fatal(err)
		}
		return commonName(t, cert)
	}
	if got := cn(); got != "user-1" {
		t.Fatalf("certificate %q, want user-1", got)
	}

	// A rotation is seen once the check interval has passed, not before.
	_, key2 := cp.issue(t, "user-2")
	clock.Add(time.Second)
	if got := cn(); got != "user-1" {
		t.Fatalf("certificate %q 1s after the rotation, want user-1 until %v have passed", got, certFileCheckInterval)
	}
	clock.Add(certFileCheckInterval)
	if got := cn(); got != "user-2" {
		t.Fatalf("certificate %q after the check interval, want user-2", got)
	}

	// Garbage keeps the last good pair.
	cp.write(t, cp.cert, []byte("-----BEGIN CERTIFICATE-----\ngarbage\n"))
	clock.Add(certFileCheckInterval)
	if got := cn(); got != "user-2" {
		t.Fatalf("certificate %q after a garbage rewrite, want user-2 kept", got)
	}

	// A rotation caught half-way (the new certificate with the old key)
	// keeps the last good pair, and the files are read again at the next
	// look, which finds the whole new pair.
	cert3, key3 := testcluster.SelfSignedClientCert(t, "user-3")
	cp.write(t, cp.cert, cert3)
	cp.write(t, cp.key, key2)
	clock.Add(certFileCheckInterval)
	if got := cn(); got != "user-2" {
		t.Fatalf("certificate %q with the new certificate and the old key, want user-2 kept", got)
	}
	cp.write(t, cp.key, key3)
	clock.Add(certFileCheckInterval)
	if got := cn(); got != "user-3" {
		t.Fatalf("certificate %q once the rotation is complete, want user-3", got)
	}

	// Files that vanish keep the last good pair too.
	if err := os.Remove(cp.cert); err != nil {
		t.Fatal(err)
	}
	clock.Add(certFileCheckInterval)
	if got := cn(); got != "user-3" {
		t.Fatalf("certificate %q with the file gone, want user-3 kept", got)
	}
}

func TestCertFilesRotationClosesConnections(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2.0"} {
		t.Run(proto, func(t *testing.T) { testCertFilesRotationClosesConnections(t, proto) })
	}
}

// slowNoticeConn is a connection whose reader learns late that it was
// closed, as a transport's read loop does when it is not scheduled at
// once: a Read that fails after Close returns only 200ms later.
type slowNoticeConn struct {
	net.Conn
	closed atomic.Bool
}

func (c *slowNoticeConn) Close() error {
	c.closed.Store(true)
	return c.Conn.Close()
}

func (c *slowNoticeConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil && c.closed.Load() {
		time.Sleep(200 * time.Millisecond)
	}
	return n, err
}

// testCertFilesRotationClosesConnections checks that the request that
// finds the certificate files rotated goes on a new connection with the
// new certificate, and succeeds: over HTTP/2 too, where the transport,
// whose read loop has not yet noticed that the pooled connection was
// closed underneath it, would send the request on it, had its idle
// connections not been closed first.
func testCertFilesRotationClosesConnections(t *testing.T, proto string) {
	cp := newCertFilePair(t)
	cp.issue(t, "user-1")
	clock := newClock()
	// No data: the files are read at first use.
	p := newProvider(t, Config{ClientCertFile: cp.cert, ClientKeyFile: cp.key, Token: "tok", Now: clock.Now})

	var mu sync.Mutex
	var seen, conns []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.TLS.PeerCertificates[0].Subject.CommonName)
		conns = append(conns, r.RemoteAddr)
		mu.Unlock()
		if r.Proto != proto {
			w.WriteHeader(http.StatusHTTPVersionNotSupported)
		}
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.EnableHTTP2 = proto == "HTTP/2.0"
	srv.StartTLS()
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.GetClientCertificate = p.GetClientCertificate
	tr.DialContext = p.WrapDial(func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &slowNoticeConn{Conn: conn}, nil
	})
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: p.Wrap(tr)}
	do := func() {
		t.Helper()
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: not %s", resp.StatusCode, proto)
		}
	}

	do()
	do()
	// Rewriting the same pair (a new modification time) changes nothing.
	certPEM, _ := os.ReadFile(cp.cert)
	cp.write(t, cp.cert, certPEM)
	clock.Add(certFileCheckInterval)
	do()
	cp.issue(t, "user-2")
	do() // within the check interval: still user-1, on the same connection
	clock.Add(certFileCheckInterval)
	do()
	do()

	mu.Lock()
	defer mu.Unlock()
	want := []string{"user-1", "user-1", "user-1", "user-1", "user-2", "user-2"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Fatalf("server saw client certificates %q, want %q", seen, want)
	}
	for i := 1; i < 4; i++ {
		if conns[i] != conns[0] {
			t.Fatalf("request %d used connection %s, not %s: the connection was closed without a rotation", i, conns[i], conns[0])
		}
	}
	if conns[4] == conns[0] {
		t.Fatalf("the request after the rotation reused connection %s opened with the old certificate", conns[0])
	}
}

func TestCertFilesMissing(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	p := newProvider(t, Config{ClientCertFile: cert, ClientKeyFile: key})
	if !p.HasClientCertificate() {
		t.Fatal("HasClientCertificate is false with certificate files")
	}
	_, err := p.GetClientCertificate(&tls.CertificateRequestInfo{})
	if err == nil || !strings.Contains(err.Error(), cert) || !errors.Is(err, ErrCredential) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v, want an ErrCredential naming %s", err, cert)
	}

	// Files that do not hold a pair: the error shows neither file's content.
	key1PEM := []byte("-----BEGIN EC PRIVATE KEY-----\nU0VDUkVULUtFWQ==\n-----END EC PRIVATE KEY-----\n")
	if err := os.WriteFile(cert, []byte("SECRET-CERT"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, key1PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = p.GetClientCertificate(&tls.CertificateRequestInfo{})
	if err == nil || !errors.Is(err, ErrCredential) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "U0VDUkVU") {
		t.Fatalf("error %v, want an ErrCredential without the files' content", err)
	}

	// Through a request, the request fails with ErrCredential too.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.GetClientCertificate = p.GetClientCertificate
	tr.DialContext = p.WrapDial(nil)
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
	resp, err := p.Wrap(tr).RoundTrip(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("request without a readable client certificate succeeded")
	}
	if !errors.Is(err, ErrCredential) {
		t.Errorf("request error %v does not match ErrCredential", err)
	}
}

func TestCertFilesOnlyOneFileIsStatic(t *testing.T) {
	// As in client-go, a pair is reloaded only when both halves are files.
	cp := newCertFilePair(t)
	certPEM, keyPEM := cp.issue(t, "user-1")
	p := newProvider(t, Config{ClientCertData: certPEM, ClientKeyData: keyPEM, ClientCertFile: cp.cert})
	if p.certFiles != nil || p.staticCert == nil {
		t.Fatal("a certificate file with an inline key is not a static pair")
	}
}
