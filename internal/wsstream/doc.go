// Package wsstream implements the client side of the Kubernetes streaming
// protocols that run over WebSockets: exec and attach (the
// "channel.k8s.io" family of subprotocols) and port-forward (the plain
// WebSocket channel protocol "v4.channel.k8s.io").
//
// # Framing
//
// Every WebSocket message, in both directions, is one channel byte
// followed by the payload. For exec and attach the channels are 0 stdin,
// 1 stdout, 2 stderr, 3 error (one metav1.Status as JSON) and 4 resize
// (JSON terminal sizes). Under "v5.channel.k8s.io" the client may also send
// the two-byte message [255, ch] to close channel ch; [255, 0] is how the
// remote process learns that stdin has ended. Older subprotocols cannot
// signal stdin EOF at all.
//
// For port-forward each requested port gets a pair of channels, data 2i
// and error 2i+1. The first two bytes the server sends on every channel
// are the port number, little-endian; they are not data. One WebSocket
// carries exactly one TCP connection and there is no half-close.
//
// Use [Dial] to open the WebSocket (it forces HTTP/1.1 and offers the
// subprotocols in one header line), then [Exec] or [PortForward] to run the
// protocol on it. Both take ownership of the connection and close it
// before they return.
package wsstream
