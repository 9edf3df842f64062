package kr8s_test

// Dropped connections (issue 8): a proxy in front of the API server cuts
// every connection in the middle of a list, a log follow, an exec and a
// port-forward. Each call must resume where that is safe or fail with an
// error that says what broke, and never outlive its context.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// proxied returns a client for c's namespace that reaches the API server
// through a new cutting proxy.
func proxied(t *testing.T, c *kr8s.Client) (*kr8s.Client, *testcluster.Proxy) {
	t.Helper()
	proxy := testcluster.NewProxy(t)
	pc, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(c.Namespace()), kr8s.WithURL(proxy.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return pc, proxy
}

// proxiedPod is runningPod with the pod read through a cutting proxy, so
// that its streams go through the proxy. Goroutines are checked for leaks
// after the proxy has closed its connections.
func proxiedPod(t *testing.T, name string, command ...any) (*kr8s.Pod, *testcluster.Proxy) {
	t.Helper()
	c, pod := runningPod(t, name, command...)
	testcluster.NoLeak(t)
	pc, proxy := proxied(t, c)
	pod, err := kr8s.Pods.Get(context.Background(), pod.Name(), &kr8s.GetOptions{API: pc})
	if err != nil {
		t.Fatal(err)
	}
	return pod, proxy
}

// inTime fails the test if more than limit passed since start.
func inTime(t *testing.T, what string, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	d := time.Since(start)
	if d > limit {
		t.Fatalf("%s took %s, want at most %s", what, d, limit)
	}
	return d
}

// TestListDroppedMidPage: a list page is cut while its body streams. The
// items already handed over are not repeated; the list ends with an error
// naming the list, and the client lists fine afterwards. (A page is not
// re-requested: items of it were delivered already, and a continue token
// names the next page, not a place inside this one.)
func TestListDroppedMidPage(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	// 80 ConfigMaps of 64 KiB: one 5 MiB page, cut after 2 MiB.
	const n = 80
	parallel(t, n, func(i int) error {
		big := make([]byte, 32<<10) // random, so that gzip cannot shrink the page
		_, _ = rand.Read(big)
		cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": fmt.Sprintf("big-%03d", i)}, "data": map[string]any{"v": hex.EncodeToString(big)}}, kr8s.WithAPI(c))
		if err != nil {
			return err
		}
		return cm.Create(context.Background(), nil)
	})
	testcluster.NoLeak(t) // checked after the proxy closed its connections
	pc, proxy := proxied(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	seen := map[string]bool{}
	var listErr error
	proxy.CutAfter(2 << 20) // in the middle of the page
	for cm, err := range kr8s.ConfigMaps.List(ctx, &kr8s.ListOptions{API: pc}) {
		if err != nil {
			listErr = err
			break
		}
		if seen[cm.Name()] {
			t.Fatalf("%s listed twice", cm.Name())
		}
		seen[cm.Name()] = true
	}
	d := inTime(t, "the cut list", start, 30*time.Second)
	if listErr == nil || len(seen) >= n {
		t.Fatalf("%d of %d items and err = %v: want the cut to end the list with an error", len(seen), n, listErr)
	}
	if !strings.Contains(listErr.Error(), "list /api/v1/namespaces/"+ns+"/configmaps") || errors.Is(listErr, context.DeadlineExceeded) {
		t.Fatalf("err = %v: want one that names the list and the broken connection", listErr)
	}
	t.Logf("cut after 2 MiB, %d of %d items, failed in %s: %v", len(seen), n, d.Round(time.Millisecond), listErr)
	all, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: pc, Limit: 50})
	if err != nil || len(all) != n+1 { // and kube-root-ca.crt
		t.Fatalf("list after the cut: %d items, %v", len(all), err)
	}
}

// TestLogsFollowDropped: a log follow cut mid-stream ends at once with an
// error that says the stream broke, not with a silent end that would look
// like the container stopping, and not at the context's deadline.
func TestLogsFollowDropped(t *testing.T) {
	pod, proxy := proxiedPod(t, "ticker", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lines := 0
	var cut time.Time
	var followErr error
	for line, err := range pod.Logs(ctx, &kr8s.LogOptions{Follow: true, TailLines: 1}) {
		if err != nil {
			followErr = err
			break
		}
		if !strings.HasPrefix(line, "tick ") {
			t.Fatalf("line %q", line)
		}
		if lines++; lines == 5 {
			cut = time.Now()
			proxy.CutAll()
		}
	}
	d := inTime(t, "the cut follow", cut, 10*time.Second)
	if followErr == nil || ctx.Err() != nil || !strings.Contains(followErr.Error(), "the stream broke after") {
		t.Fatalf("after %d lines: err = %v (ctx %v), want a broken-stream error", lines, followErr, ctx.Err())
	}
	t.Logf("%d lines, then failed %s after the cut: %v", lines, d.Round(time.Millisecond), followErr)
}

// TestExecDropped: an exec whose websocket is cut returns an error at
// once instead of waiting for the command, which would run for 100s.
func TestExecDropped(t *testing.T) {
	pod, proxy := proxiedPod(t, "exec", "sleep", "3600")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out testcluster.SyncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- pod.ExecStream(ctx, []string{"sh", "-c", "echo ready; sleep 100"}, &kr8s.ExecOptions{Stdout: &out})
	}()
	testcluster.Eventually(t, 30*time.Second, "exec output", func(context.Context) (bool, error) { return out.String() == "ready\n", nil })
	cut := time.Now()
	proxy.CutAll()
	var execErr error
	select {
	case execErr = <-errc:
	case <-ctx.Done():
		t.Fatal("exec still running at the deadline after its connection was cut")
	}
	d := inTime(t, "the cut exec", cut, 10*time.Second)
	var exit *kr8s.ExitError
	if execErr == nil || errors.As(execErr, &exit) || ctx.Err() != nil {
		t.Fatalf("err = %v: want a connection error", execErr)
	}
	t.Logf("failed %s after the cut: %v", d.Round(time.Millisecond), execErr)
}

// TestPortForwardDropped: cutting a forwarded connection's websocket
// closes the local connection and reports the error; the forward itself
// keeps serving new connections.
func TestPortForwardDropped(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var served sync.WaitGroup
	accepting := make(chan struct{})
	defer func() {
		echo.Close()
		<-accepting
		served.Wait()
	}()
	go func() {
		defer close(accepting)
		for {
			conn, err := echo.Accept()
			if err != nil {
				return
			}
			served.Add(1)
			go func() {
				defer served.Done()
				defer conn.Close()
				_, _ = io.Copy(conn, conn)
			}()
		}
	}()
	pod, proxy := proxiedPod(t, "pf", "sleep", "3600")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	errs := make(chan error, 4)
	fw, err := pod.PortForward(ctx, echo.Addr().(*net.TCPAddr).Port, &kr8s.PortForwardOptions{OnError: func(err error) { errs <- err }})
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	roundTrip := func(conn net.Conn, msg string) error {
		if _, err := io.WriteString(conn, msg); err != nil {
			return err
		}
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(conn, buf); err != nil {
			return err
		}
		if string(buf) != msg {
			return fmt.Errorf("echoed %q, want %q", buf, msg)
		}
		return nil
	}
	conn, err := net.Dial("tcp", fw.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := roundTrip(conn, "hello"); err != nil {
		t.Fatal(err)
	}
	cut := time.Now()
	proxy.CutAll()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("local connection after the cut: read %d bytes, %v; want it closed", n, err)
	}
	var fwErr error
	select {
	case fwErr = <-errs:
	case <-time.After(10 * time.Second):
		t.Fatal("the cut forwarded connection reported no error")
	}
	d := inTime(t, "the cut forward", cut, 10*time.Second)
	t.Logf("local connection closed and error reported %s after the cut: %v", d.Round(time.Millisecond), fwErr)

	conn2, err := net.Dial("tcp", fw.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	if err := roundTrip(conn2, "again"); err != nil {
		t.Fatalf("a new connection through the same forward: %v", err)
	}
}
