package wsstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Channel numbers of the exec and attach protocols.
const (
	ChannelStdin  = 0
	ChannelStdout = 1
	ChannelStderr = 2
	ChannelError  = 3
	ChannelResize = 4
	// ChannelClose is the v5 CLOSE signal: the message [255, ch] closes
	// channel ch.
	ChannelClose = 255
)

// maxStatusBytes bounds what the error channel may accumulate.
const maxStatusBytes = 1 << 20

// DecodeFrame splits a binary message into its channel byte and payload.
// ok is false for an empty message, which carries no channel and is to be
// ignored. The payload aliases msg.
func DecodeFrame(msg []byte) (channel byte, payload []byte, ok bool) {
	if len(msg) == 0 {
		return 0, nil, false
	}
	return msg[0], msg[1:], true
}

// EncodeFrame returns the message that carries payload on channel.
func EncodeFrame(channel byte, payload []byte) []byte {
	b := make([]byte, 1+len(payload))
	b[0] = channel
	copy(b[1:], payload)
	return b
}

// ExitError reports that the remote command ran and exited with a
// non-zero code.
type ExitError struct {
	// Code is the exit code, 1 to 255 (a process killed by signal n is
	// usually reported as 128+n).
	Code int
	// Message is the server's description, for example "command
	// terminated with non-zero exit code: ...".
	Message string
}

// Error returns "command terminated with exit code N".
func (e *ExitError) Error() string {
	return "command terminated with exit code " + strconv.Itoa(e.Code)
}

// ExitStatus returns Code, as k8s.io/utils/exec's ExitError does.
func (e *ExitError) ExitStatus() int { return e.Code }

// StatusError is a failure the server reported on the error channel that
// is not an exit code: for example the container could not be reached, or
// the command could not be started (reason InternalError, code 500).
type StatusError struct {
	// Status is "Failure" (or empty for pre-v4 plain-text errors).
	Status string
	// Reason is the metav1.StatusReason, such as "InternalError".
	Reason string
	// Message is the human-readable description.
	Message string
	// Code is the HTTP-style status code, 0 if the server gave none.
	Code int
}

// Error returns the server's message.
func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Reason
	}
	if msg == "" {
		msg = "unknown failure"
	}
	return "remote command failed: " + msg
}

// status is the subset of metav1.Status the error channel carries.
type status struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
	Code    int    `json:"code"`
	Details *struct {
		Causes []struct {
			// StatusCause.Type is serialised under "reason".
			Type    string `json:"reason"`
			Message string `json:"message"`
		} `json:"causes"`
	} `json:"details"`
}

// ParseStatus interprets the complete content of the exec error channel
// (channel 3) for the given subprotocol. It returns nil for success, an
// *ExitError for a non-zero exit code, a *StatusError for any other
// failure the server reported, or a protocol error if b cannot be
// understood.
//
// Under v4 and v5 b is one metav1.Status as JSON; an empty b means the
// server sent none, which client-go also treats as success. Under
// ProtocolV1 b is plain text and empty means success.
func ParseStatus(protocol string, b []byte) error {
	if protocol == ProtocolV1 || protocol == "" {
		msg := strings.TrimSpace(string(b))
		if msg == "" {
			return nil
		}
		return &StatusError{Message: msg}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var st status
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%w: cannot decode the status on the error channel (%v): %q", ErrProtocol, err, truncate(b, 200))
	}
	switch st.Status {
	case "Success":
		return nil
	case "Failure":
	default:
		if st.Message == "" && st.Reason == "" {
			return fmt.Errorf("%w: status on the error channel has status %q: %q", ErrProtocol, st.Status, truncate(b, 200))
		}
	}
	if st.Reason == "NonZeroExitCode" && st.Details != nil {
		for _, c := range st.Details.Causes {
			if c.Type != "ExitCode" {
				continue
			}
			code, err := strconv.ParseUint(c.Message, 10, 8)
			if err != nil {
				return fmt.Errorf("%w: invalid exit code %q in status: %s", ErrProtocol, truncate([]byte(c.Message), 40), st.Message)
			}
			return &ExitError{Code: int(code), Message: st.Message}
		}
	}
	return &StatusError{Status: st.Status, Reason: st.Reason, Message: st.Message, Code: st.Code}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
