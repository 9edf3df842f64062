package kr8s

import (
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"
)

// forbidAll answers every request, port-forward upgrades included, 403.
func forbidAll(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, `{"kind":"Status","status":"Failure","reason":"Forbidden","message":"forbidden","code":403}`)
}

// TestPortForwardCloseReleasesContext: a closed forward is not kept alive
// by the context it was started with. Before, each forward stayed
// registered with context.AfterFunc until that context ended, so a
// long-lived context held every forward ever closed, listener and all.
func TestPortForwardCloseReleasesContext(t *testing.T) {
	c := hostileServer(t, forbidAll)
	pod := testPod(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 50
	var forwards []weak.Pointer[PortForward]
	for range n {
		f, err := pod.PortForward(ctx, 80, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		forwards = append(forwards, weak.Make(f))
	}
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, w := range forwards {
		if w.Value() != nil {
			alive++
		}
	}
	if alive > 0 {
		t.Fatalf("%d of %d closed forwards are still reachable while their context lives", alive, n)
	}
}

// TestPortForwardErrorsBounded: without OnError, a forward whose
// connections all fail keeps the first 16 errors for Wait and counts the
// others, instead of holding every error for as long as it runs.
func TestPortForwardErrorsBounded(t *testing.T) {
	c := hostileServer(t, forbidAll)
	pod := testPod(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := pod.PortForward(ctx, 80, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	for range n {
		conn, err := net.Dial("tcp", f.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(conn) // the forward closes it once the upgrade is refused
		conn.Close()
	}
	// Every connection's error is reported before Close (after it, errors
	// of connections cut by the Close are not).
	for {
		f.mu.Lock()
		reported := len(f.errs) + f.dropped
		f.mu.Unlock()
		if reported == n {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d of %d errors reported", reported, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	err = f.Close()
	if err == nil {
		t.Fatal("Close returned no error")
	}
	msg := err.Error()
	if got := strings.Count(msg, "port-forward to Pod/default/web port 80"); got != maxForwardErrors {
		t.Errorf("%d connection errors in Close's error, want %d:\n%s", got, maxForwardErrors, msg)
	}
	if want := "... and 84 more errors"; !strings.HasSuffix(msg, want) {
		t.Errorf("Close's error does not end with %q:\n%s", want, msg)
	}
	if !strings.Contains(msg, "403") {
		t.Errorf("Close's error does not carry the server's answer:\n%s", msg)
	}
}
