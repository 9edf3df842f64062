package kr8s

// Websocket upgrades (exec, port-forward) are requests like any other
// (issue 12, items 5, 7 and 8): one function builds their URL, and they
// pass through the retry, rate-limit and log layers.

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// pathRecorder answers 503 to everything and keeps each request's path.
type pathRecorder struct {
	mu    sync.Mutex
	paths []string
}

func (p *pathRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.paths = append(p.paths, r.URL.Path)
	p.mu.Unlock()
	w.WriteHeader(http.StatusServiceUnavailable)
}

func (p *pathRecorder) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.paths...)
}

func webPod(t *testing.T, c *Client) *Pod {
	t.Helper()
	p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "default"},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c"}}}}, WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// portForwardOnce opens a forward to p's port 80, connects to it once so
// that the forward dials its websocket, and returns the forward's error.
func portForwardOnce(t *testing.T, p *Pod) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := make(chan error, 1)
	f, err := p.PortForward(ctx, 80, &PortForwardOptions{OnError: func(err error) { errs <- err }})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	conn, err := net.Dial("tcp", f.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
		t.Fatal("the forwarded connection never failed")
		return nil
	}
}

func TestUpgradePathLikeCall(t *testing.T) {
	for _, suffix := range []string{"", "/", "/prefix", "/prefix/"} {
		t.Run("server"+suffix, func(t *testing.T) {
			rec := &pathRecorder{}
			srv, c := newTestServer(t, rec, atPath(suffix), withOptions(WithRetry(RetryPolicy{MaxAttempts: 1})))
			p := webPod(t, c)
			ctx := context.Background()
			_, _ = Pods.Get(ctx, "web", &GetOptions{API: c})
			_ = p.ExecStream(ctx, []string{"true"}, &ExecOptions{Stdout: io.Discard})
			if err := portForwardOnce(t, p); err == nil {
				t.Error("port-forward against a 503: no error")
			}
			prefix := strings.TrimSuffix(suffix, "/")
			want := []string{
				prefix + "/api/v1/namespaces/default/pods/web",
				prefix + "/api/v1/namespaces/default/pods/web/exec",
				prefix + "/api/v1/namespaces/default/pods/web/portforward",
			}
			// The forward also watches its pod (a list of pods); keep the
			// three requests made for the pod itself.
			var got []string
			for _, path := range rec.got() {
				if strings.Contains(path, "//") {
					t.Errorf("server %s: requested %s", srv.URL+suffix, path)
				}
				if strings.Contains(path, "/pods/web") {
					got = append(got, path)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("server %s: requested %q, want %q", srv.URL+suffix, got, want)
			}
		})
	}
}

func TestUpgradeRetriedLimitedAndLogged(t *testing.T) {
	rec := &pathRecorder{}
	var logBuf testcluster.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Three attempts each; a bucket of one request every 100ms.
	_, c := newTestServer(t, rec, withOptions(WithLogger(logger), WithRateLimit(10, 1),
		WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})))
	p := webPod(t, c)
	start := time.Now()
	err := p.ExecStream(context.Background(), []string{"true"}, &ExecOptions{Stdout: io.Discard})
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n := len(rec.got()); n != 3 {
		t.Errorf("the upgrade was tried %d times, want 3 (MaxAttempts)", n)
	}
	// The bucket starts with one token: attempts two and three wait for
	// theirs, 100ms each.
	if took < 180*time.Millisecond {
		t.Errorf("three upgrade attempts took %s: the rate limiter (10/s, burst 1) did not hold them", took)
	}
	logged := 0
	for _, line := range strings.Split(logBuf.String(), "\n") {
		if strings.Contains(line, "path=/api/v1/namespaces/default/pods/web/exec ") && strings.Contains(line, "status=503") {
			logged++
		}
	}
	if logged != 3 {
		t.Errorf("the debug log has %d lines for the upgrade, want 3:\n%s", logged, logBuf.String())
	}
}

func TestUpgradeRefusedDialRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	var logBuf testcluster.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := NewClient(WithURL(refused), WithLogger(logger),
		WithRetry(RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	err = webPod(t, c).ExecStream(context.Background(), []string{"true"}, &ExecOptions{Stdout: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want connection refused", err)
	}
	if n := strings.Count(logBuf.String(), "connection refused"); n != 4 {
		t.Errorf("%d refused dials were logged, want 4 (MaxAttempts):\n%s", n, logBuf.String())
	}
}

func TestRetryAfterHuge(t *testing.T) {
	for _, v := range []string{"9223372036854775807", "99999999999999999999999", "-1x", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		t.Run(v, func(t *testing.T) {
			var mu sync.Mutex
			var at []time.Time
			_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				at = append(at, time.Now())
				n := len(at)
				mu.Unlock()
				if n == 1 {
					w.Header().Set("Retry-After", v)
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"major":"1","minor":"36","gitVersion":"v1.36.3"}`)
			}), withOptions(WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 300 * time.Millisecond})))
			if _, err := c.Version(context.Background()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(at) != 2 {
				t.Fatalf("%d requests, want 2", len(at))
			}
			gap := at[1].Sub(at[0])
			if v == "-1x" {
				// Not a Retry-After: the back-off of about 1ms applies.
				if gap > 250*time.Millisecond {
					t.Errorf("retried after %s, want the short back-off", gap)
				}
				return
			}
			if gap < 250*time.Millisecond {
				t.Errorf("Retry-After %s: retried after %s, want MaxDelay (300ms)", v, gap)
			}
		})
	}
}

func TestRetryAfterParse(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"0":                                   0,
		"7":                                   7 * time.Second,
		" 7 ":                                 7 * time.Second,
		"86401":                               24 * time.Hour,
		"9223372036854775807":                 24 * time.Hour,
		strconv.FormatUint(1<<64-1, 10) + "0": 24 * time.Hour,
	} {
		resp := &http.Response{Header: http.Header{"Retry-After": {v}}}
		got, ok := retryAfter(resp)
		if !ok || got != want {
			t.Errorf("Retry-After %q = %s, %v; want %s", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "-1", "soon", "1.5"} {
		if d, ok := retryAfter(&http.Response{Header: http.Header{"Retry-After": {v}}}); ok {
			t.Errorf("Retry-After %q = %s, want ignored", v, d)
		}
	}
}
