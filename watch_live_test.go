package kr8s_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

func deleteConfigMap(ctx context.Context, c *kr8s.Client, name string) error {
	resp, err := c.Call(ctx, http.MethodDelete, kr8s.Request{Namespace: c.Namespace(), URL: "configmaps/" + name})
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func patchConfigMap(ctx context.Context, c *kr8s.Client, name, value string) error {
	resp, err := c.Call(ctx, http.MethodPatch, kr8s.Request{
		Namespace: c.Namespace(), URL: "configmaps/" + name,
		Body: bytesReader(`{"data":{"v":"` + value + `"}}`), ContentType: "application/merge-patch+json",
	})
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func TestWatchSurvivesCutConnections(t *testing.T) {
	ns := testcluster.Namespace(t)
	kc := testcluster.Kubeconfig(t)
	writer, err := kr8s.NewClient(kr8s.WithKubeconfig(kc), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	proxy := testcluster.NewProxy(t)
	watcher, err := kr8s.NewClient(kr8s.WithKubeconfig(kc), kr8s.WithNamespace(ns), kr8s.WithURL(proxy.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	type seen struct {
		events []kr8s.EventType
		rvs    map[string]bool
	}
	got := map[string]*seen{}
	relists := 0
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		first := true
		for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: watcher}) {
			if err != nil {
				done <- err
				return
			}
			if ev.Type == kr8s.Relisted {
				relists++
				continue
			}
			if first {
				// The namespace's kube-root-ca.crt arrives first as Added.
				first = false
				close(ready)
			}
			name := ev.Object.Name()
			s := got[name]
			if s == nil {
				s = &seen{rvs: map[string]bool{}}
				got[name] = s
			}
			rv := ev.Object.Metadata()["resourceVersion"].(string)
			if s.rvs[rv] {
				done <- fmt.Errorf("%s: event for resourceVersion %s delivered twice", name, rv)
				return
			}
			s.rvs[rv] = true
			s.events = append(s.events, ev.Type)
			if name == "zz-done" {
				done <- nil
				return
			}
		}
		done <- ctx.Err()
	}()
	// Wait for the namespace's own ConfigMap so the watch is running.
	cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "zz-first"}}, kr8s.WithAPI(writer))
	if err != nil {
		t.Fatal(err)
	}
	if err := cm.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("watch ended early: %v", err)
	case <-ctx.Done():
		t.Fatal("watch never started")
	}

	// Cut the watch's connections at random while writing.
	stopCutting := make(chan struct{})
	cutterDone := make(chan struct{})
	go func() {
		defer close(cutterDone)
		for {
			select {
			case <-stopCutting:
				return
			case <-time.After(time.Duration(10+rand.IntN(60)) * time.Millisecond):
				proxy.CutAll()
			}
		}
	}()
	const n = 500
	createConfigMaps(t, writer, n, nil)
	for i := 0; i < n; i += 5 {
		if err := patchConfigMap(ctx, writer, fmt.Sprintf("cm-%04d", i), "changed"); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < n; i += 5 {
		if err := deleteConfigMap(ctx, writer, fmt.Sprintf("cm-%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	close(stopCutting)
	<-cutterDone
	last, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "zz-done"}}, kr8s.WithAPI(writer))
	if err := last.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d connections cut, %d relists", proxy.Cuts(), relists)
	if proxy.Cuts() < 3 {
		t.Fatalf("only %d cuts: the test did not exercise reconnection", proxy.Cuts())
	}

	// Every change arrived once, in order, and the events add up to the
	// server's final list.
	for i := range n {
		name := fmt.Sprintf("cm-%04d", i)
		s := got[name]
		if s == nil {
			t.Fatalf("%s: no events", name)
		}
		want := []kr8s.EventType{kr8s.Added}
		switch i % 5 {
		case 0:
			want = append(want, kr8s.Modified)
		case 1:
			want = append(want, kr8s.Deleted)
		}
		if relists == 0 && fmt.Sprint(s.events) != fmt.Sprint(want) {
			t.Fatalf("%s: events %v, want %v", name, s.events, want)
		}
	}
	final, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: writer})
	if err != nil {
		t.Fatal(err)
	}
	alive := map[string]bool{}
	for name, s := range got {
		alive[name] = s.events[len(s.events)-1] != kr8s.Deleted
	}
	for _, cm := range final {
		if !alive[cm.Name()] {
			t.Fatalf("%s exists on the server but the watch says it is gone or never saw it", cm.Name())
		}
		delete(alive, cm.Name())
	}
	for name, a := range alive {
		if a {
			t.Fatalf("%s: the watch says it exists but the server has no such ConfigMap", name)
		}
	}
}

func TestWatchRelistsOnGone(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	createConfigMaps(t, c, 3, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var types []kr8s.EventType
	names := map[string]bool{}
	// Version "1" is long compacted out of the watch cache: the server
	// answers 410 Gone, and the watch must relist.
	for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: c, ResourceVersion: "1"}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ev.Type)
		if ev.Type == kr8s.Added {
			names[ev.Object.Name()] = true
		}
		if names["cm-0000"] && names["cm-0001"] && names["cm-0002"] {
			break
		}
	}
	if len(types) == 0 || types[0] != kr8s.Relisted {
		t.Fatalf("events %v: want Relisted first", types)
	}
}

func TestWatchOneObjectAndBreak(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	createConfigMaps(t, c, 2, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var evs []string
	for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: c, Name: "cm-0001"}) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, string(ev.Type)+":"+ev.Object.Name()+":"+ev.Object.Data()["v"])
		if ev.Type == kr8s.Added {
			// Change both only now: a change made before the watch's
			// list would show in the ADDED event instead.
			go func() {
				_ = patchConfigMap(ctx, c, "cm-0000", "x") // not watched
				_ = patchConfigMap(ctx, c, "cm-0001", "y")
			}()
		}
		if ev.Type == kr8s.Modified {
			break
		}
	}
	if fmt.Sprint(evs) != "[ADDED:cm-0001: MODIFIED:cm-0001:y]" {
		t.Fatalf("events %v", evs)
	}
}

// TestWatchOutageWithinAndBeyondBudget: with a RetryPolicy whose
// MaxElapsed is 750ms, a watch's budget for failures in a row is 3s. The
// API server becomes unreachable (every connection cut, new ones closed
// at once) for 1s: the watch rides it out and delivers the next change.
// Then it becomes unreachable for good: the watch ends with the network
// error once the failures have lasted the 3s budget, and the log has one
// reconnect line per failed attempt.
func TestWatchOutageWithinAndBeyondBudget(t *testing.T) {
	ns := testcluster.Namespace(t)
	kc := testcluster.Kubeconfig(t)
	writer, err := kr8s.NewClient(kr8s.WithKubeconfig(kc), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	proxy := testcluster.NewProxy(t)
	var logs testcluster.SyncBuffer
	policy := kr8s.RetryPolicy{MaxAttempts: 2, MaxElapsed: 750 * time.Millisecond, BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond}
	watcher, err := kr8s.NewClient(kr8s.WithKubeconfig(kc), kr8s.WithNamespace(ns), kr8s.WithURL(proxy.URL()),
		kr8s.WithRetry(policy), kr8s.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	events := make(chan string, 100)
	done := make(chan error, 1)
	go func() {
		for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: watcher}) {
			if err != nil {
				done <- err
				return
			}
			events <- ev.Object.Name()
		}
		done <- ctx.Err()
	}()
	waitFor := func(name string) {
		t.Helper()
		for {
			select {
			case got := <-events:
				if got == name {
					return
				}
			case err := <-done:
				t.Fatalf("watch ended while waiting for %s: %v", name, err)
			case <-ctx.Done():
				t.Fatalf("no event for %s", name)
			}
		}
	}
	waitFor("kube-root-ca.crt")

	proxy.Refuse(true)
	proxy.CutAll()
	time.Sleep(time.Second)
	proxy.Refuse(false)
	createConfigMaps(t, writer, 1, nil)
	waitFor("cm-0000")
	within := strings.Count(logs.String(), "kr8s watch reconnecting")
	if within == 0 {
		t.Fatalf("no reconnect logged for the 1s outage:\n%s", logs.String())
	}

	proxy.Refuse(true)
	proxy.CutAll()
	start := time.Now()
	var end error
	select {
	case end = <-done:
	case <-ctx.Done():
		t.Fatal("the watch did not give up")
	}
	took := time.Since(start)
	if end == nil || !strings.Contains(end.Error(), "gave up") || !(errors.Is(end, io.EOF) || errors.Is(end, syscall.ECONNRESET)) {
		t.Fatalf("watch ended with %v, want it to give up on the connection failures", end)
	}
	if took < 3*time.Second || took > 10*time.Second {
		t.Fatalf("watch gave up %v into the outage, want between the 3s budget and 10s", took)
	}
	beyond := strings.Count(logs.String(), "kr8s watch reconnecting") - within
	t.Logf("1s outage: %d reconnects; lasting outage: gave up after %v, %d reconnects logged, %d connections refused: %v",
		within, took.Round(time.Millisecond), beyond, proxy.Refused(), end)
	if beyond < 2 {
		t.Fatalf("%d reconnect lines during the lasting outage, want one per failed attempt:\n%s", beyond, logs.String())
	}
}

func bytesReader(s string) *bytes.Reader { return bytes.NewReader([]byte(s)) }

// TestWatchHandsOutNoSharedState is kr8s's common pattern: on ADDED, patch
// the object just handed over, then wait for the MODIFIED event of that
// change. The watch must not compare the next event with the delivered
// object (which the patch brought up to date), or the event is lost.
func TestWatchHandsOutNoSharedState(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	cm := e.createConfigMap("shared", map[string]any{"v": "0"})
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	var types []kr8s.EventType
	for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: e.c, Name: cm.Name()}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ev.Type)
		if ev.Type == kr8s.Added {
			// Change the delivered object itself: it takes the server's
			// answer, with the new resourceVersion.
			if err := ev.Object.Patch(ctx, map[string]any{"data": map[string]any{"v": "1"}}, nil); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if ev.Type == kr8s.Modified && ev.Object.Data()["v"] == "1" {
			break
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("events %v: the MODIFIED event of the caller's own patch never arrived", types)
	}
	if len(types) != 2 {
		t.Fatalf("events %v, want ADDED then MODIFIED", types)
	}
}
