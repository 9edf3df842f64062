package kr8s

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy bounds the retries of safe requests (GET, HEAD, and
// opening a watch) on 429, 500, 502, 503, 504 and on connections refused
// or reset before any response. A write (POST, PUT, PATCH, DELETE) is
// retried only when its connection was never made, so its body cannot
// have reached the server.
type RetryPolicy struct {
	// MaxAttempts counts the first try. 0 means the default, 5; 1 turns
	// retries off.
	MaxAttempts int
	// MaxElapsed bounds the time spent waiting between attempts. 0 means
	// the default, 30s. The request's context bounds it too.
	MaxElapsed time.Duration
	// BaseDelay is the first back-off, doubled each attempt with jitter.
	// 0 means 200ms.
	BaseDelay time.Duration
	// MaxDelay caps one back-off, and a server's Retry-After. 0 means 10s.
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 5
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = 30 * time.Second
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 10 * time.Second
	}
	return p
}

// retryTransport applies a RetryPolicy.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// notConnected reports whether err happened before a connection existed,
// so that nothing of the request can have been sent.
func notConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" || inChain(err, h2NotEstablished)
}

// h2NotEstablished reports net/http's HTTP/2 error for a new connection
// that closed before its first request was written (an unexported error,
// so matched by its text): nothing reached the server.
func h2NotEstablished(err error) bool {
	return err.Error() == "http2: client conn could not be established"
}

// resetBeforeResponse reports a connection refused or reset, or a closed
// connection, before any response arrived.
func resetBeforeResponse(err error) bool {
	return notConnected(err) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE)
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	p := t.policy
	safe := safeMethod(req.Method)
	start := time.Now()
	for attempt := 1; ; attempt++ {
		if attempt > 1 && req.Body != nil && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		last := attempt >= p.MaxAttempts
		var wait time.Duration
		switch {
		case err != nil:
			canReplay := req.Body == nil || req.GetBody != nil
			if last || !canReplay || !(notConnected(err) || (safe && resetBeforeResponse(err))) {
				return nil, err
			}
			wait = backoff(p, attempt)
		case safe && retryableStatus(resp.StatusCode) && !last:
			wait = backoff(p, attempt)
			if ra, ok := retryAfter(resp); ok {
				wait = min(ra, p.MaxDelay)
			}
			if time.Since(start)+wait > p.MaxElapsed {
				return resp, nil
			}
			// Drain a little so the connection can be reused.
			_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
			resp.Body.Close()
		default:
			return resp, nil
		}
		if time.Since(start)+wait > p.MaxElapsed {
			if err != nil {
				return nil, err
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			if err != nil {
				return nil, err
			}
			return nil, req.Context().Err()
		case <-timer.C:
		}
	}
}

// backoff is exponential with full jitter in [d/2, d].
func backoff(p RetryPolicy, attempt int) time.Duration {
	d := p.BaseDelay << (attempt - 1)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads Retry-After in seconds (the API server's form) or as
// an HTTP date. The seconds are clamped to a day before they become a
// Duration, so that a huge value cannot overflow into a negative wait;
// the caller caps the result at MaxDelay.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	const maxSeconds = 24 * 60 * 60
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		return time.Duration(min(s, maxSeconds)) * time.Second, true
	} else if errors.Is(err, strconv.ErrRange) {
		return maxSeconds * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), maxSeconds*time.Second), true
	}
	return 0, false
}
