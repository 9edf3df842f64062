package testcluster

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP proxy in front of the test cluster's API server whose
// connections the test can cut, to check how clients ride out dropped
// connections. TLS passes through untouched: the server's certificate is
// valid for 127.0.0.1, so clients keep verifying it.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	cuts    int
	refused int
	refuse  bool
	// cutAfter > 0 cuts a connection once it has carried that many bytes
	// to the client since CutAfter was called (generation gen).
	cutAfter int64
	gen      int
}

// NewProxy starts a proxy to the test cluster's API server; it stops when
// the test ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	return NewProxyTo(t, Admin(t).Server)
}

// NewProxyTo starts a proxy to the server at URL server, such as a private
// cluster's; it stops when the test ends.
func NewProxyTo(t testing.TB, server string) *Proxy {
	t.Helper()
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: u.Host, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.CutAll()
	})
	return p
}

// URL is the proxy's https URL, for kr8s.WithURL.
func (p *Proxy) URL() string { return "https://" + p.ln.Addr().String() }

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) handle(c net.Conn) {
	p.mu.Lock()
	refuse := p.refuse
	if refuse {
		p.refused++
	}
	p.mu.Unlock()
	if refuse {
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
	go func() { p.down(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

// down copies from the server to the client, cutting the connection when
// CutAfter says so. handle closes both ends when it returns.
func (p *Proxy) down(c, up net.Conn) {
	buf := make([]byte, 32<<10)
	var sent int64
	gen := -1
	for {
		n, err := up.Read(buf)
		p.mu.Lock()
		if gen != p.gen {
			gen, sent = p.gen, 0
		}
		cut := p.cutAfter > 0 && sent+int64(n) >= p.cutAfter
		if cut {
			n = int(p.cutAfter - sent)
			p.cutAfter = 0
			p.cuts++
		}
		p.mu.Unlock()
		sent += int64(n)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if cut {
			for _, conn := range []net.Conn{c, up} {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // reset, not a clean end
				}
			}
			return
		}
		if err != nil {
			return
		}
	}
}

// CutAfter makes the proxy cut the first connection that carries n more
// bytes from the server to the client, in the middle of whatever response
// it is sending, whatever the buffers between server and client could
// hold. n <= 0 disarms it.
func (p *Proxy) CutAfter(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutAfter = n
	p.gen++
}

// CutAll drops every open connection at once and returns how many client
// connections it cut.
func (p *Proxy) CutAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns) / 2
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		c.Close()
	}
	p.cuts += n
	return n
}

// Cuts returns the number of client connections cut so far.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

// Refuse makes the proxy close new connections at once (true) or serve
// them again (false): the API server looks unreachable to the client while
// it keeps running. Refuse(true) does not cut open connections; CutAll does.
func (p *Proxy) Refuse(refuse bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse = refuse
}

// Refused returns the number of connections refused so far.
func (p *Proxy) Refused() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}
