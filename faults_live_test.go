package kr8s_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// privateNamespace creates namespace ns on a private cluster and returns
// a client for it, with opts added.
func privateNamespace(ctx context.Context, t *testing.T, cluster *testcluster.Private, ns string, opts ...kr8s.Option) *kr8s.Client {
	t.Helper()
	admin, err := kr8s.NewClient(kr8s.WithKubeconfig(cluster.Kubeconfig))
	if err != nil {
		t.Fatal(err)
	}
	o, err := kr8s.NewNamespace(map[string]any{"metadata": map[string]any{"name": ns}}, kr8s.WithAPI(admin))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	c, err := kr8s.NewClient(append([]kr8s.Option{kr8s.WithKubeconfig(cluster.Kubeconfig), kr8s.WithNamespace(ns)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parallel runs f(0) to f(n-1) on 8 goroutines and fails the test on the
// first error.
func parallel(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := f(i); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// watchView runs a ConfigMap watch in the background and keeps the state
// its events describe, with counts for the fault tests' reports.
type watchView struct {
	mu         sync.Mutex
	live       map[string]string // name -> resourceVersion
	delivered  map[string]bool   // name@resourceVersion, to find repeats
	received   int               // Added, Modified and Deleted events
	duplicated int
	relists    int
	err        error // the error that ended the watch, if any
	done       chan struct{}
}

// startWatchView watches the client's namespace until the test ends.
func startWatchView(t *testing.T, c *kr8s.Client) *watchView {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	v := &watchView{live: map[string]string{}, delivered: map[string]bool{}, done: make(chan struct{})}
	go func() {
		defer close(v.done)
		for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: c}) {
			v.mu.Lock()
			if err != nil {
				v.err = err
				v.mu.Unlock()
				return
			}
			v.apply(ev)
			v.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-v.done
	})
	return v
}

func (v *watchView) apply(ev kr8s.Event[*kr8s.ConfigMap]) {
	if ev.Type == kr8s.Relisted {
		v.relists++
		return
	}
	v.received++
	name := ev.Object.Name()
	rv, _ := ev.Object.Metadata()["resourceVersion"].(string)
	key := string(ev.Type) + " " + name + "@" + rv
	if v.delivered[key] {
		v.duplicated++
	}
	v.delivered[key] = true
	if ev.Type == kr8s.Deleted {
		delete(v.live, name)
	} else {
		v.live[name] = rv
	}
}

// wait waits until cond holds for the view; the watch ending fails the
// test.
func (v *watchView) wait(t *testing.T, timeout time.Duration, what string, cond func(live map[string]string) bool) {
	t.Helper()
	testcluster.Eventually(t, timeout, what, func(context.Context) (bool, error) {
		v.mu.Lock()
		defer v.mu.Unlock()
		if v.err != nil {
			return false, fmt.Errorf("the watch ended: %w", v.err)
		}
		select {
		case <-v.done:
			return false, fmt.Errorf("the watch ended without an error")
		default:
		}
		return cond(v.live), nil
	})
}

// lost compares the view with the server's list: it returns the objects
// whose state the watch got wrong (missing, stale, or gone on the server).
// The watch may lag the server: wait first.
func (v *watchView) lost(ctx context.Context, t *testing.T, c *kr8s.Client) []string {
	t.Helper()
	final, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var wrong []string
	onServer := map[string]bool{}
	for _, cm := range final {
		onServer[cm.Name()] = true
		if rv := cm.Metadata()["resourceVersion"]; v.live[cm.Name()] != rv {
			wrong = append(wrong, fmt.Sprintf("%s: server at %v, watch at %q", cm.Name(), rv, v.live[cm.Name()]))
		}
	}
	for name := range v.live {
		if !onServer[name] {
			wrong = append(wrong, name+": gone from the server, live in the watch")
		}
	}
	return wrong
}

// counts returns the view's counters.
func (v *watchView) counts() (received, duplicated, relists int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.received, v.duplicated, v.relists
}
