package kr8s_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// runningPod creates a pod running command and waits until it is Ready.
func runningPod(t *testing.T, name string, command ...any) (*kr8s.Client, *kr8s.Pod) {
	t.Helper()
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	pod, err := kr8s.NewPod(map[string]any{
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{"containers": []any{map[string]any{
			"name": "main", "image": "busybox", "command": command,
		}}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pod.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := pod.Wait(ctx, "condition=Ready"); err != nil {
		t.Fatal(err)
	}
	return c, pod
}

func TestExec(t *testing.T) {
	_, pod := runningPod(t, "exec", "sleep", "3600")
	ctx := context.Background()

	res, err := pod.Exec(ctx, []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, nil)
	var ee *kr8s.ExitError
	if !errors.As(err, &ee) || ee.Code != 3 || res.ExitCode != 3 {
		t.Fatalf("err = %v, result %+v: want exit code 3", err, res)
	}
	if string(res.Stdout) != "out\n" || string(res.Stderr) != "err\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}

	in := make([]byte, 1<<20)
	if _, err := rand.Read(in); err != nil {
		t.Fatal(err)
	}
	res, err = pod.Exec(ctx, []string{"cat"}, &kr8s.ExecOptions{Stdin: bytes.NewReader(in)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Stdout, in) {
		t.Fatalf("cat echoed %d bytes, want the same 1 MiB back", len(res.Stdout))
	}

	// A TTY reports the size we set, and sees a resize.
	resize := make(chan kr8s.TerminalSize, 2)
	resize <- kr8s.TerminalSize{Width: 100, Height: 40}
	inR, inW := io.Pipe()
	defer inW.Close() // ends the stdin copier's Read, which outlives the exec
	var out testcluster.SyncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- pod.ExecStream(ctx, []string{"sh", "-c", "stty size; read x; stty size"}, &kr8s.ExecOptions{
			Stdin: inR, Stdout: &out, TTY: true, Resize: resize,
		})
	}()
	testcluster.Eventually(t, 30*time.Second, "first size", func(context.Context) (bool, error) { return strings.Contains(out.String(), "40 100"), nil })
	resize <- kr8s.TerminalSize{Width: 120, Height: 50}
	// Give the resize frame a head start over the newline on stdin: both
	// travel over one connection in order.
	testcluster.Eventually(t, 30*time.Second, "newline", func(context.Context) (bool, error) { _, err := inW.Write([]byte("\n")); return err == nil, nil })
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "50 120") {
		t.Fatalf("tty output %q: want the resized 50 120", out.String())
	}
}

func TestExecCancel(t *testing.T) {
	_, pod := runningPod(t, "cancel", "sleep", "3600")
	testcluster.NoLeak(t)
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := pod.Exec(ctx, []string{"sleep", "100"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("cancel took %s", d)
	}
}

func TestLogs(t *testing.T) {
	_, pod := runningPod(t, "logs", "sh", "-c", "echo one; echo two; echo three; sleep 3600")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	testcluster.Eventually(t, 30*time.Second, "three lines", func(context.Context) (bool, error) { return len(collect(t, pod, nil)) == 3, nil })
	if got := collect(t, pod, &kr8s.LogOptions{TailLines: 2}); fmt.Sprint(got) != "[two three]" {
		t.Fatalf("tail 2 = %v", got)
	}
	if got := collect(t, pod, &kr8s.LogOptions{Since: time.Hour}); len(got) != 3 {
		t.Fatalf("since 1h = %v", got)
	}
	if got := collect(t, pod, &kr8s.LogOptions{SinceTime: time.Now().Add(time.Hour)}); len(got) != 0 {
		t.Fatalf("since the future = %v", got)
	}
	if got := collect(t, pod, &kr8s.LogOptions{Timestamps: true}); len(got) != 3 || !strings.HasSuffix(got[0], " one") || !strings.HasPrefix(got[0], "20") {
		t.Fatalf("timestamps = %v", got)
	}
	// Follow picks up lines written after it started.
	_, ticker := runningPod(t, "ticker", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done")
	n := 0
	for line, err := range ticker.Logs(ctx, &kr8s.LogOptions{Follow: true, TailLines: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, "tick ") {
			t.Fatalf("line %q", line)
		}
		if n++; n == 5 {
			break
		}
	}
}

func TestLogsPrevious(t *testing.T) {
	_, pod := runningPod(t, "crash", "sh", "-c", "echo started; exit 1")
	testcluster.Eventually(t, 30*time.Second, "previous log", func(ctx context.Context) (bool, error) {
		for line, err := range pod.Logs(ctx, &kr8s.LogOptions{Previous: true}) {
			return err == nil && line == "started", nil
		}
		return false, nil
	})
}

func collect(t *testing.T, pod *kr8s.Pod, o *kr8s.LogOptions) []string {
	t.Helper()
	var lines []string
	for line, err := range pod.Logs(context.Background(), o) {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	return lines
}

func TestPortForward(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Path)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	c, pod := runningPod(t, "pf", "sleep", "3600")
	testcluster.NoLeak(t)
	ctx := context.Background()

	fw, err := pod.PortForward(ctx, port, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(fmt.Sprintf("http://%s/%d", fw.Addr(), i))
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != fmt.Sprintf("hello /%d", i) {
				t.Errorf("request %d got %q", i, b)
			}
		}()
	}
	wg.Wait()
	addr := fw.Addr()
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if l, err := net.Listen("tcp", addr); err != nil {
		t.Fatalf("port not freed after Close: %v", err)
	} else {
		l.Close()
	}

	// Nothing listens on the remote port: the error reaches the caller.
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := dead.Addr().(*net.TCPAddr).Port
	dead.Close()
	errs := make(chan error, 1)
	fw, err = pod.PortForward(ctx, deadPort, &kr8s.PortForwardOptions{OnError: func(err error) { errs <- err }})
	if err != nil {
		t.Fatal(err)
	}
	if conn, err := net.Dial("tcp", fw.Addr()); err == nil {
		_, _ = conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		_, _ = io.ReadAll(conn)
		conn.Close()
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("error %q does not say the connection was refused", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no error for a port where nothing listens")
	}
	fw.Close()

	// The pod going away ends the forward with an error.
	fw, err = pod.PortForward(ctx, port, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Call(ctx, http.MethodDelete, kr8s.Request{Namespace: pod.Namespace(), URL: "pods/" + pod.Name()})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := fw.Wait(); !errors.Is(err, kr8s.ErrPodGone) {
		t.Fatalf("Wait = %v, want ErrPodGone", err)
	}
}
