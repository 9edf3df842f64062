package wsstream

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
)

// maxPortForwardErrorBytes bounds the error text kept from the error
// channel.
const maxPortForwardErrorBytes = 64 << 10

// PortForwardError is an error the server reported on a port's error
// channel, for example because nothing listens on the port in the pod.
type PortForwardError struct {
	// Port is the pod port being forwarded.
	Port uint16
	// Message is the server's text, such as "error forwarding port 8080 to
	// pod ..., uid ...: dial tcp 127.0.0.1:8080: connect: connection
	// refused".
	Message string
}

// Error returns the server's message.
func (e *PortForwardError) Error() string {
	return fmt.Sprintf("port-forward to port %d: %s", e.Port, e.Message)
}

// PortForward carries one TCP connection, local, over ws: a port-forward
// WebSocket opened by Dial with PortForwardProtocols for a URL with
// ?ports=<port> (exactly one port). The server dials the pod's port as
// soon as the WebSocket opens.
//
// It copies between local and the WebSocket until either side ends or ctx
// ends. The protocol has no half-close: when local reaches EOF the whole
// tunnel is closed, so a client that half-closes its connection and then
// waits for an answer gets none.
//
// It returns nil when either side ends normally, a *PortForwardError when
// the server reported an error on the error channel, and other errors for
// a broken connection, a protocol violation (including a port prefix that
// does not match port) or the end of ctx (wrapping ctx.Err()).
//
// PortForward takes ownership of ws and local and closes both before
// returning.
func PortForward(ctx context.Context, ws *websocket.Conn, port uint16, local net.Conn) error {
	ws.SetReadLimit(ReadLimit)

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	var (
		wg        sync.WaitGroup
		done      atomic.Bool // set before we close local ourselves
		localEOF  atomic.Bool // local ended first: ws errors are ours
		localErr  onceError
		keepalive onceError
	)
	defer wg.Wait()
	defer ws.CloseNow()
	defer local.Close()
	defer done.Store(true)
	defer cancel()

	wg.Add(2)
	go func() {
		defer wg.Done()
		buf := make([]byte, 1+32<<10)
		buf[0] = 0 // data channel of the first (only) port
		for {
			n, err := local.Read(buf[1:])
			if n > 0 {
				if ws.Write(ctx, websocket.MessageBinary, buf[:1+n]) != nil {
					return // the read loop reports the broken connection
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) && !done.Load() {
					localErr.set(fmt.Errorf("port-forward: read local connection: %w", err))
				}
				localEOF.Store(true)
				ws.CloseNow()
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		keepAlive(ctx, ws, &keepalive)
	}()

	d := newPortForwardDemux(port, local)
	for {
		typ, msg, rerr := ws.Read(ctx)
		if rerr != nil {
			if parent.Err() != nil {
				return fmt.Errorf("port-forward: %w", context.Cause(parent))
			}
			if err := d.err(); err != nil {
				return err
			}
			if err := localErr.get(); err != nil {
				return err
			}
			if localEOF.Load() {
				return nil
			}
			if err := keepalive.get(); err != nil {
				return fmt.Errorf("port-forward: %w", err)
			}
			if websocket.CloseStatus(rerr) == websocket.StatusNormalClosure {
				return nil
			}
			return fmt.Errorf("port-forward: connection lost: %w", rerr)
		}
		if herr := d.handle(typ, msg); herr != nil {
			if errors.Is(herr, errLocalWrite) {
				// The local side went away while data was arriving: that
				// side has ended, which is not a failure of the tunnel.
				return nil
			}
			return herr
		}
	}
}

var errLocalWrite = errors.New("write to local connection failed")

// portForwardDemux handles the server's messages for a single-port
// port-forward: it strips the 2-byte port prefix from each channel's
// stream, copies data-channel bytes to the local connection and collects
// error-channel text.
type portForwardDemux struct {
	port   uint16
	local  io.Writer
	prefix [2][]byte // the prefix bytes seen so far, per channel
	errMsg strings.Builder
}

func newPortForwardDemux(port uint16, local io.Writer) *portForwardDemux {
	return &portForwardDemux{port: port, local: local}
}

// handle processes one message from the server.
func (d *portForwardDemux) handle(typ websocket.MessageType, msg []byte) error {
	if typ != websocket.MessageBinary {
		return fmt.Errorf("port-forward: %w: unexpected %v message from the server (base64 subprotocols are not supported)", ErrProtocol, typ)
	}
	ch, payload, ok := DecodeFrame(msg)
	if !ok {
		return nil
	}
	if ch > 1 {
		return fmt.Errorf("port-forward: %w: server sent %d bytes on channel %d, but only one port (channels 0 and 1) was requested", ErrProtocol, len(payload), ch)
	}
	// Strip the port prefix, which may in principle be split over frames.
	if p := &d.prefix[ch]; len(*p) < 2 {
		n := min(2-len(*p), len(payload))
		*p = append(*p, payload[:n]...)
		payload = payload[n:]
		if len(*p) == 2 {
			if got := binary.LittleEndian.Uint16(*p); got != d.port {
				return fmt.Errorf("port-forward: %w: channel %d starts with port %d, want %d", ErrProtocol, ch, got, d.port)
			}
		}
	}
	if len(payload) == 0 {
		return nil
	}
	if ch == 1 {
		if room := maxPortForwardErrorBytes - d.errMsg.Len(); room > 0 {
			d.errMsg.Write(payload[:min(room, len(payload))])
		}
		return nil
	}
	if _, err := d.local.Write(payload); err != nil {
		return fmt.Errorf("port-forward: %w: %w", errLocalWrite, err)
	}
	return nil
}

// err returns the error the server reported on the error channel, if any.
func (d *portForwardDemux) err() error {
	if msg := strings.TrimSpace(d.errMsg.String()); msg != "" {
		return &PortForwardError{Port: d.port, Message: msg}
	}
	return nil
}
