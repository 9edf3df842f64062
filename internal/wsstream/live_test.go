package wsstream_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
	"github.com/kr8s-go/kr8s/internal/wsstream"
)

// livePod creates a pod running sleep in a fresh namespace and waits until
// it is Running.
func livePod(t *testing.T) (a *testcluster.AdminClient, ns, pod string) {
	t.Helper()
	testcluster.Kubeconfig(t)
	a = testcluster.Admin(t)
	ns = testcluster.Namespace(t)
	pod = "shell"
	body := fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q},"spec":{"containers":[{"name":"main","image":"busybox","command":["sleep","3600"]}]}}`, pod)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := a.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/pods", []byte(body), nil); err != nil {
		t.Fatal(err)
	}
	for {
		var b []byte
		if err := a.Do(ctx, http.MethodGet, "/api/v1/namespaces/"+ns+"/pods/"+pod, nil, &b); err != nil {
			t.Fatal(err)
		}
		var p struct {
			Status struct{ Phase string } `json:"status"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if p.Status.Phase == "Running" {
			return a, ns, pod
		}
		select {
		case <-ctx.Done():
			t.Fatalf("pod %s/%s not Running (phase %q): %v", ns, pod, p.Status.Phase, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

type execReq struct {
	argv                       []string
	stdin, stdout, stderr, tty bool
}

func execURL(a *testcluster.AdminClient, ns, pod string, r execReq) string {
	q := url.Values{"command": r.argv, "container": {"main"}}
	for k, v := range map[string]bool{"stdin": r.stdin, "stdout": r.stdout, "stderr": r.stderr, "tty": r.tty} {
		q.Set(k, strconv.FormatBool(v))
	}
	return a.Server + "/api/v1/namespaces/" + ns + "/pods/" + pod + "/exec?" + q.Encode()
}

// liveExec dials an exec and runs it.
func liveExec(ctx context.Context, t *testing.T, a *testcluster.AdminClient, ns, pod string, r execReq, protocols []string, opts wsstream.ExecOptions) error {
	t.Helper()
	conn, proto, err := wsstream.Dial(ctx, a.HTTP, execURL(a, ns, pod, r), nil, protocols)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Logf("subprotocol %s", proto)
	return wsstream.Exec(ctx, conn, proto, opts)
}

func TestLiveExec(t *testing.T) {
	a, ns, pod := livePod(t)

	t.Run("exit code and separate streams", func(t *testing.T) {
		for _, protos := range [][]string{wsstream.ExecProtocols, {wsstream.ProtocolV4}} {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := liveExec(ctx, t, a, ns, pod,
				execReq{argv: []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, stdout: true, stderr: true},
				protos, wsstream.ExecOptions{Stdout: &stdout, Stderr: &stderr})
			var ee *wsstream.ExitError
			if !errors.As(err, &ee) || ee.Code != 3 {
				t.Fatalf("%v: err = %v (%T), want exit code 3", protos, err, err)
			}
			if stdout.String() != "out\n" || stderr.String() != "err\n" {
				t.Errorf("%v: stdout %q, stderr %q", protos, stdout.String(), stderr.String())
			}
		}
	})

	t.Run("success", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var stdout bytes.Buffer
		err := liveExec(ctx, t, a, ns, pod, execReq{argv: []string{"echo", "hi"}, stdout: true},
			wsstream.ExecProtocols, wsstream.ExecOptions{Stdout: &stdout})
		if err != nil || stdout.String() != "hi\n" {
			t.Fatalf("err %v, stdout %q", err, stdout.String())
		}
	})

	t.Run("cat 1 MiB", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		in := make([]byte, 1<<20)
		rand.Read(in)
		var stdout, stderr bytes.Buffer
		err := liveExec(ctx, t, a, ns, pod, execReq{argv: []string{"cat"}, stdin: true, stdout: true, stderr: true},
			wsstream.ExecProtocols, wsstream.ExecOptions{Stdin: bytes.NewReader(in), Stdout: &stdout, Stderr: &stderr})
		if err != nil {
			t.Fatalf("err %v, stderr %q", err, stderr.String())
		}
		if !bytes.Equal(stdout.Bytes(), in) {
			t.Fatalf("cat returned %d bytes, differing from the %d sent", stdout.Len(), len(in))
		}
	})

	t.Run("tty size and resize", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resize := make(chan wsstream.TerminalSize, 1)
		resize <- wsstream.TerminalSize{Width: 80, Height: 24}
		stdinR, stdinW := io.Pipe()
		defer stdinW.Close()
		out := &syncBuffer{}
		// Each line read prints the size again, until "q".
		script := `stty size; while read x; do [ "$x" = q ] && exit 0; stty size; done`
		errc := make(chan error, 1)
		go func() {
			errc <- liveExec(ctx, t, a, ns, pod, execReq{argv: []string{"sh", "-c", script}, stdin: true, stdout: true, tty: true},
				wsstream.ExecProtocols, wsstream.ExecOptions{Stdin: stdinR, Stdout: out, TTY: true, Resize: resize})
		}()
		if !out.waitFor(ctx, "24 80") {
			t.Fatalf("initial size not reported; output %q", out.String())
		}
		resize <- wsstream.TerminalSize{Width: 100, Height: 40}
		// The resize and stdin travel on different streams, so ask again
		// until the new size shows.
		for !out.waitForTimeout(ctx, "40 100", 100*time.Millisecond) {
			if ctx.Err() != nil {
				t.Fatalf("resize not seen; output %q", out.String())
			}
			io.WriteString(stdinW, "\n")
		}
		io.WriteString(stdinW, "q\n")
		if err := <-errc; err != nil {
			t.Fatalf("err %v; output %q", err, out.String())
		}
	})

	t.Run("cancel", func(t *testing.T) {
		before := settled()
		ctx, cancel := context.WithCancel(context.Background())
		conn, proto, err := wsstream.Dial(ctx, a.HTTP, execURL(a, ns, pod, execReq{argv: []string{"sleep", "100"}, stdout: true, stderr: true}), nil, wsstream.ExecProtocols)
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(500*time.Millisecond, cancel)
		start := time.Now()
		err = wsstream.Exec(ctx, conn, proto, wsstream.ExecOptions{Stdout: io.Discard, Stderr: io.Discard})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Exec ended %v after start, cancel was at 500ms", d)
		}
		noLeak(t, before)
	})

	t.Run("missing pod", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, err := wsstream.Dial(ctx, a.HTTP, execURL(a, ns, "nope", execReq{argv: []string{"true"}, stdout: true}), nil, wsstream.ExecProtocols)
		var he *wsstream.HandshakeError
		if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound || he.Reason != "NotFound" {
			t.Fatalf("err = %v", err)
		}
		t.Log(err)
	})
}

func TestLivePortForward(t *testing.T) {
	a, ns, pod := livePod(t)

	// A local HTTP server stands in for the pod's port: in this cluster,
	// pod port N is 127.0.0.1:N.
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Path)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	podPort := uint16(ln.Addr().(*net.TCPAddr).Port)

	pfURL := func(port uint16) string {
		return a.Server + "/api/v1/namespaces/" + ns + "/pods/" + pod + "/portforward?ports=" + strconv.Itoa(int(port))
	}

	t.Run("20 concurrent requests", func(t *testing.T) {
		before := settled()
		ctx, cancel := context.WithCancel(context.Background())
		fwd, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var fwdErrs []error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				local, err := fwd.Accept()
				if err != nil {
					return
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					ws, _, err := wsstream.Dial(ctx, a.HTTP, pfURL(podPort), nil, wsstream.PortForwardProtocols)
					if err == nil {
						err = wsstream.PortForward(ctx, ws, podPort, local)
					} else {
						local.Close()
					}
					if err != nil {
						mu.Lock()
						fwdErrs = append(fwdErrs, err)
						mu.Unlock()
					}
				}()
			}
		}()
		tr := &http.Transport{DisableKeepAlives: true}
		client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
		var cwg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			cwg.Add(1)
			go func() {
				defer cwg.Done()
				resp, err := client.Get(fmt.Sprintf("http://%s/r%d", fwd.Addr(), i))
				if err != nil {
					errs <- err
					return
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if err != nil || string(b) != fmt.Sprintf("hello /r%d", i) {
					errs <- fmt.Errorf("request %d: %q, %v", i, b, err)
				}
			}()
		}
		cwg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		fwd.Close()
		// Connections end on their own once the server has answered.
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("forwarded connections did not end")
			cancel()
			<-done
		}
		cancel()
		for _, err := range fwdErrs {
			t.Errorf("PortForward: %v", err)
		}
		tr.CloseIdleConnections()
		noLeak(t, before)
	})

	t.Run("nothing listening", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := uint16(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ws, _, err := wsstream.Dial(ctx, a.HTTP, pfURL(dead), nil, wsstream.PortForwardProtocols)
		if err != nil {
			t.Fatal(err)
		}
		app, local := net.Pipe()
		defer app.Close()
		go io.Copy(io.Discard, app)
		err = wsstream.PortForward(ctx, ws, dead, local)
		var pe *wsstream.PortForwardError
		if !errors.As(err, &pe) || pe.Port != dead || !strings.Contains(pe.Message, "refused") {
			t.Fatalf("err = %v (%T)", err, err)
		}
		t.Log(err)
	})
}

// syncBuffer is a goroutine-safe output buffer one can wait on.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) waitFor(ctx context.Context, s string) bool {
	return b.waitForTimeout(ctx, s, time.Hour)
}

func (b *syncBuffer) waitForTimeout(ctx context.Context, s string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !strings.Contains(b.String(), s) {
		if ctx.Err() != nil || time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func settled() int {
	n := runtime.NumGoroutine()
	for range 20 {
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}

func noLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
