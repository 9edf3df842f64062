package wsstream

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func portPrefix(port uint16) string {
	var b [2]byte
	binary.LittleEndian.PutUint16(b[:], port)
	return string(b[:])
}

// pfEcho is the server side of a one-port port-forward: it sends the port
// prefixes (splitting the data channel's into two frames when split is
// set) and echoes the data channel until the client goes away.
func pfEcho(port uint16, split bool) func(ctx context.Context, c *websocket.Conn, r *http.Request) {
	return func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		p := portPrefix(port)
		if split {
			_ = send(ctx, c, 0, p[:1])
			_ = send(ctx, c, 0, p[1:]+"")
		} else {
			_ = send(ctx, c, 0, p)
		}
		_ = send(ctx, c, 1, p)
		for {
			_, m, err := c.Read(ctx)
			if err != nil {
				return
			}
			if len(m) > 0 && m[0] == 0 {
				if err := c.Write(ctx, websocket.MessageBinary, m); err != nil {
					return
				}
			}
		}
	}
}

func runPortForward(t *testing.T, fs *fakeServer, port uint16) (net.Conn, <-chan error) {
	t.Helper()
	ws, _ := fs.dial(t, PortForwardProtocols)
	app, local := net.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- PortForward(context.Background(), ws, port, local) }()
	return app, errc
}

func TestPortForwardRoundTrip(t *testing.T) {
	for _, split := range []bool{false, true} {
		before := settledGoroutines()
		fs := newFakeServer(t, PortForwardProtocols, pfEcho(8080, split))
		app, errc := runPortForward(t, fs, 8080)
		data := make([]byte, 300<<10)
		rand.Read(data)
		go func() { app.Write(data) }()
		got := make([]byte, len(data))
		if _, err := io.ReadFull(app, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatal("echo differs")
		}
		app.Close() // local EOF ends the tunnel
		if err := <-errc; err != nil {
			t.Fatalf("PortForward: %v", err)
		}
		fs.Close()
		checkGoroutines(t, before)
	}
}

func TestPortForwardServerEnds(t *testing.T) {
	fs := newFakeServer(t, PortForwardProtocols, scripted(
		"\x00"+portPrefix(80), "\x01"+portPrefix(80), "\x00HTTP/1.0 200 OK\r\n\r\nbye"))
	app, errc := runPortForward(t, fs, 80)
	b, err := io.ReadAll(app)
	if err != nil || string(b) != "HTTP/1.0 200 OK\r\n\r\nbye" {
		t.Fatalf("read %q, %v", b, err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("PortForward: %v", err)
	}
}

func TestPortForwardErrorChannel(t *testing.T) {
	msg := "error forwarding port 9999 to pod abc, uid : dial tcp 127.0.0.1:9999: connect: connection refused"
	fs := newFakeServer(t, PortForwardProtocols, scripted(
		"\x00"+portPrefix(9999), "\x01"+portPrefix(9999), "\x01"+msg))
	app, errc := runPortForward(t, fs, 9999)
	if b, _ := io.ReadAll(app); len(b) != 0 {
		t.Errorf("local got %q", b)
	}
	err := <-errc
	var pe *PortForwardError
	if !errors.As(err, &pe) || pe.Port != 9999 || pe.Message != msg {
		t.Fatalf("err = %v (%T)", err, err)
	}
	t.Log(err)
}

func TestPortForwardGarbage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		frames []string
	}{
		{"wrong port prefix", []string{"\x00" + portPrefix(81)}},
		{"wrong error prefix", []string{"\x00" + portPrefix(80), "\x01" + portPrefix(1)}},
		{"channel of a second port", []string{"\x00" + portPrefix(80), "\x02" + portPrefix(80)}},
		{"stray channel", []string{"\xffxyz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeServer(t, PortForwardProtocols, scriptedThenHang(tc.frames...))
			_, errc := runPortForward(t, fs, 80)
			if err := <-errc; !errors.Is(err, ErrProtocol) {
				t.Fatalf("err = %v, want a protocol error", err)
			} else {
				t.Log(err)
			}
		})
	}
	t.Run("text frame", func(t *testing.T) {
		fs := newFakeServer(t, PortForwardProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
			c.Write(ctx, websocket.MessageText, []byte("0kB8="))
			hang(ctx, c, r)
		})
		_, errc := runPortForward(t, fs, 80)
		if err := <-errc; !errors.Is(err, ErrProtocol) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPortForwardCancel(t *testing.T) {
	fs := newFakeServer(t, PortForwardProtocols, pfEcho(80, false))
	before := settledGoroutines()
	ws, _ := fs.dial(t, PortForwardProtocols)
	app, local := net.Pipe()
	defer app.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := PortForward(ctx, ws, 80, local)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	// local was closed.
	if _, err := app.Write([]byte("x")); err == nil {
		t.Error("local connection still open")
	}
	checkGoroutines(t, before)
}

func TestPortForwardConnectionLost(t *testing.T) {
	fs := newFakeServer(t, PortForwardProtocols, func(ctx context.Context, c *websocket.Conn, r *http.Request) {
		_ = send(ctx, c, 0, portPrefix(80))
		c.CloseNow()
	})
	app, errc := runPortForward(t, fs, 80)
	defer app.Close()
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Fatalf("err = %v", err)
	}
}

// TestPortForwardRealTCP uses a real TCP connection as local, the way the
// port-forward listener will.
func TestPortForwardRealTCP(t *testing.T) {
	fs := newFakeServer(t, PortForwardProtocols, pfEcho(80, false))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	errc := make(chan error, 1)
	go func() {
		local, err := ln.Accept()
		if err != nil {
			errc <- err
			return
		}
		ws, _, err := Dial(context.Background(), fs.Client(), fs.URL, nil, PortForwardProtocols)
		if err != nil {
			local.Close()
			errc <- err
			return
		}
		errc <- PortForward(context.Background(), ws, 80, local)
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "ping\n")
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping\n" {
		t.Fatalf("got %q %v", buf, err)
	}
	c.Close()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
