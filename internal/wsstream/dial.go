package wsstream

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"

	"github.com/coder/websocket"
)

// Subprotocol names used by the streaming endpoints.
const (
	// ProtocolV5 is "v5.channel.k8s.io": the v4 framing plus the CLOSE
	// signal (channel 255) that can half-close stdin. Exec and attach only.
	ProtocolV5 = "v5.channel.k8s.io"
	// ProtocolV4 is "v4.channel.k8s.io": binary channel framing with a JSON
	// Status on the error channel. Used by exec, attach and port-forward.
	ProtocolV4 = "v4.channel.k8s.io"
	// ProtocolV1 is "channel.k8s.io": binary channel framing whose error
	// channel carries plain text, and nothing on success. Exec and attach
	// only.
	ProtocolV1 = "channel.k8s.io"
)

// ExecProtocols are the subprotocols to offer for exec and attach, most
// preferred first: v5 where the apiserver can translate it (1.30+), v4 for
// older servers.
var ExecProtocols = []string{ProtocolV5, ProtocolV4}

// PortForwardProtocols are the subprotocols to offer for port-forward.
var PortForwardProtocols = []string{ProtocolV4}

// ReadLimit is the largest WebSocket message Exec and PortForward accept.
// coder/websocket's own default, 32 KiB, is too small for the servers'
// frames.
const ReadLimit = 32 << 20

// HandshakeError is returned by Dial when the server answers the upgrade
// request with something other than 101 Switching Protocols. Errors that
// happen before the upgrade (pod not found, RBAC, bad container) arrive
// this way, usually with a metav1.Status body.
type HandshakeError struct {
	// StatusCode is the HTTP status code of the response.
	StatusCode int
	// Reason and Message come from the metav1.Status body, if there was
	// one.
	Reason  string
	Message string
	// Body is the start (at most 1 KiB) of the response body.
	Body []byte
	// Offered lists the subprotocols the request offered.
	Offered []string
	err     error
}

// Error describes the failed upgrade.
func (e *HandshakeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "websocket upgrade failed: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case len(strings.TrimSpace(string(e.Body))) > 0:
		b.WriteString(": " + strings.TrimSpace(string(e.Body)))
	case e.StatusCode == http.StatusForbidden:
		// The apiserver's websocket library answers a bare 403 when it
		// supports none of the offered subprotocols.
		fmt.Fprintf(&b, " (empty body: the server may support none of the offered subprotocols %q)", e.Offered)
	}
	return b.String()
}

// Unwrap returns the underlying error from the websocket library.
func (e *HandshakeError) Unwrap() error { return e.err }

// Dial opens a WebSocket to an exec, attach or portforward URL. An
// https:// URL becomes wss:// and http:// becomes ws://.
//
// The connection uses client's transport settings (TLS configuration,
// proxy, dialer). Upgrades need HTTP/1.1, so if client's Transport is an
// *http.Transport (or nil, meaning http.DefaultTransport) Dial uses a clone
// of it restricted to HTTP/1.1. Any other RoundTripper is used as is and
// must not negotiate HTTP/2 for these requests. client.Timeout, if set,
// bounds only the handshake.
//
// header is added to the upgrade request (for example Authorization).
// protocols are offered in order, comma-joined in one
// Sec-WebSocket-Protocol header line as the apiserver requires. Dial
// returns the protocol the server chose; when protocols is not empty and
// the server chose none, Dial fails.
//
// A non-101 answer gives a *HandshakeError.
func Dial(ctx context.Context, client *http.Client, url string, header http.Header, protocols []string) (*websocket.Conn, string, error) {
	switch {
	case strings.HasPrefix(url, "https://"):
		url = "wss://" + strings.TrimPrefix(url, "https://")
	case strings.HasPrefix(url, "http://"):
		url = "ws://" + strings.TrimPrefix(url, "http://")
	}
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	var cloned *http.Transport
	switch t := c.Transport.(type) {
	case nil:
		cloned = HTTP1Only(http.DefaultTransport.(*http.Transport))
	case *http.Transport:
		cloned = HTTP1Only(t)
	}
	if cloned != nil {
		c.Transport = cloned
		// Upgraded connections are hijacked and never pooled; release
		// any that a refused handshake left idle.
		defer cloned.CloseIdleConnections()
	}

	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPClient:   &c,
		HTTPHeader:   header,
		Subprotocols: protocols,
	})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, "", handshakeError(resp, protocols, err)
		}
		// The URL, with the exec command in its query, stays out of
		// the error: callers name the request themselves.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "", fmt.Errorf("websocket dial: %w", err)
	}
	proto := conn.Subprotocol()
	if proto == "" && len(protocols) > 0 {
		conn.CloseNow()
		return nil, "", fmt.Errorf("websocket dial: server selected none of the subprotocols %q", protocols)
	}
	return conn, proto, nil
}

// HTTP1Only returns a clone of t that speaks only HTTP/1.1, as websocket
// upgrades need.
func HTTP1Only(t *http.Transport) *http.Transport {
	t = t.Clone()
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	var p http.Protocols
	p.SetHTTP1(true)
	t.Protocols = &p
	if t.TLSClientConfig != nil {
		t.TLSClientConfig = t.TLSClientConfig.Clone()
	} else {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.NextProtos = []string{"http/1.1"}
	return t
}

func handshakeError(resp *http.Response, offered []string, err error) error {
	e := &HandshakeError{StatusCode: resp.StatusCode, Offered: offered, err: err}
	if resp.Body != nil {
		e.Body, _ = io.ReadAll(io.LimitReader(resp.Body, 1024))
	}
	var st struct {
		Kind    string `json:"kind"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if json.Unmarshal(e.Body, &st) == nil && (st.Kind == "Status" || st.Message != "") {
		e.Reason, e.Message = st.Reason, st.Message
	}
	return e
}

// ErrProtocol is wrapped by errors caused by a peer that broke the framing
// rules: an unexpected channel or message type, an undecodable status, a
// port prefix that does not match.
var ErrProtocol = errors.New("protocol error")
