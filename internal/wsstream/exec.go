package wsstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// TerminalSize is the size of a TTY in characters. It is sent on the
// resize channel as {"Width":w,"Height":h}.
type TerminalSize struct {
	Width  uint16
	Height uint16
}

// ExecOptions are the streams of one exec or attach session. Which of them
// the server uses is decided by the request URL (stdin=, stdout=, stderr=,
// tty=); set the same ones here.
type ExecOptions struct {
	// Stdin, if not nil, is copied to the process. Under ProtocolV5 its
	// EOF is passed on: the process sees its stdin end. Under ProtocolV4
	// and older the protocol cannot signal EOF, so a process that reads
	// stdin to the end (cat) never finishes by itself; with TTY, sending
	// ^D (0x04) in the data makes the remote terminal end the input.
	//
	// Exec does not wait for a Read on Stdin that is still blocked when
	// the session ends; the copying goroutine exits when that Read
	// returns, and writes nothing more.
	Stdin io.Reader
	// Stdout and Stderr receive the process's output. A nil writer
	// discards. With TTY the server merges stderr into stdout. They are
	// written from Exec's own goroutine; a Write that blocks delays Exec
	// (including its reaction to ctx).
	Stdout io.Writer
	Stderr io.Writer
	// TTY records that the session has a terminal (tty=true).
	TTY bool
	// Resize delivers terminal sizes, sent on channel 4. With TTY, send
	// the initial size first, promptly: a buffered channel that already
	// holds it is simplest. Closing the channel stops resizing.
	Resize <-chan TerminalSize
}

// Keep-alive: ping the server this often, and give up on it when a pong
// takes longer than pongTimeout. The apiserver answers pings but never
// sends any.
var (
	pingInterval = 30 * time.Second
	pongTimeout  = 30 * time.Second
)

// Exec runs the remote-command protocol (exec or attach) on conn, a
// WebSocket opened by Dial with ExecProtocols; protocol is the subprotocol
// the server chose (ProtocolV5, ProtocolV4 or ProtocolV1).
//
// Exec returns nil when the process exits with code 0, an *ExitError for a
// non-zero exit code, a *StatusError when the server reports another
// failure, and other errors for a broken connection, a protocol violation
// or the end of ctx (the error then wraps ctx.Err()). It returns only after
// everything received has been written to Stdout and Stderr.
//
// Exec takes ownership of conn and closes it before returning. Closing the
// connection does not guarantee that the remote process is killed.
func Exec(ctx context.Context, conn *websocket.Conn, protocol string, opts ExecOptions) (err error) {
	defer conn.CloseNow()
	switch protocol {
	case ProtocolV5, ProtocolV4, ProtocolV1:
	default:
		return fmt.Errorf("exec: unsupported subprotocol %q", protocol)
	}
	conn.SetReadLimit(ReadLimit)

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// Stop the helpers, close the connection to unblock their writes, and
	// wait for them.
	defer wg.Wait()
	defer conn.CloseNow()
	defer cancel()

	var failure onceError
	if opts.Stdin != nil {
		// Not in wg: Stdin may block in Read beyond our control.
		go copyStdin(ctx, conn, protocol, opts.Stdin, &failure)
	}
	if opts.Resize != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sendResizes(ctx, conn, protocol, opts.Resize)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		keepAlive(ctx, conn, &failure)
	}()

	d := &execDemux{protocol: protocol, stdout: opts.Stdout, stderr: opts.Stderr}
	for {
		typ, msg, rerr := conn.Read(ctx)
		if rerr != nil {
			if parent.Err() != nil {
				return fmt.Errorf("exec: %w", context.Cause(parent))
			}
			if f := failure.get(); f != nil {
				return f
			}
			normal := websocket.CloseStatus(rerr) == websocket.StatusNormalClosure
			if !normal && d.status.Len() == 0 {
				return fmt.Errorf("exec: connection lost before the exit status arrived: %w", rerr)
			}
			return ParseStatus(protocol, d.status.Bytes())
		}
		if herr := d.handle(typ, msg); herr != nil {
			return herr
		}
	}
}

// execDemux routes the server's messages to the output streams.
type execDemux struct {
	protocol       string
	stdout, stderr io.Writer
	status         bytes.Buffer
}

// handle processes one message from the server. It returns an error for
// a frame the protocol does not allow and for a failed write to an output
// writer.
func (d *execDemux) handle(typ websocket.MessageType, msg []byte) error {
	if typ != websocket.MessageBinary {
		return fmt.Errorf("exec: %w: unexpected %v message from the server (base64 subprotocols are not supported)", ErrProtocol, typ)
	}
	ch, payload, ok := DecodeFrame(msg)
	if !ok {
		return nil
	}
	var w io.Writer
	switch ch {
	case ChannelStdout:
		w = d.stdout
	case ChannelStderr:
		w = d.stderr
	case ChannelError:
		if d.status.Len()+len(payload) > maxStatusBytes {
			return fmt.Errorf("exec: %w: status on the error channel exceeds %d bytes", ErrProtocol, maxStatusBytes)
		}
		d.status.Write(payload)
		return nil
	default:
		return fmt.Errorf("exec: %w: server sent %d bytes on channel %d", ErrProtocol, len(payload), ch)
	}
	// An empty frame is the ready marker, or nothing; never data.
	if len(payload) == 0 || w == nil {
		return nil
	}
	if _, err := w.Write(payload); err != nil {
		return fmt.Errorf("exec: write channel %d output: %w", ch, err)
	}
	return nil
}

// copyStdin sends r on the stdin channel and, under v5, closes the channel
// at EOF. A read error other than EOF aborts the session.
func copyStdin(ctx context.Context, conn *websocket.Conn, protocol string, r io.Reader, failure *onceError) {
	buf := make([]byte, 1+32<<10)
	buf[0] = ChannelStdin
	for {
		n, err := r.Read(buf[1:])
		if n > 0 {
			if ctx.Err() != nil {
				return
			}
			if conn.Write(ctx, websocket.MessageBinary, buf[:1+n]) != nil {
				return // the read loop reports the broken connection
			}
		}
		if errors.Is(err, io.EOF) {
			if protocol == ProtocolV5 && ctx.Err() == nil {
				_ = conn.Write(ctx, websocket.MessageBinary, []byte{ChannelClose, ChannelStdin})
			}
			return
		}
		if err != nil {
			if ctx.Err() == nil {
				failure.set(fmt.Errorf("exec: read stdin: %w", err))
				conn.CloseNow()
			}
			return
		}
	}
}

// sendResizes sends each size from sizes as JSON on the resize channel.
func sendResizes(ctx context.Context, conn *websocket.Conn, protocol string, sizes <-chan TerminalSize) {
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-sizes:
			if !ok {
				if protocol == ProtocolV5 {
					_ = conn.Write(ctx, websocket.MessageBinary, []byte{ChannelClose, ChannelResize})
				}
				return
			}
			b, _ := json.Marshal(s)
			b = append(b, '\n')
			if conn.Write(ctx, websocket.MessageBinary, EncodeFrame(ChannelResize, b)) != nil {
				return
			}
		}
	}
}

// keepAlive pings the peer until ctx ends. When a pong does not come in
// time it records the failure and closes the connection, which ends the
// read loop.
func keepAlive(ctx context.Context, conn *websocket.Conn, failure *onceError) {
	t := time.NewTicker(pingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, pongTimeout)
		err := conn.Ping(pctx)
		timedOut := pctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil {
			if timedOut {
				failure.set(fmt.Errorf("websocket peer did not answer a ping within %v", pongTimeout))
				conn.CloseNow()
			}
			return
		}
	}
}

// onceError keeps the first error set.
type onceError struct {
	mu  sync.Mutex
	err error
}

func (o *onceError) set(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
}

func (o *onceError) get() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}
