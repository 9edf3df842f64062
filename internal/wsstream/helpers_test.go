package wsstream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fakeServer is a tiny server side of the streaming protocols: it accepts
// a WebSocket offering protocols and hands it to fn.
type fakeServer struct {
	*httptest.Server
	// header is the last upgrade request's header.
	header chan http.Header
}

func newFakeServer(t *testing.T, protocols []string, fn func(ctx context.Context, c *websocket.Conn, r *http.Request)) *fakeServer {
	t.Helper()
	fs := &fakeServer{header: make(chan http.Header, 16)}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case fs.header <- r.Header.Clone():
		default:
		}
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: protocols})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(64 << 20)
		fn(r.Context(), c, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

// dial connects to the fake server.
func (fs *fakeServer) dial(t *testing.T, protocols []string) (*websocket.Conn, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, proto, err := Dial(ctx, fs.Client(), fs.URL, nil, protocols)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return c, proto
}

// send writes one binary frame on channel ch.
func send(ctx context.Context, c *websocket.Conn, ch byte, payload string) error {
	return c.Write(ctx, websocket.MessageBinary, EncodeFrame(ch, []byte(payload)))
}

// checkGoroutines fails the test if, after a short grace period, more
// goroutines run than before.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines: %d before, %d after\n%s", before, n, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settledGoroutines waits briefly for the goroutine count to stop
// changing and returns it.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 20 {
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}
