package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestRelay checks port-forward's relay with an echo server standing in
// for the kr8s forward: each connection is announced once and carried
// both ways, a half-close reaches the far side, and Close ends open
// connections and every goroutine. Not parallel, so that NoLeak counts
// this test's goroutines only.
func TestRelay(t *testing.T) {
	testcluster.NoLeak(t)
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	var served sync.WaitGroup
	served.Add(1)
	go func() {
		defer served.Done()
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			served.Add(1)
			go func() {
				defer served.Done()
				io.Copy(c, c) // until the client half-closes, or the relay closes
				c.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, c)
				c.Close()
			}()
		}
	}()

	var mu sync.Mutex
	var said []int
	r, err := startRelay("127.0.0.1:0", echo.Addr().String(), func(port int) {
		mu.Lock()
		said = append(said, port)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	port := r.ln.Addr().(*net.TCPAddr).Port

	// A whole exchange, ended by a half-close from the client.
	c, err := net.Dial("tcp", r.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(c, "hello\n")
	c.(*net.TCPConn).CloseWrite()
	if got, _ := io.ReadAll(c); string(got) != "hello\n" {
		t.Errorf("echoed %q", got)
	}
	c.Close()

	// A connection still open when the relay closes.
	open, err := net.Dial("tcp", r.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	fmt.Fprint(open, "ping\n")
	if line, err := bufio.NewReader(open).ReadString('\n'); line != "ping\n" {
		t.Fatalf("second connection read %q, %v", line, err)
	}
	r.Close()
	if err := r.Wait(); err != nil {
		t.Errorf("Wait after Close: %v", err)
	}
	if _, err := open.Read(make([]byte, 1)); err == nil {
		t.Error("a relayed connection is still open after Close")
	}
	mu.Lock()
	if !slices.Equal(said, []int{port, port}) {
		t.Errorf("announced %v, want port %d twice", said, port)
	}
	mu.Unlock()
	echo.Close()
	served.Wait()
}
