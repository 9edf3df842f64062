package wsstream

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const (
	statusSuccess = `{"metadata":{},"status":"Success"}`
	statusExit3   = `{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: command terminated with exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}`
	statusBoom    = `{"status":"Failure","reason":"InternalError","code":500,"message":"Internal error occurred: boom"}`
)

// scripted returns a server that sends the frames (channel byte first),
// then closes normally.
func scripted(frames ...string) func(ctx context.Context, c *websocket.Conn, r *http.Request) {
	return func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		for _, f := range frames {
			if err := c.Write(ctx, websocket.MessageBinary, []byte(f)); err != nil {
				return
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
	}
}

func runExec(t *testing.T, fs *fakeServer, opts ExecOptions) error {
	t.Helper()
	c, proto := fs.dial(t, ExecProtocols)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return Exec(ctx, c, proto, opts)
}

func TestExecExitCodeAndStreams(t *testing.T) {
	before := settledGoroutines()
	fs := newFakeServer(t, ExecProtocols, scripted(
		"\x01", // ready marker
		"\x01out\n", "\x02err\n", "\x01more\n",
		"\x03"+statusExit3[:40], "\x03"+statusExit3[40:], // split status
	))
	var stdout, stderr bytes.Buffer
	err := runExec(t, fs, ExecOptions{Stdout: &stdout, Stderr: &stderr})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("err = %v (%T), want ExitError{3}", err, err)
	}
	if !strings.Contains(ee.Message, "exit code 3") || ee.Error() != "command terminated with exit code 3" {
		t.Errorf("ExitError = %+v, %q", ee, ee.Error())
	}
	if stdout.String() != "out\nmore\n" || stderr.String() != "err\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
	fs.Close()
	checkGoroutines(t, before)
}

func TestExecStatuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		frames []string
		check  func(error) bool
	}{
		{"success v5", []string{"\x01", "\x03" + statusSuccess}, func(err error) bool { return err == nil }},
		{"success v4 runtime form", []string{"\x03", "\x03" + `{"status":"Success"}`}, func(err error) bool { return err == nil }},
		{"no status, normal close", []string{"\x01", "\x01hi"}, func(err error) bool { return err == nil }},
		{"internal error", []string{"\x01", "\x03" + statusBoom}, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Code == 500 && se.Reason == "InternalError" && strings.Contains(err.Error(), "boom")
		}},
		{"nonzero without cause", []string{"\x03" + `{"status":"Failure","reason":"NonZeroExitCode","message":"m"}`}, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Message == "m"
		}},
		{"exit code 255", []string{"\x03" + strings.Replace(statusExit3, `"message":"3"`, `"message":"255"`, 1)}, func(err error) bool {
			var ee *ExitError
			return errors.As(err, &ee) && ee.Code == 255
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeServer(t, ExecProtocols, scripted(tc.frames...))
			if err := runExec(t, fs, ExecOptions{Stdout: io.Discard}); !tc.check(err) {
				t.Fatalf("unexpected result: %v (%T)", err, err)
			}
		})
	}
}

// echoServer echoes stdin to stdout. Under v5 it finishes on [255 0];
// under v4 it finishes once it has echoed want bytes, after checking
// that nothing else arrives.
func echoServer(t *testing.T, want int, sawClose chan<- []byte) func(ctx context.Context, c *websocket.Conn, r *http.Request) {
	return func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		msgs := make(chan []byte, 16)
		go func() {
			defer close(msgs)
			for {
				_, m, err := c.Read(ctx)
				if err != nil {
					return
				}
				msgs <- m
			}
		}()
		_ = send(ctx, c, 1, "")
		got := 0
		for m := range msgs {
			if len(m) == 0 {
				continue
			}
			switch m[0] {
			case 0:
				got += len(m) - 1
				if err := send(ctx, c, 1, string(m[1:])); err != nil {
					return
				}
				if c.Subprotocol() == ProtocolV4 && got == want {
					select {
					case m := <-msgs:
						sawClose <- m
					case <-time.After(200 * time.Millisecond):
					}
					_ = send(ctx, c, 3, statusSuccess)
					c.Close(websocket.StatusNormalClosure, "")
					return
				}
			case ChannelClose:
				sawClose <- m
				_ = send(ctx, c, 3, statusSuccess)
				c.Close(websocket.StatusNormalClosure, "")
				return
			}
		}
	}
}

func TestExecStdinEOFv5(t *testing.T) {
	in := make([]byte, 1<<20)
	rand.Read(in)
	sawClose := make(chan []byte, 1)
	fs := newFakeServer(t, ExecProtocols, echoServer(t, len(in), sawClose))
	c, proto := fs.dial(t, ExecProtocols)
	if proto != ProtocolV5 {
		t.Fatalf("protocol %q", proto)
	}
	if h := (<-fs.header)["Sec-Websocket-Protocol"]; len(h) != 1 || !strings.Contains(h[0], ProtocolV5) || !strings.Contains(h[0], ProtocolV4) {
		t.Errorf("Sec-WebSocket-Protocol lines = %q, want both protocols in one line", h)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := Exec(ctx, c, proto, ExecOptions{Stdin: bytes.NewReader(in), Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), in) {
		t.Errorf("echoed %d bytes, want the %d sent", out.Len(), len(in))
	}
	if m := <-sawClose; !bytes.Equal(m, []byte{255, 0}) {
		t.Errorf("close frame = %v, want [255 0]", m)
	}
}

func TestExecV4Fallback(t *testing.T) {
	sawClose := make(chan []byte, 1)
	fs := newFakeServer(t, []string{ProtocolV4}, echoServer(t, 5, sawClose))
	c, proto := fs.dial(t, ExecProtocols)
	if proto != ProtocolV4 {
		t.Fatalf("protocol %q, want v4", proto)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := Exec(ctx, c, proto, ExecOptions{Stdin: strings.NewReader("hello"), Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello" {
		t.Errorf("stdout %q", out.String())
	}
	select {
	case m := <-sawClose:
		t.Errorf("v4 client sent %v after stdin; v4 has no CLOSE", m)
	default:
	}
}

// chanWriter sends each Write to a channel.
type chanWriter chan string

func (w chanWriter) Write(p []byte) (int, error) { w <- string(p); return len(p), nil }

func TestExecResize(t *testing.T) {
	fs := newFakeServer(t, ExecProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		pr, pw := io.Pipe()
		go func() {
			// Like the server: one JSON decoder over the channel-4 stream.
			dec := json.NewDecoder(pr)
			for i := 0; i < 2; i++ {
				var s struct{ Width, Height int }
				if err := dec.Decode(&s); err != nil {
					return
				}
				_ = send(ctx, c, 1, fmt.Sprintf("%dx%d\n", s.Width, s.Height))
			}
			_ = send(ctx, c, 3, statusSuccess)
			c.Close(websocket.StatusNormalClosure, "")
		}()
		for {
			_, m, err := c.Read(ctx)
			if err != nil {
				pw.Close()
				return
			}
			if len(m) > 0 && m[0] == ChannelResize {
				pw.Write(m[1:])
			}
		}
	})
	resize := make(chan TerminalSize)
	out := make(chanWriter, 4)
	errc := make(chan error, 1)
	c, proto := fs.dial(t, ExecProtocols)
	go func() {
		errc <- Exec(context.Background(), c, proto, ExecOptions{Stdout: out, TTY: true, Resize: resize})
	}()
	resize <- TerminalSize{Width: 80, Height: 24}
	if got := <-out; got != "80x24\n" {
		t.Fatalf("first size %q", got)
	}
	resize <- TerminalSize{Width: 132, Height: 43}
	if got := <-out; got != "132x43\n" {
		t.Fatalf("second size %q", got)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestExecResizeWireFormat(t *testing.T) {
	got := make(chan []byte, 1)
	fs := newFakeServer(t, ExecProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		_, m, err := c.Read(ctx)
		if err == nil {
			got <- m
		}
		_ = send(ctx, c, 3, statusSuccess)
		c.Close(websocket.StatusNormalClosure, "")
	})
	resize := make(chan TerminalSize, 1)
	resize <- TerminalSize{Width: 80, Height: 24}
	if err := runExec(t, fs, ExecOptions{TTY: true, Resize: resize}); err != nil {
		t.Fatal(err)
	}
	if m := <-got; string(m) != "\x04{\"Width\":80,\"Height\":24}\n" {
		t.Errorf("resize frame %q", m)
	}
}

// hang is a server that sends the ready marker and then only reads.
func hang(ctx context.Context, c *websocket.Conn, r *http.Request) {
	_ = send(ctx, c, 1, "")
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
	}
}

func TestExecContextCancel(t *testing.T) {
	fs := newFakeServer(t, ExecProtocols, hang)
	before := settledGoroutines()
	c, proto := fs.dial(t, ExecProtocols)
	ctx, cancel := context.WithCancel(context.Background())
	resize := make(chan TerminalSize)
	stdinR, stdinW := io.Pipe() // a Stdin that blocks
	var out bytes.Buffer
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := Exec(ctx, c, proto, ExecOptions{Stdin: stdinR, Stdout: &out, TTY: true, Resize: resize})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Exec took %v after cancel", d)
	}
	// The stdin goroutine is blocked in the caller's Read until the
	// caller ends it; it then exits without writing.
	stdinW.Close()
	checkGoroutines(t, before)
}

func TestExecDeadlineNoStdin(t *testing.T) {
	fs := newFakeServer(t, ExecProtocols, hang)
	before := settledGoroutines()
	c, proto := fs.dial(t, ExecProtocols)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := Exec(ctx, c, proto, ExecOptions{Stdin: strings.NewReader("x"), Stdout: io.Discard})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	checkGoroutines(t, before)
}

func TestExecGarbage(t *testing.T) {
	for _, tc := range []struct {
		name string
		srv  func(ctx context.Context, c *websocket.Conn, r *http.Request)
	}{
		{"text frame", func(ctx context.Context, c *websocket.Conn, r *http.Request) {
			c.Write(ctx, websocket.MessageText, []byte("1aGk="))
			hang(ctx, c, r)
		}},
		{"unknown channel", scriptedThenHang("\x09abc")},
		{"stdin channel from server", scriptedThenHang("\x00abc")},
		{"close channel from server", scriptedThenHang("\xff\x00")},
		{"bad json status", scripted("\x03{not json")},
		{"array status", scripted("\x03[1,2]")},
		{"unknown status", scripted("\x03" + `{"status":"Weird"}`)},
		{"bad exit code", scripted("\x03" + strings.Replace(statusExit3, `"message":"3"`, `"message":"abc"`, 1))},
		{"exit code out of range", scripted("\x03" + strings.Replace(statusExit3, `"message":"3"`, `"message":"256"`, 1))},
		{"oversized status", func(ctx context.Context, c *websocket.Conn, r *http.Request) {
			big := strings.Repeat("x", 600<<10)
			send(ctx, c, 3, big)
			send(ctx, c, 3, big)
			hang(ctx, c, r)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeServer(t, ExecProtocols, tc.srv)
			err := runExec(t, fs, ExecOptions{Stdout: io.Discard, Stderr: io.Discard})
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("err = %v, want a protocol error", err)
			}
			t.Log(err)
		})
	}
}

func scriptedThenHang(frames ...string) func(ctx context.Context, c *websocket.Conn, r *http.Request) {
	return func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		for _, f := range frames {
			c.Write(ctx, websocket.MessageBinary, []byte(f))
		}
		hang(ctx, c, r)
	}
}

func TestExecConnectionLost(t *testing.T) {
	fs := newFakeServer(t, ExecProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		_ = send(ctx, c, 1, "partial")
		c.CloseNow()
	})
	err := runExec(t, fs, ExecOptions{Stdout: io.Discard})
	if err == nil || errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "connection lost") {
		t.Fatalf("err = %v", err)
	}
}

func TestExecAbnormalCloseAfterStatus(t *testing.T) {
	fs := newFakeServer(t, ExecProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		_ = send(ctx, c, 3, statusExit3)
		c.CloseNow()
	})
	var ee *ExitError
	if err := runExec(t, fs, ExecOptions{}); !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("err = %v", err)
	}
}

func TestExecUnsupportedProtocol(t *testing.T) {
	fs := newFakeServer(t, []string{"base64.channel.k8s.io"}, hang)
	c, proto := fs.dial(t, []string{"base64.channel.k8s.io"})
	if err := Exec(context.Background(), c, proto, ExecOptions{}); err == nil || !strings.Contains(err.Error(), "unsupported subprotocol") {
		t.Fatalf("err = %v", err)
	}
}

func TestExecV1PlainTextStatus(t *testing.T) {
	fs := newFakeServer(t, []string{ProtocolV1}, scripted("\x01", "\x03exec failed: no such file"))
	c, proto := fs.dial(t, []string{ProtocolV1})
	var se *StatusError
	if err := Exec(context.Background(), c, proto, ExecOptions{}); !errors.As(err, &se) || se.Message != "exec failed: no such file" {
		t.Fatalf("err = %v", err)
	}
}

func TestExecStdinReadError(t *testing.T) {
	fs := newFakeServer(t, ExecProtocols, hang)
	c, proto := fs.dial(t, ExecProtocols)
	err := Exec(context.Background(), c, proto, ExecOptions{Stdin: iotestErrReader{}})
	if err == nil || !strings.Contains(err.Error(), "read stdin: boom") {
		t.Fatalf("err = %v", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestExecKeepAlive(t *testing.T) {
	oldI, oldT := pingInterval, pongTimeout
	pingInterval, pongTimeout = 20*time.Millisecond, 100*time.Millisecond
	defer func() { pingInterval, pongTimeout = oldI, oldT }()

	// A server that answers pings keeps the session alive.
	fs := newFakeServer(t, ExecProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		go func() {
			time.Sleep(300 * time.Millisecond)
			_ = send(ctx, c, 3, statusSuccess)
			c.Close(websocket.StatusNormalClosure, "")
		}()
		hang(ctx, c, r)
	})
	if err := runExec(t, fs, ExecOptions{}); err != nil {
		t.Fatalf("live peer: %v", err)
	}

	// A server that stops reading (so never answers pings) is detected.
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	fs2 := newFakeServer(t, ExecProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		_ = send(ctx, c, 1, "")
		select {
		case <-stuck:
		case <-ctx.Done():
		}
	})
	start := time.Now()
	err := runExec(t, fs2, ExecOptions{})
	if err == nil || !strings.Contains(err.Error(), "did not answer a ping") {
		t.Fatalf("dead peer: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("dead peer detected after %v", time.Since(start))
	}
}

func TestDialHandshakeErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/missing") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404}`)
			return
		}
		w.WriteHeader(http.StatusForbidden) // x/net: no protocol matched
	}))
	defer srv.Close()
	ctx := context.Background()
	_, _, err := Dial(ctx, srv.Client(), srv.URL+"/missing?command=ls", nil, ExecProtocols)
	var he *HandshakeError
	if !errors.As(err, &he) || he.StatusCode != 404 || he.Reason != "NotFound" || !strings.Contains(err.Error(), `pods "x" not found`) {
		t.Fatalf("err = %v", err)
	}
	_, _, err = Dial(ctx, srv.Client(), srv.URL+"/other", nil, ExecProtocols)
	if !errors.As(err, &he) || he.StatusCode != 403 || !strings.Contains(err.Error(), "subprotocols") {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}

func TestDialNoProtocolChosen(t *testing.T) {
	fs := newFakeServer(t, nil, hang)
	_, _, err := Dial(context.Background(), fs.Client(), fs.URL, nil, ExecProtocols)
	if err == nil || !strings.Contains(err.Error(), "none of the subprotocols") {
		t.Fatalf("err = %v", err)
	}
}

// TestDialHTTP2Server checks that Dial forces HTTP/1.1 even when the
// client's transport and the server would negotiate HTTP/2.
func TestDialHTTP2Server(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: ExecProtocols})
		if err != nil {
			return
		}
		defer c.CloseNow()
		scripted("\x01hi", "\x03"+statusSuccess)(r.Context(), c, r)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	// Prove the plain client would use HTTP/2.
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("test server speaks %s, want HTTP/2", resp.Proto)
	}
	c, proto, err := Dial(context.Background(), client, srv.URL, http.Header{"X-Test": {"1"}}, ExecProtocols)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Exec(context.Background(), c, proto, ExecOptions{Stdout: &out}); err != nil || out.String() != "hi" {
		t.Fatalf("err %v out %q", err, out.String())
	}
}
