package kr8s

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// limiter is a token bucket: rate tokens a second, up to burst stored.
// Waiters reserve a token (the count may go negative) and sleep until it
// is theirs, so no goroutine is needed.
type limiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newLimiter(qps float64, burst int) *limiter {
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: qps, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	l.tokens--
	var d time.Duration
	if l.tokens < 0 {
		d = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		l.tokens++ // give the reservation back
		l.mu.Unlock()
		return ctx.Err()
	}
}

type limitTransport struct {
	next http.RoundTripper
	l    *limiter
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.l.wait(req.Context()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(req)
}
