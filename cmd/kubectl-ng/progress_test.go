package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

func TestRenderProgress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status  string
		elapsed time.Duration
		width   int
		want    string
	}{
		{"waiting for pod/web: condition=Ready", 3500 * time.Millisecond, 80, "\r\x1b[Kwaiting for pod/web: condition=Ready (3s)"},
		{"draining node/a: 1 of 2 pods gone", 75 * time.Second, 80, "\r\x1b[Kdraining node/a: 1 of 2 pods gone (1m15s)"},
		{"waiting for deployment.apps/web", 0, 20, "\r\x1b[Kwaiting for d… (0s)"}, // 19 columns: never wraps
		{"waiting", 10 * time.Second, 14, "\r\x1b[Kwaiting (10s)"},
		{"waiting!", 10 * time.Second, 14, "\r\x1b[Kwaitin… (10s)"},
		{"x", time.Second, 0, "\r\x1b[Kx (1s)"},
	} {
		if got := renderProgress(tc.status, tc.elapsed, tc.width); got != tc.want {
			t.Errorf("renderProgress(%q, %v, %d) = %q, want %q", tc.status, tc.elapsed, tc.width, got, tc.want)
		}
	}
}

// TestProgressLine drives a progress line on a (pretend) terminal: nothing
// before the delay, then the line, erased and drawn again around printed
// lines, and erased at the end, after which its goroutine is gone.
//
// Not parallel, so that NoLeak counts this test's goroutines only.
func TestProgressLine(t *testing.T) {
	testcluster.NoLeak(t)
	var stderr, stdout testcluster.SyncBuffer
	a := &app{stderr: &stderr, tty: func(w io.Writer) bool { return w == &stderr }}
	p := a.startProgress("waiting for pod/x")
	p.printf(&stdout, "early\n")
	if stderr.String() != "" {
		t.Fatalf("drawn before the delay: %q", stderr.String())
	}
	testcluster.Eventually(t, 5*time.Second, "the progress line", func(context.Context) (bool, error) {
		return strings.Contains(stderr.String(), "\r\x1b[Kwaiting for pod/x (1s)"), nil
	})
	p.set("waiting for %s", "pod/y")
	p.printf(&stdout, "pod/x condition met\n")
	p.end()
	p.end()
	select {
	case <-p.done:
	default:
		t.Error("the clock goroutine still runs after end")
	}
	got := stderr.String()
	// Each drawing starts with clearLine. A slow machine may tick once
	// more in between, drawing the same status again: drop the times and
	// repeats.
	var draws []string
	for _, d := range strings.Split(regexp.MustCompile(` \(\d+s\)`).ReplaceAllString(got, ""), clearLine) {
		if len(draws) == 0 || draws[len(draws)-1] != d {
			draws = append(draws, d)
		}
	}
	want := []string{"", "waiting for pod/x", "waiting for pod/y", "", "waiting for pod/y", ""}
	if !slices.Equal(draws, want) {
		t.Errorf("stderr %q\ndrawings %q\n    want %q", got, draws, want)
	}
	if stdout.String() != "early\npod/x condition met\n" {
		t.Errorf("stdout %q", stdout.String())
	}
	time.Sleep(2 * progressDelay)
	if stderr.String() != got {
		t.Errorf("written after end: %q", strings.TrimPrefix(stderr.String(), got))
	}

	// Not a terminal: the lines, nothing else, and no goroutine.
	var plain bytes.Buffer
	a = &app{stderr: &plain}
	p = a.startProgress("waiting")
	p.printf(&plain, "done\n")
	p.end()
	if plain.String() != "done\n" {
		t.Errorf("not a terminal: %q", plain.String())
	}
}

// TestWaitProgress runs wait on the cluster: with stderr a terminal, a
// progress line appears during the wait and is erased before the result;
// to a buffer there is only the result.
func TestWaitProgress(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	mustNG(t, ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: slow}\ndata: {k: v}\n", "apply", "-f", "-")
	args := []string{"wait", "cm/slow", "--for=jsonpath={.data.k}=never", "--timeout=5s"}
	const timedOut = "timed out waiting for the condition on configmaps/slow\n"

	plain := ng(t, ns, "", args...)
	if plain.code != 1 || plain.stdout != "" || plain.stderr != "error: "+timedOut {
		t.Errorf("wait to a buffer: %+v", plain)
	}
	if r := ng(t, ns, "", "wait", "cm/slow", "--for=jsonpath={.data.k}=v"); r.code != 0 || r.stdout != "configmap/slow condition met\n" || r.stderr != "" {
		t.Errorf("wait met, to a buffer: %+v", r)
	}

	live := ngWith(t, testcluster.Kubeconfig(t), "stderr", ns, "", args...)
	line := clearLine + "waiting for configmap/slow: jsonpath={.data.k}=never"
	if !strings.Contains(live.stderr, line+" (1s)") {
		t.Errorf("no progress %q in stderr %q", line+" (1s)", live.stderr)
	}
	errLine := "error: " + timedOut
	if wantColor(true, os.Getenv) {
		errLine = paintErrorPrefix(errLine)
	}
	if !strings.HasSuffix(live.stderr, "s)"+clearLine+errLine) {
		t.Errorf("the progress line is not erased before the error: %q", live.stderr)
	}
	if live.stdout != "" || live.code != 1 {
		t.Errorf("wait on a terminal: %+v", live)
	}
}

// TestScaleProgress scales a StatefulSet whose first pod can never be
// scheduled, so the wait for three replicas outlasts its timeout: on a
// terminal the progress line shows the counts from the object's status;
// to a buffer there are no progress lines.
func TestScaleProgress(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	mustNG(t, ns, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 0
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      nodeSelector: {no-such: node}
      containers: [{name: main, image: busybox}]
`, "apply", "-f", "-")
	args := []string{"scale", "sts/db", "--replicas=3", "--wait", "--timeout=5s"}
	plain := ng(t, ns, "", args...)
	if plain.code != 1 || plain.stdout != "" || plain.stderr != "error: timed out waiting for statefulset.apps/db to have 3 replicas\n" || strings.ContainsAny(plain.stderr, "\r\x1b") {
		t.Errorf("scale --wait to a buffer: %+v", plain)
	}
	live := ngWith(t, testcluster.Kubeconfig(t), "stderr", ns, "", args...)
	want := clearLine + "scaling statefulset.apps/db to 3 replicas: 1 current, 0 ready ("
	if live.code != 1 || !strings.Contains(live.stderr, want) {
		t.Errorf("scale --wait on a terminal: no %q in %+v", want, live)
	}
}
