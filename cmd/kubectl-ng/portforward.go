package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// portPair is one LOCAL:REMOTE argument; Local 0 picks a free port.
type portPair struct{ local, remote int }

func parsePortPair(s string) (portPair, error) {
	l, r, ok := strings.Cut(s, ":")
	if !ok {
		l, r = s, s
	}
	var p portPair
	var err error
	if l != "" {
		if p.local, err = strconv.Atoi(l); err != nil || p.local < 0 || p.local > 65535 {
			return p, fmt.Errorf("invalid port %q: the local port must be a number from 0 to 65535", s)
		}
	}
	if p.remote, err = strconv.Atoi(r); err != nil || p.remote < 1 || p.remote > 65535 {
		return p, fmt.Errorf("invalid port %q: the remote port must be a number from 1 to 65535 (port names are not supported yet)", s)
	}
	return p, nil
}

// portForwardOptions are the flags of port-forward; run forwards until
// interrupted.
type portForwardOptions struct {
	*app
	addresses []string
}

func (a *app) portForwardCmd() *cobra.Command {
	o := &portForwardOptions{app: a}
	cmd := &cobra.Command{
		Use:   "port-forward (POD | TYPE/NAME) [LOCAL_PORT:]REMOTE_PORT...",
		Short: "Forward local ports to a pod, service or deployment",
		Long: `Forward local ports to a pod. With svc/NAME or deploy/NAME each new connection
goes to a ready pod chosen at that moment, so a replaced pod is no obstacle; for
a service, REMOTE_PORT is the service's port.`,
		Example: `  kubectl-ng port-forward web 8080:80
  kubectl-ng port-forward svc/web :80
  kubectl-ng port-forward deploy/web 8080:80 --address 0.0.0.0`,
		Args: cobra.MinimumNArgs(2),
		RunE: runWith(o.run),
	}
	cmd.Flags().StringSliceVar(&o.addresses, "address", []string{"localhost"}, "addresses to listen on, comma-separated; localhost means 127.0.0.1")
	return cmd
}

// run is port-forward: args are the target and the port pairs. It
// returns when ctx ends or a forward fails.
func (o *portForwardOptions) run(ctx context.Context, args []string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var pairs []portPair
	for _, s := range args[1:] {
		p, err := parsePortPair(s)
		if err != nil {
			return err
		}
		pairs = append(pairs, p)
	}
	forward, err := o.forwarder(ctx, args[0])
	if err != nil {
		return err
	}
	fs := &forwards{app: o.app}
	defer fs.close()
	for _, addr := range o.addresses {
		if addr == "localhost" {
			addr = "127.0.0.1"
		}
		for _, p := range pairs {
			if err := fs.start(ctx, forward, addr, p); err != nil {
				return err
			}
		}
	}
	return fs.wait(ctx)
}

// forwards are the forwards of one port-forward, each with the relay in
// front of it.
type forwards struct {
	*app
	fws    []*kr8s.PortForward
	relays []*relay
	mu     sync.Mutex // relays say their lines from their own goroutines
}

// start forwards p.remote and listens for it on addr, port p.local.
func (fs *forwards) start(ctx context.Context, forward forwardFunc, addr string, p portPair) error {
	fw, err := forward(ctx, p.remote, &kr8s.PortForwardOptions{
		OnError: func(err error) { fmt.Fprintf(fs.stderr, "error: forwarding port %d: %v\n", p.remote, err) },
	})
	if err != nil {
		return err
	}
	fs.fws = append(fs.fws, fw)
	r, err := startRelay(net.JoinHostPort(addr, strconv.Itoa(p.local)), fw.Addr(), func(port int) {
		fs.say("Handling connection for %d\n", port)
	})
	if err != nil {
		return fmt.Errorf("unable to listen on port %d: %w", p.local, err)
	}
	fs.relays = append(fs.relays, r)
	fs.say("Forwarding from %s -> %d\n", r.ln.Addr(), p.remote)
	return nil
}

// say writes a line to stdout; lines of several relays do not mix.
func (fs *forwards) say(format string, args ...any) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fmt.Fprintf(fs.stdout, format, args...)
}

// wait returns nil when ctx ends, else the error that ended the first
// forward or relay to end.
func (fs *forwards) wait(ctx context.Context) error {
	done := make(chan error, len(fs.fws)+len(fs.relays))
	for _, fw := range fs.fws {
		go func() { done <- fw.Wait() }()
	}
	for _, r := range fs.relays {
		go func() { done <- r.Wait() }()
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-done:
		if err == nil {
			err = errors.New("port forward ended")
		}
		return err
	}
}

// close stops the relays, then the forwards.
func (fs *forwards) close() {
	for _, r := range fs.relays {
		r.Close()
	}
	for _, fw := range fs.fws {
		fw.Close()
	}
}

// relay listens where the user asked and passes each connection on to a
// kr8s forward listening on a loopback port of its own, saying "Handling
// connection for PORT" first, as kubectl does. kr8s's PortForward tells
// nobody of new connections; the relay's extra loopback hop is the price
// of kubectl's line.
type relay struct {
	ln   net.Listener
	to   string         // the forward's address
	say  func(port int) // called for each connection
	wg   sync.WaitGroup // the accept loop and the connections' pipes
	done chan error     // the accept loop's end

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

// startRelay listens on addr and relays connections to to.
func startRelay(addr, to string, say func(port int)) (*relay, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &relay{ln: ln, to: to, say: say, done: make(chan error, 1), conns: map[net.Conn]bool{}}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

func (r *relay) accept() {
	defer r.wg.Done()
	port := r.ln.Addr().(*net.TCPAddr).Port
	for {
		c, err := r.ln.Accept()
		if err != nil {
			r.mu.Lock()
			if r.closed {
				err = nil
			}
			r.mu.Unlock()
			r.done <- err
			return
		}
		r.say(port)
		r.wg.Add(1)
		go r.pipe(c)
	}
}

// pipe copies between c and a new connection to the forward, both ways,
// passing on half-closes, until both sides are done or the relay closes.
func (r *relay) pipe(c net.Conn) {
	defer r.wg.Done()
	up, err := net.Dial("tcp", r.to)
	if err != nil || !r.track(c, up) {
		c.Close()
		if up != nil {
			up.Close()
		}
		return
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(up, c)
		closeWrite(up)
		close(copied)
	}()
	io.Copy(c, up)
	closeWrite(c)
	<-copied
	r.mu.Lock()
	delete(r.conns, c)
	delete(r.conns, up)
	r.mu.Unlock()
	c.Close()
	up.Close()
}

// track records open connections for Close; false if already closed.
func (r *relay) track(conns ...net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range conns {
		r.conns[c] = true
	}
	return !r.closed
}

// closeWrite half-closes a TCP connection: the other side reads EOF.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

// Wait returns when the relay stops accepting: nil after Close, else the
// error that stopped it.
func (r *relay) Wait() error {
	err := <-r.done
	r.done <- err // for the next caller
	return err
}

// Close stops listening, ends every relayed connection and waits for
// the relay's goroutines.
func (r *relay) Close() {
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.ln.Close()
	r.wg.Wait()
}

type forwardFunc func(ctx context.Context, port int, o *kr8s.PortForwardOptions) (*kr8s.PortForward, error)

// forwarder picks how to forward for the argument: through the service or
// deployment (a ready pod per connection), or to one pod.
func (a *app) forwarder(ctx context.Context, arg string) (forwardFunc, error) {
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	if strings.Contains(arg, "/") {
		k, name, err := a.typeName(ctx, arg)
		if err != nil {
			return nil, err
		}
		get := &kr8s.GetOptions{API: c, Namespace: c.Namespace()}
		switch {
		case k.Group == "" && k.Kind.Kind == "Service":
			svc, err := kr8s.Services.Get(ctx, name, get)
			if err != nil {
				return nil, err
			}
			return svc.PortForward, nil
		case k.Group == "apps" && k.Kind.Kind == "Deployment":
			d, err := kr8s.Deployments.Get(ctx, name, get)
			if err != nil {
				return nil, err
			}
			return d.PortForward, nil
		}
	}
	pod, err := a.podFor(ctx, arg)
	if err != nil {
		return nil, err
	}
	return pod.PortForward, nil
}
