package kr8s_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// faultProxy is an HTTP proxy in front of the test cluster's API server
// that answers requests itself with 429 (Retry-After: 1) or 503 as its
// plan says, and counts what reached the server.
type faultProxy struct {
	mu sync.Mutex
	// plan holds the answers for the next requests: 429, 503, or 0 to
	// pass the request on. An empty plan passes everything.
	plan []int
	// lose503 makes the next POST reach the server and then answers it
	// with 503, as a gateway that lost the server's answer would.
	lose503  bool
	answered map[int]int    // injected status -> count
	reached  map[string]int // method -> requests passed to the server
}

func newFaultProxy(t *testing.T) (*faultProxy, string) {
	t.Helper()
	admin := identity(t, "")
	u, err := url.Parse(admin.Server)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(admin.CAData)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	f := &faultProxy{answered: map[int]int{}, reached: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		code := 0
		if len(f.plan) > 0 {
			code, f.plan = f.plan[0], f.plan[1:]
		}
		lose := r.Method == http.MethodPost && f.lose503 && code == 0
		if lose {
			f.lose503 = false
		}
		if code == 0 {
			f.reached[r.Method]++
		} else {
			f.answered[code]++
		}
		f.mu.Unlock()
		switch {
		case code == http.StatusTooManyRequests:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "Too many requests, please try again later.", code)
		case code != 0:
			http.Error(w, "upstream unavailable", code)
		case lose:
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			http.Error(w, "upstream answer lost", http.StatusServiceUnavailable)
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(func() {
		srv.Close()
		rp.Transport.(*http.Transport).CloseIdleConnections()
	})
	return f, srv.URL
}

func (f *faultProxy) set(plan []int, lose503 bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plan, f.lose503 = plan, lose503
	f.answered, f.reached = map[int]int{}, map[string]int{}
}

func (f *faultProxy) counts() (answered map[int]int, reached map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.answered, f.reached
}

// TestThrottlingAndOutages: reads ride out 429s (waiting the server's
// Retry-After) and 503 bursts within the retry budget, and fail with the
// server's status once the budget is spent; writes are sent once, even
// when the answer is lost, so one create makes at most one object.
func TestThrottlingAndOutages(t *testing.T) {
	ns := testcluster.Namespace(t)
	testcluster.NoLeak(t)
	f, proxyURL := newFaultProxy(t)
	// The token identity: a bearer token passes through the proxy.
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithContext("devcluster-token"),
		kr8s.WithURL(proxyURL), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "one"}}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := cm.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// Reads: each of 5 gets meets 429, 503, 503 before it passes (4 of
	// the default 5 attempts); the 429's Retry-After of 1s is honoured.
	var plan []int
	for range 5 {
		plan = append(plan, http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusServiceUnavailable, 0)
	}
	f.set(plan, false)
	start := time.Now()
	for i := range 5 {
		got, err := kr8s.ConfigMaps.Get(ctx, "one", &kr8s.GetOptions{API: c})
		if err != nil || got.Name() != "one" {
			t.Fatalf("get %d through 429 and 503: %v", i, err)
		}
	}
	d := time.Since(start)
	answered, reached := f.counts()
	t.Logf("5 gets through %d×429 and %d×503: %s (%d reached the server)", answered[429], answered[503], d.Round(time.Millisecond), reached["GET"])
	if reached["GET"] != 5 || answered[429] != 5 || answered[503] != 10 {
		t.Fatalf("answered %v, reached %v: want every planned fault consumed", answered, reached)
	}
	if d < 5*time.Second || d > 30*time.Second {
		t.Fatalf("5 gets took %s: want at least 5×Retry-After (5s) and at most the 30s budget", d)
	}

	// An outage longer than the budget: the read fails with the 503 after
	// MaxAttempts (5), well within the client's budget of 30s.
	f.set([]int{503, 503, 503, 503, 503, 503, 503, 503}, false)
	start = time.Now()
	_, err = kr8s.ConfigMaps.Get(ctx, "one", &kr8s.GetOptions{API: c})
	d = time.Since(start)
	answered, _ = f.counts()
	if !errors.Is(err, kr8s.ErrServerError) || answered[503] != 5 || d > 30*time.Second {
		t.Fatalf("get in an outage: %v after %d attempts in %s; want a 503 error after 5", err, answered[503], d)
	}
	t.Logf("get in an outage: failed after %d attempts in %s: %v", answered[503], d.Round(time.Millisecond), err)

	// Writes are never repeated. A create answered 429 or 503 by the
	// proxy did not reach the server and is not retried; a create whose
	// answer was lost after the server made the object is not retried
	// either, so exactly one object exists.
	for _, code := range []int{429, 503} {
		f.set([]int{code, code, code}, false)
		cm, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": fmt.Sprint("refused-", code)}}, kr8s.WithAPI(c))
		err := cm.Create(ctx, nil)
		answered, reached := f.counts()
		if err == nil || answered[code] != 1 || reached["POST"] != 0 {
			t.Fatalf("create answered %d: err %v, %v answered, %v reached; want one attempt and an error", code, err, answered, reached)
		}
	}
	f.set(nil, true)
	lost, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "lost-answer"}}, kr8s.WithAPI(c))
	err = lost.Create(ctx, nil)
	_, reached = f.counts()
	if !errors.Is(err, kr8s.ErrServerError) || reached["POST"] != 1 {
		t.Fatalf("create with its answer lost: %v, %d POSTs reached the server; want a 503 error and one POST", err, reached["POST"])
	}
	f.set(nil, false)
	all, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, o := range all {
		names[o.Name()]++
	}
	if names["lost-answer"] != 1 || names["one"] != 1 || names["refused-429"]+names["refused-503"] != 0 {
		t.Fatalf("objects on the server: %v; want one, lost-answer once, no refused-*", names)
	}
	t.Logf("writes: 3 creates under faults, 1 POST reached the server, 1 object made")
}
