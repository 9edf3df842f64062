package wsstream

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/coder/websocket"
)

// splitMessages cuts fuzz input into messages at 0xFE 0xFE, so one input
// can be a sequence of frames. A leading 'T' on a message makes it text.
func splitMessages(data []byte) (typs []websocket.MessageType, msgs [][]byte) {
	for _, m := range bytes.Split(data, []byte{0xFE, 0xFE}) {
		typ := websocket.MessageBinary
		if len(m) > 0 && m[0] == 'T' {
			typ, m = websocket.MessageText, m[1:]
		}
		typs = append(typs, typ)
		msgs = append(msgs, m)
	}
	return typs, msgs
}

func FuzzDecodeFrame(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte("\x01hello"))
	f.Add([]byte{255, 0})
	f.Fuzz(func(t *testing.T, msg []byte) {
		ch, payload, ok := DecodeFrame(msg)
		if ok != (len(msg) > 0) {
			t.Fatalf("ok=%v for %d bytes", ok, len(msg))
		}
		if ok && !bytes.Equal(EncodeFrame(ch, payload), msg) {
			t.Fatalf("round trip differs")
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{statusSuccess, statusExit3, statusBoom, `{"status":"Success"}`, "", "{", "null", `{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"-1"}]}}`} {
		f.Add(ProtocolV5, []byte(s))
	}
	f.Add(ProtocolV1, []byte("plain text"))
	f.Fuzz(func(t *testing.T, protocol string, b []byte) {
		err := ParseStatus(protocol, b)
		var ee *ExitError
		if errors.As(err, &ee) && (ee.Code < 0 || ee.Code > 255) {
			t.Fatalf("exit code %d out of range", ee.Code)
		}
		if err != nil {
			_ = err.Error()
		}
	})
}

func FuzzExecDemux(f *testing.F) {
	f.Add([]byte("\x01\xfe\xfe\x01out\xfe\xfe\x02err\xfe\xfe\x03" + statusExit3))
	f.Add([]byte("T1aGk="))
	f.Add([]byte("\x09x\xfe\xfe\x03{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &execDemux{protocol: ProtocolV5, stdout: io.Discard, stderr: io.Discard}
		typs, msgs := splitMessages(data)
		for i := range msgs {
			if err := d.handle(typs[i], msgs[i]); err != nil {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("error without ErrProtocol: %v", err)
				}
				return
			}
		}
		_ = ParseStatus(d.protocol, d.status.Bytes())
	})
}

func FuzzPortForwardDemux(f *testing.F) {
	f.Add([]byte("\x00\x50\x00\xfe\xfe\x01\x50\x00\xfe\xfe\x00data\xfe\xfe\x01oops"))
	f.Add([]byte("\x00\x50\xfe\xfe\x00\x00data"))
	f.Add([]byte("\x02\x50\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		d := newPortForwardDemux(80, &out)
		typs, msgs := splitMessages(data)
		for i := range msgs {
			if err := d.handle(typs[i], msgs[i]); err != nil {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("error without ErrProtocol: %v", err)
				}
				return
			}
		}
		_ = d.err()
		if out.Len() > len(data) {
			t.Fatalf("wrote %d bytes from %d of input", out.Len(), len(data))
		}
	})
}
