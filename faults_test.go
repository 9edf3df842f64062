package kr8s

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// reset closes the connection without an HTTP response, with an RST.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		n := len(times)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, "Too many requests, please try again later.\n")
			return
		}
		io.WriteString(w, `{"major":"1","minor":"36","gitVersion":"v1.36.3"}`)
	}))
	v, err := c.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != "v1.36.3" {
		t.Fatalf("version %+v", v)
	}
	if len(times) != 2 {
		t.Fatalf("%d requests, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < 900*time.Millisecond {
		t.Fatalf("retried after %s, want the server's Retry-After of 1s", gap)
	}
}

func TestRetry503ThenSuccess(t *testing.T) {
	var n atomic.Int32
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, `{"gitVersion":"v1"}`)
	}))
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d requests, want 3", n.Load())
	}
}

func TestRetryBounded(t *testing.T) {
	var n atomic.Int32
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}), withOptions(WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond})))
	_, err := c.Version(context.Background())
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 503 || !errors.Is(err, ErrServerError) {
		t.Fatalf("err = %v, want a 503 StatusError", err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d requests, want MaxAttempts=3", n.Load())
	}
}

func TestRetryResetBeforeResponse(t *testing.T) {
	var n atomic.Int32
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			reset(w)
			return
		}
		io.WriteString(w, `{"gitVersion":"v1"}`)
	}))
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d requests, want 2", n.Load())
	}
}

func TestPostNotRetriedAfterBodySent(t *testing.T) {
	var n atomic.Int32
	var got atomic.Value
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		reset(w)
	}))
	_, err := c.Call(context.Background(), http.MethodPost, Request{Namespace: "ns", URL: "configmaps", Body: strings.NewReader(`{"kind":"ConfigMap"}`)})
	if err == nil {
		t.Fatal("want an error")
	}
	if n.Load() != 1 {
		t.Fatalf("POST sent %d times, want once", n.Load())
	}
	if got.Load() != `{"kind":"ConfigMap"}` {
		t.Fatalf("server got %q", got.Load())
	}
	// A POST answered with 503 is not repeated either.
	n.Store(0)
	_, c2 := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	_, err = c2.Call(context.Background(), http.MethodPost, Request{URL: "namespaces", Body: bodyReader([]byte(`{}`))})
	if !errors.Is(err, ErrServerError) || n.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want one 503", err, n.Load())
	}
}

func TestPostRetriedWhenNeverConnected(t *testing.T) {
	// A port with nothing listening: the dial fails, so nothing was sent
	// and the POST may be retried; it fails after MaxAttempts dials.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, a)
	}}
	c, err := NewClient(WithURL("http://"+addr), WithTransport(tr), WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Call(context.Background(), http.MethodPost, Request{URL: "namespaces", Body: bodyReader([]byte(`{}`))})
	if err == nil || dials.Load() != 3 {
		t.Fatalf("err = %v after %d dials, want 3 failed dials", err, dials.Load())
	}
}

func TestStatusErrors(t *testing.T) {
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"web\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404}`)
	}))
	_, err := c.Call(context.Background(), "GET", Request{Namespace: "ns", URL: "pods/web"})
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %T %v", err, err)
	}
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		t.Fatal("errors.Is mapping wrong")
	}
	if se.Code != 404 || se.Reason != "NotFound" || se.Details == nil || se.Details.Name != "web" {
		t.Fatalf("status error %+v", se)
	}
	want := `GET /api/v1/namespaces/ns/pods/web: pods "web" not found (404 NotFound)`
	if se.Error() != want {
		t.Fatalf("Error() = %q, want %q", se.Error(), want)
	}
	// AllowErrorStatus hands the response over.
	resp, err := c.Call(context.Background(), "GET", Request{URL: "pods/web", AllowErrorStatus: true})
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("AllowErrorStatus: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestStatusErrorPlainText(t *testing.T) {
	for _, tc := range []struct {
		code   int
		target error
	}{{401, ErrUnauthorized}, {403, ErrForbidden}, {409, ErrConflict}, {410, ErrGone}, {429, ErrTooManyRequests}, {500, ErrServerError}} {
		_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.code)
			io.WriteString(w, "plain text body\n")
		}), withOptions(WithRetry(RetryPolicy{MaxAttempts: 1})))
		_, err := c.Call(context.Background(), "GET", Request{URL: "pods"})
		if !errors.Is(err, tc.target) {
			t.Errorf("%d: err = %v, want %v", tc.code, err, tc.target)
		}
		if err != nil && !strings.Contains(err.Error(), "plain text body") {
			t.Errorf("%d: error %q lacks the body", tc.code, err)
		}
	}
}

func TestSetTimeoutCutsSlowCall(t *testing.T) {
	release := make(chan struct{})
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer close(release)
	c.SetTimeout(100 * time.Millisecond)
	if c.Timeout() != 100*time.Millisecond {
		t.Fatal("Timeout() does not return the value set")
	}
	_, err := c.Version(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}
}

func TestTimeoutDoesNotCutStreams(t *testing.T) {
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			io.WriteString(w, "line\n")
			w.(http.Flusher).Flush()
			if i < 2 {
				time.Sleep(150 * time.Millisecond)
			}
		}
	}))
	c.SetTimeout(100 * time.Millisecond)
	resp, err := c.Call(context.Background(), "GET", Request{URL: "pods/x/log", Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || string(b) != "line\nline\nline\n" {
		t.Fatalf("stream read %q, %v", b, err)
	}
}

func TestSetTimeoutWhileCallsRun(t *testing.T) {
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"gitVersion":"v1"}`)
	}))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetTimeout(time.Duration(i+1) * time.Second)
			if _, err := c.Version(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestRateLimit(t *testing.T) {
	var n atomic.Int32
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.WriteString(w, `{}`)
	}), withOptions(WithRateLimit(1, 1)))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// The burst lets one through at once; the second must wait ~1s and is
	// cut by the context.
	if _, err := c.Version(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Version(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second call: %v, want it held back by the limiter", err)
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests reached the server, want 1", n.Load())
	}
}

// TestGetReadsSmallBodiesSmall: a Get of a small object with a known
// length allocates about its size, not a 64 KiB buffer that the object
// would then keep alive.
func TestGetReadsSmallBodiesSmall(t *testing.T) {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[{"name":"c","image":"i"}]}}`
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, pod) // small: net/http sets Content-Length
	}))
	ctx := context.Background()
	if _, err := Pods.Get(ctx, "p", &GetOptions{API: c, Namespace: "ns"}); err != nil { // warm the connection and pools
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 50
	for range n {
		if p, err := Pods.Get(ctx, "p", &GetOptions{API: c, Namespace: "ns"}); err != nil || p.Name() != "p" {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 32<<10 {
		t.Errorf("a Get of a %d-byte pod allocated %d bytes, want under 32 KiB", len(pod), per)
	}
}

// TestNotEstablishedIsNotConnected: net/http's HTTP/2 "client conn could
// not be established" means the request was never written, so even a POST
// may be sent again; other errors keep their meaning.
func TestNotEstablishedIsNotConnected(t *testing.T) {
	err := &url.Error{Op: "Post", URL: "https://127.0.0.1", Err: errors.New("http2: client conn could not be established")}
	if !notConnected(err) {
		t.Error("the HTTP/2 not-established error is not treated as not connected")
	}
	if notConnected(&url.Error{Op: "Post", URL: "https://127.0.0.1", Err: io.ErrUnexpectedEOF}) {
		t.Error("an unexpected EOF is treated as not connected")
	}
}
