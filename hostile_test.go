package kr8s

// Tests against a hostile API server (issue 8, "Hostile server"): every
// answer below must end in a clear error within the call's context or
// timeout, with no panic, bounded memory and no goroutine left behind.

import (
	"bufio"
	"context"
	"crypto/sha1" //nolint:gosec // the websocket handshake's accept key
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/kr8s-go/kr8s/internal/testcluster"
	"github.com/kr8s-go/kr8s/internal/wsstream"
)

// hostileServer starts handler and a client for it without retries, so
// each case sees one answer. The server is closed, then goroutines are
// checked, when the test ends.
func hostileServer(t *testing.T, handler http.HandlerFunc) *Client {
	t.Helper()
	testcluster.NoLeak(t)
	_, c := newTestServer(t, handler, withOptions(WithRetry(RetryPolicy{MaxAttempts: 1})))
	return c
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// within runs f and fails if it takes longer than limit.
func within(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if d := time.Since(start); d > limit {
		t.Errorf("took %v, want at most %v", d, limit)
	}
}

func testPod(t *testing.T, c *Client) *Pod {
	t.Helper()
	p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "default"}}, WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHostileTruncatedJSON(t *testing.T) {
	bodies := map[string]string{
		"/version":                            `{"major":"1","minor":"3`,
		"/api/v1/namespaces/default/pods/web": `{"metadata":{"name":"web","labels":{"a":`,
		"/api/v1/namespaces/default/pods":     `{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a"}},{"metadata":{"na`,
	}
	c := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, bodies[r.URL.Path])
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	_, err := c.Version(ctx)
	wantTruncated(t, "Version", err)

	_, err = Pods.Get(ctx, "web", &GetOptions{API: c})
	wantTruncated(t, "Get", err)

	var names []string
	err = nil
	for pod, e := range Pods.List(ctx, &ListOptions{API: c}) {
		if e != nil {
			err = e
			break
		}
		names = append(names, pod.Name())
	}
	if len(names) != 1 || names[0] != "a" {
		t.Errorf("List yielded %q before the cut, want [a]", names)
	}
	wantTruncated(t, "List", err)
}

func wantTruncated(t *testing.T, call string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error for truncated JSON", call)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "decode response") {
		t.Errorf("%s: error %q should say decode response and wrap io.ErrUnexpectedEOF", call, err)
	}
}

// listGenerator writes a pod list of at least size bytes without holding
// it: items are written one by one, each about itemSize bytes.
type listGenerator struct {
	size, itemSize int64
	written        atomic.Int64
	done           chan struct{} // closed when the handler returns
}

func (g *listGenerator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer close(g.done)
	w.Header().Set("Content-Type", "application/json")
	bw := bufio.NewWriterSize(w, 64<<10)
	write := func(s string) bool {
		n, err := bw.WriteString(s)
		g.written.Add(int64(n))
		return err == nil
	}
	pad := strings.Repeat("x", int(g.itemSize))
	if !write(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[`) {
		return
	}
	for i := 0; g.written.Load() < g.size; i++ {
		sep := ","
		if i == 0 {
			sep = ""
		}
		if !write(fmt.Sprintf(`%s{"metadata":{"name":"pod-%d","namespace":"default","annotations":{"pad":"%s"}}}`, sep, i, pad)) {
			return
		}
	}
	if write(`]}`) {
		bw.Flush()
	}
}

// TestHostileHugeList streams a 1 GiB list: List must hand out items as
// they arrive, with the heap staying small, and stop the transfer when
// the loop breaks.
//
// Under -race or -short, where decoding a GiB takes minutes, it streams
// 128 MiB and holds the heap to 32 MiB instead.
func TestHostileHugeList(t *testing.T) {
	size, heapLimit := int64(1<<30), uint64(200<<20)
	if raceEnabled() || testing.Short() {
		size, heapLimit = 128<<20, 32<<20
	}
	g := &listGenerator{size: size, itemSize: 256 << 10, done: make(chan struct{})}
	c := hostileServer(t, g.ServeHTTP)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var ms runtime.MemStats
	var peak uint64
	n := 0
	for pod, err := range Pods.List(ctx, &ListOptions{API: c}) {
		if err != nil {
			t.Fatalf("after %d items: %v", n, err)
		}
		if pod.Name() != fmt.Sprintf("pod-%d", n) {
			t.Fatalf("item %d is %q", n, pod.Name())
		}
		n++
		if n%256 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			if ms.HeapInuse > heapLimit {
				t.Fatalf("HeapInuse %d MiB after %d items, want under %d MiB", ms.HeapInuse>>20, n, heapLimit>>20)
			}
		}
	}
	if got := g.written.Load(); got < size {
		t.Fatalf("server wrote %d bytes, want %d", got, size)
	}
	t.Logf("%d items, %d MiB streamed, peak HeapInuse %d MiB", n, g.written.Load()>>20, peak>>20)
}

// TestHostileHugeListBreak breaks out of a list that would be 1 GiB: the
// server must see the connection go away soon after.
func TestHostileHugeListBreak(t *testing.T) {
	g := &listGenerator{size: 1 << 30, itemSize: 1 << 10, done: make(chan struct{})}
	c := hostileServer(t, g.ServeHTTP)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for _, err := range Pods.List(ctx, &ListOptions{API: c}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 100 {
			break
		}
	}
	select {
	case <-g.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("server still sending 5s after the loop broke (%d bytes written)", g.written.Load())
	}
	if w := g.written.Load(); w > 64<<20 {
		t.Errorf("server wrote %d MiB before the transfer stopped, want a few", w>>20)
	}
}

// endless writes an open JSON string and then more of it forever, every
// interval (or as fast as it can when interval is 0), until the client
// goes away.
func endless(interval time.Duration, prefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, prefix)
		chunk := []byte(strings.Repeat("a", 32<<10))
		if interval > 0 {
			chunk = chunk[:1]
		}
		rc := http.NewResponseController(w)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			if interval > 0 {
				_ = rc.Flush()
				time.Sleep(interval)
			}
		}
	}
}

// TestHostileEndlessBody: a body that never ends on a non-streaming call
// ends with the client's timeout.
func TestHostileEndlessBody(t *testing.T) {
	c := hostileServer(t, endless(10*time.Millisecond, `{"major":"1","minor":"`))
	c.SetTimeout(500 * time.Millisecond)
	within(t, 3*time.Second, func() {
		_, err := c.Version(context.Background())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Version = %v, want context.DeadlineExceeded", err)
		}
	})
	within(t, 3*time.Second, func() {
		_, err := Pods.Get(context.Background(), "web", &GetOptions{API: c})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get = %v, want context.DeadlineExceeded", err)
		}
	})
}

// TestHostileTrailingGarbage: a complete value followed by a body that
// never ends returns the value without waiting for the end.
func TestHostileTrailingGarbage(t *testing.T) {
	c := hostileServer(t, endless(0, `{"major":"1","gitVersion":"v1.36.0"}`))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	within(t, 2*time.Second, func() {
		v, err := c.Version(ctx)
		if err != nil || v.GitVersion != "v1.36.0" {
			t.Errorf("Version = %+v, %v", v, err)
		}
	})
}

// TestHostileHugeObject: a single JSON value that never ends, sent as
// fast as the loopback allows, must not be buffered without bound by a
// non-streaming call: it stops at maxResponseBytes.
func TestHostileHugeObject(t *testing.T) {
	if raceEnabled() {
		// Scanning 64 MiB takes long under the race detector.
		old := maxResponseBytes
		maxResponseBytes = 8 << 20
		t.Cleanup(func() { maxResponseBytes = old })
	}
	c := hostileServer(t, endless(0, `{"major":"1","minor":"`))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Version(ctx)
	want := fmt.Sprintf("response larger than %d bytes", maxResponseBytes)
	if err == nil || !strings.Contains(err.Error(), want) || !isTooLarge(err) {
		t.Fatalf("Version = %v, want an error saying %q", err, want)
	}
	if ctx.Err() != nil {
		t.Fatalf("the limit did not stop the read before the context: %v", err)
	}
}

// TestHostileHugeItem: one list item or watch event that never ends must
// stop at maxResponseBytes too, though the list and the watch stream.
func TestHostileHugeItem(t *testing.T) {
	old := maxResponseBytes
	maxResponseBytes = 4 << 20
	t.Cleanup(func() { maxResponseBytes = old })
	c := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") == "true" {
			endless(0, `{"type":"ADDED","object":{"metadata":{"name":"`)(w, r)
			return
		}
		endless(0, `{"metadata":{},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"`)(w, r)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	n := 0
	for _, e := range Pods.List(ctx, &ListOptions{API: c}) {
		if e != nil {
			err = e
			break
		}
		n++
	}
	if n != 1 || !isTooLarge(err) {
		t.Errorf("List: %d items then %v, want 1 item then a response too large error", n, err)
	}
	err = nil
	for _, e := range Pods.Watch(ctx, &WatchOptions{API: c, ResourceVersion: "1"}) {
		err = e
		break
	}
	if !isTooLarge(err) {
		t.Errorf("Watch: %v, want a response too large error", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the limit did not stop the reads before the context")
	}
}

// slowloris accepts connections, reads the request and answers with
// headers at one byte per second. It is closed when the test ends.
func slowloris(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	t.Cleanup(func() {
		close(done)
		ln.Close()
		<-stopped
	})
	go func() {
		defer close(stopped)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn)
			go func() {
				br := bufio.NewReader(conn)
				if _, err := http.ReadRequest(br); err != nil {
					return
				}
				header := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + strings.Repeat("z", 1000)
				for i := 0; i < len(header); i++ {
					if _, err := conn.Write([]byte{header[i]}); err != nil {
						return
					}
					select {
					case <-done:
						return
					case <-time.After(time.Second):
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestHostileSlowlorisHeaders(t *testing.T) {
	testcluster.NoLeak(t)
	url := slowloris(t)
	c, err := NewClient(WithURL(url), WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	// Bounded by the caller's context...
	within(t, 4*time.Second, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := c.Version(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Version = %v, want context.DeadlineExceeded", err)
		}
	})
	// ... by the client's timeout ...
	c.SetTimeout(time.Second)
	within(t, 3*time.Second, func() {
		_, err := Pods.Get(context.Background(), "web", &GetOptions{API: c})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get = %v, want context.DeadlineExceeded", err)
		}
	})
	// ... and a stream by its context alone.
	within(t, 4*time.Second, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for ev, err := range Pods.Watch(ctx, &WatchOptions{API: c, ResourceVersion: "1"}) {
			t.Errorf("Watch yielded %v, %v", ev, err)
		}
	})
}

func TestHostileInvalidUTF8(t *testing.T) {
	const bad = "web\xff\xfe\xc3"
	c := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/version":
			io.WriteString(w, `{"major":"1","gitVersion":"v1.`+bad+`"}`)
		case r.URL.Query().Get("watch") == "true":
			io.WriteString(w, `{"type":"ADDED","object":{"metadata":{"name":"`+bad+`","resourceVersion":"2"}}}`+"\n")
		case strings.HasSuffix(r.URL.Path, "/pods"):
			io.WriteString(w, `{"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"`+bad+`"}}]}`)
		case strings.HasSuffix(r.URL.Path, "/missing"):
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"kind":"Status","reason":"NotFound","message":"pods \"`+bad+`\" not found"}`)
		case strings.HasSuffix(r.URL.Path, "/plain"):
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, "no such thing: "+bad)
		default:
			io.WriteString(w, `{"metadata":{"name":"`+bad+`"}}`)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, err := c.Version(ctx)
	if err != nil || !utf8.ValidString(v.GitVersion) {
		t.Errorf("Version = %+v, %v: want valid UTF-8", v, err)
	}
	p, err := Pods.Get(ctx, "web", &GetOptions{API: c})
	if err != nil || !utf8.ValidString(p.Name()) || !strings.HasPrefix(p.Name(), "web") {
		t.Errorf("Get: %v: want a name in valid UTF-8", err)
	}
	for p, err := range Pods.List(ctx, &ListOptions{API: c}) {
		if err != nil || !utf8.ValidString(p.Name()) {
			t.Errorf("List: %v: want a name in valid UTF-8", err)
		}
	}
	for ev, err := range Pods.Watch(ctx, &WatchOptions{API: c, ResourceVersion: "1"}) {
		if err != nil || !utf8.ValidString(ev.Object.Name()) {
			t.Errorf("Watch: %v: want a name in valid UTF-8", err)
		}
		break
	}
	for _, name := range []string{"missing", "plain"} {
		_, err = Pods.Get(ctx, name, &GetOptions{API: c})
		var se *StatusError
		if !errors.As(err, &se) || !utf8.ValidString(err.Error()) {
			t.Errorf("Get %s = %q: want a *StatusError in valid UTF-8", name, err)
		}
	}
}

func TestHostileWrongContentType(t *testing.T) {
	const page = "<!DOCTYPE html><html><body><h1>Sign in to your corporate proxy</h1></body></html>"
	c := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/v1/namespaces/default/pods/oops"):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "upstream connect error or disconnect/reset before headers\n")
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	wantHTML := func(call string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), `"text/html; charset=utf-8"`) || !strings.Contains(err.Error(), "not JSON") {
			t.Errorf("%s = %v: want an error naming the text/html content type", call, err)
		}
	}
	_, err := c.Version(ctx)
	wantHTML("Version", err)
	_, err = Pods.Get(ctx, "web", &GetOptions{API: c})
	wantHTML("Get", err)
	for _, err = range Pods.List(ctx, &ListOptions{API: c}) {
		break
	}
	wantHTML("List", err)
	for _, err = range Pods.Watch(ctx, &WatchOptions{API: c, ResourceVersion: "1"}) {
		break
	}
	wantHTML("Watch", err)

	_, err = Pods.Get(ctx, "oops", &GetOptions{API: c})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 500 || !errors.Is(err, ErrServerError) ||
		!strings.Contains(err.Error(), "upstream connect error") {
		t.Errorf("Get = %v: want a 500 *StatusError quoting the text body", err)
	}
}

// TestHostileWatchGarbage: a watch stream of garbage ends the watch with
// an error instead of reconnecting to the same garbage until ctx ends.
func TestHostileWatchGarbage(t *testing.T) {
	streams := map[string]string{
		"lines":       "this is not json\n{\"type\":\"ADDED\"\n",
		"wrong shape": `{"type":"ADDED","object":"a string"}` + "\n",
		"bad object":  `{"type":"MODIFIED","object":[1,2,3]}` + "\n",
		"binary":      "\x00\x01\x02\xff\xfe garbage",
	}
	for name, body := range streams {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			c := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"5"}}}`+"\n")
				io.WriteString(w, body)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var err error
			within(t, 2*time.Second, func() {
				for ev, e := range Pods.Watch(ctx, &WatchOptions{API: c, ResourceVersion: "1"}) {
					if e == nil {
						t.Errorf("unexpected event %v", ev)
						continue
					}
					err = e
				}
			})
			if err == nil || !strings.Contains(err.Error(), "watch pods") {
				t.Errorf("Watch ended with %v, want a decode error naming the watch", err)
			}
			if n := hits.Load(); n != 1 {
				t.Errorf("watch reconnected to garbage: %d requests", n)
			}
		})
	}
}

// wsAcceptKey is the Sec-WebSocket-Accept value for key (RFC 6455).
func wsAcceptKey(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) //nolint:gosec // protocol-mandated
	return base64.StdEncoding.EncodeToString(h[:])
}

// TestHostileExecGarbage runs Pod.ExecStream against websocket servers
// that break the protocol in different ways.
func TestHostileExecGarbage(t *testing.T) {
	framed := func(send func(ctx context.Context, conn *websocket.Conn)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{wsstream.ProtocolV5}})
			if err != nil {
				return
			}
			defer conn.CloseNow()
			send(r.Context(), conn)
			// Hold the connection until the client gives up on it.
			_, _, _ = conn.Read(r.Context())
		}
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"text message", framed(func(ctx context.Context, conn *websocket.Conn) {
			conn.Write(ctx, websocket.MessageText, []byte("hello, I am not a channel"))
		}), "protocol error"},
		{"unknown channel", framed(func(ctx context.Context, conn *websocket.Conn) {
			conn.Write(ctx, websocket.MessageBinary, []byte("\x01ok"))
			conn.Write(ctx, websocket.MessageBinary, []byte("\x09garbage"))
		}), "protocol error"},
		{"garbage status", framed(func(ctx context.Context, conn *websocket.Conn) {
			conn.Write(ctx, websocket.MessageBinary, []byte("\x03{\"status\":\"Fail"))
			conn.Close(websocket.StatusNormalClosure, "")
		}), "exec in"},
		{"huge status", framed(func(ctx context.Context, conn *websocket.Conn) {
			big := append([]byte{3}, strings.Repeat("x", 1<<20)...)
			for range 20 {
				if conn.Write(ctx, websocket.MessageBinary, big) != nil {
					return
				}
			}
		}), "protocol error"},
		{"raw bytes after upgrade", func(w http.ResponseWriter, r *http.Request) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(brw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
				"Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: %s\r\n\r\n", wsAcceptKey(r.Header.Get("Sec-WebSocket-Key")), wsstream.ProtocolV5)
			brw.WriteString("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff this is not websocket framing")
			brw.Flush()
			_, _ = io.Copy(io.Discard, conn)
		}, "connection lost"},
		{"never answers", framed(func(ctx context.Context, conn *websocket.Conn) {}), "deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := hostileServer(t, tc.handler)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var err error
			within(t, 4*time.Second, func() {
				err = testPod(t, c).ExecStream(ctx, []string{"sh"}, &ExecOptions{Stdout: io.Discard, Stderr: io.Discard})
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ExecStream = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func isTooLarge(err error) bool {
	var e *tooLargeError
	return errors.As(err, &e)
}
