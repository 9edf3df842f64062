package testcluster

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// idle are frames of goroutines that may outlive the tests without being
// leaks: the keep-alive connections of HTTP clients that tests share
// (such as Admin's), which their transports close after an idle time,
// the signal handler, and the wait for the shared dev cluster, which
// outlives the test binary by design.
var idle = []string{
	"testcluster.launch.func1",
	"net/http.(*persistConn).readLoop",
	"net/http.(*persistConn).writeLoop",
	"net/http.(*http2clientConnReadLoop).run",
	"net/http.(*http2ClientConn).readLoop",
	"os/signal.loop",
	"os/signal.signal_recv",
}

// Main runs the tests and then, if they passed, checks that no goroutine
// is left behind other than idle HTTP connections: every package's
// TestMain calls it, as os.Exit(testcluster.Main(m)). Leftovers get 5s to
// end; then their stacks are printed and the binary fails.
func Main(m *testing.M) int {
	code := m.Run()
	if code != 0 {
		return code
	}
	if leaked := leftover(5 * time.Second); leaked != "" {
		fmt.Fprintf(os.Stderr, "goroutines left after the tests:\n%s\n", leaked)
		return 1
	}
	return 0
}

// leftover waits up to grace for goroutines other than the caller's and
// idle ones to end, and returns the stacks of those that did not.
func leftover(grace time.Duration) string {
	deadline := time.Now().Add(grace)
	for {
		buf := make([]byte, 4<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var left []string
		for i, g := range strings.Split(string(buf), "\n\n") {
			if i == 0 || isIdle(g) { // the first is this goroutine
				continue
			}
			left = append(left, g)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return strings.Join(left, "\n\n")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func isIdle(stack string) bool {
	for _, f := range idle {
		if strings.Contains(stack, f) {
			return true
		}
	}
	return false
}
