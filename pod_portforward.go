package kr8s

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"

	"github.com/kr8s-go/kr8s/internal/wsstream"
)

// PortForwardOptions are the options of PortForward. The zero value
// listens on 127.0.0.1 on a free port.
type PortForwardOptions struct {
	// Address to listen on; default "127.0.0.1".
	Address string
	// LocalPort to listen on; 0 picks a free port (see PortForward.Addr).
	LocalPort int
	// OnError receives the error of each forwarded connection that fails,
	// for example when nothing listens on the remote port. Without it Wait
	// and Close return the first 16 of these errors, joined, then
	// "... and N more errors" for the others.
	OnError func(error)
}

// PortForward forwards local TCP connections to a pod's port. Each local
// connection gets its own websocket to the API server, so many may run at
// once.
type PortForward struct {
	ln      net.Listener
	target  func(ctx context.Context) (*Pod, int, error)
	c       *Client
	onError func(error)
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	done    chan struct{}
	mu      sync.Mutex
	errs    []error // the first maxForwardErrors errors of connections
	dropped int     // how many more there were
	fatal   error
	// release unregisters the stop that ends the forward with its
	// context, so that a closed forward is not kept until then.
	release  func() bool
	stopOnce sync.Once
}

// maxForwardErrors bounds the errors of failed connections a PortForward
// keeps for Wait when there is no OnError: a forward that stays open while
// its connections keep failing would otherwise hold every error.
const maxForwardErrors = 16

// PortForward listens locally and forwards each connection to port on the
// pod, through the API server's websocket port-forward protocol. It
// returns once listening; call Close to stop. The forward ends with an
// error, reported by Wait, if the pod goes away.
func (p *Pod) PortForward(ctx context.Context, port int, o *PortForwardOptions) (*PortForward, error) {
	c, err := p.API()
	if err != nil {
		return nil, err
	}
	target := func(context.Context) (*Pod, int, error) { return p, port, nil }
	f, err := startPortForward(ctx, c, target, o)
	if err != nil {
		return nil, fmt.Errorf("port-forward to %s: %w", p, err)
	}
	f.wg.Add(1)
	go f.watchPod(p)
	return f, nil
}

func startPortForward(ctx context.Context, c *Client, target func(context.Context) (*Pod, int, error), o *PortForwardOptions) (*PortForward, error) {
	if o == nil {
		o = &PortForwardOptions{}
	}
	addr := o.Address
	if addr == "" {
		addr = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(o.LocalPort)))
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &PortForward{ln: ln, target: target, c: c, onError: o.OnError, ctx: fctx, cancel: cancel, done: make(chan struct{})}
	// The forward lives until Close or ctx ends. stop unregisters this.
	f.mu.Lock()
	f.release = context.AfterFunc(ctx, func() { f.stop(nil) })
	f.mu.Unlock()
	f.wg.Add(1)
	go f.accept()
	return f, nil
}

// Addr returns the local address, such as "127.0.0.1:43521".
func (f *PortForward) Addr() string { return f.ln.Addr().String() }

// LocalPort returns the local port.
func (f *PortForward) LocalPort() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *PortForward) accept() {
	defer f.wg.Done()
	for {
		conn, err := f.ln.Accept()
		if err != nil {
			select {
			case <-f.done:
			default:
				f.stop(fmt.Errorf("port-forward: accept: %w", err))
			}
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			if err := f.forward(conn); err != nil && f.ctx.Err() == nil {
				f.report(err)
			}
		}()
	}
}

func (f *PortForward) forward(conn net.Conn) error {
	pod, port, err := f.target(f.ctx)
	if err != nil {
		conn.Close()
		return err
	}
	if port <= 0 || port > 65535 {
		conn.Close()
		return fmt.Errorf("port-forward: invalid port %d", port)
	}
	q := url.Values{"ports": []string{strconv.Itoa(port)}}
	ws, _, err := f.c.dialWebsocket(f.ctx, pod.kind.request(f.c, pod.Namespace(), pod.Name()), "portforward", q, wsstream.PortForwardProtocols)
	if err != nil {
		conn.Close()
		return fmt.Errorf("port-forward to %s port %d: %w", pod, port, err)
	}
	if err := wsstream.PortForward(f.ctx, ws, uint16(port), conn); err != nil {
		return fmt.Errorf("port-forward to %s port %d: %w", pod, port, err)
	}
	return nil
}

func (f *PortForward) report(err error) {
	if f.onError != nil {
		f.onError(err)
		return
	}
	f.mu.Lock()
	if len(f.errs) < maxForwardErrors {
		f.errs = append(f.errs, err)
	} else {
		f.dropped++
	}
	f.mu.Unlock()
}

// watchPod ends the forward when the pod is deleted.
func (f *PortForward) watchPod(p *Pod) {
	defer f.wg.Done()
	err := p.Wait(f.ctx, "delete")
	if err == nil {
		f.stop(fmt.Errorf("port-forward: %s: %w", p, ErrPodGone))
	}
}

func (f *PortForward) stop(fatal error) {
	f.stopOnce.Do(func() {
		f.mu.Lock()
		f.fatal = fatal
		release := f.release
		f.mu.Unlock()
		release()
		close(f.done)
		f.ln.Close()
		f.cancel()
	})
}

// Wait blocks until the forward ends: Close was called, the context
// ended, or the pod went away. It returns the reason (nil after Close)
// joined with the errors of failed connections when there is no OnError:
// the first 16 of them, then "... and N more errors" for the others.
func (f *PortForward) Wait() error {
	<-f.done
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	errs := append([]error{f.fatal}, f.errs...)
	if f.dropped > 0 {
		errs = append(errs, fmt.Errorf("... and %d more errors", f.dropped))
	}
	return errors.Join(errs...)
}

// Close stops listening and ends every forwarded connection and goroutine.
// It returns what Wait returns.
func (f *PortForward) Close() error {
	f.stop(nil)
	return f.Wait()
}

// forwardToReady port-forwards to one of owner's ready pods, picked anew
// for each connection, on the pod port that port gives for it.
func forwardToReady(ctx context.Context, owner *Object, ready func(context.Context) ([]*Pod, error),
	port func(*Pod) (int, error), o *PortForwardOptions) (*PortForward, error) {
	c, err := owner.API()
	if err != nil {
		return nil, err
	}
	target := func(ctx context.Context) (*Pod, int, error) {
		pod, err := pickReady(ctx, owner, ready)
		if err != nil {
			return nil, 0, err
		}
		p, err := port(pod)
		return pod, p, err
	}
	f, err := startPortForward(ctx, c, target, o)
	if err != nil {
		return nil, fmt.Errorf("port-forward to %s: %w", owner, err)
	}
	return f, nil
}
