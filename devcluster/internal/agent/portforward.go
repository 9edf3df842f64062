package agent

import (
	"context"
	"io"
	"net"
	"strconv"
)

// forwarder connects a forwarded stream to 127.0.0.1:port: every fake pod
// shares the host's network.
type forwarder struct{}

func (forwarder) PortForward(ctx context.Context, _ string, _ string, port int32, stream io.ReadWriteCloser) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port))))
	if err != nil {
		return err
	}
	defer conn.Close()
	go func() {
		_, _ = io.Copy(conn, stream)
		// The client finished sending: pass the half-close on.
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	// When the local side ends, close the stream; the copy above ends when
	// the client closes its side or when conn is closed on return.
	_, err = io.Copy(stream, conn)
	stream.Close()
	return err
}
