package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kr8s-go/kr8s"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// Scenario 4: watch the events of a writer, end to end.

const (
	watchNamespace = "kr8s-bench-watch"
	watchObjects   = 100 // ConfigMaps the writer updates in turn
	watchWriters   = 16  // the writer's goroutines
	// watchGrace is how long the watcher may lag behind the last write.
	watchGrace = 30 * time.Second
)

func watchName(i int) string { return fmt.Sprintf("bench-watch-%03d", i) }

func (k *kr8sC) watchSeqs(ctx context.Context, rv string, seen func(string) bool) error {
	opts := &kr8s.WatchOptions{API: k.c, Namespace: k.ns, ResourceVersion: rv}
	for ev, err := range kr8s.ConfigMaps.Watch(ctx, opts) {
		if err != nil {
			return err
		}
		if ev.Type != kr8s.Added && ev.Type != kr8s.Modified {
			continue
		}
		seq, _ := ev.Object.Field("data", "seq").(string)
		if !seen(seq) {
			return nil
		}
	}
	return errors.New("the watch ended early")
}

func (d *dynamicC) watchSeqs(ctx context.Context, rv string, seen func(string) bool) error {
	w, err := d.dc.Resource(configMapsGVR).Namespace(d.ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
	if err != nil {
		return err
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		switch ev.Type {
		case watch.Error:
			return apierrors.FromObject(ev.Object)
		case watch.Added, watch.Modified:
			u, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				return fmt.Errorf("watch sent a %T", ev.Object)
			}
			seq, _, _ := unstructured.NestedString(u.Object, "data", "seq")
			if !seen(seq) {
				return nil
			}
		}
	}
	return errors.New("the watch ended early")
}

// watchChild makes sure the ConfigMaps exist, starts the contender's
// watch from the current resource version and a writer in the same
// process (kr8s-go, a connection of its own, the same in every child).
// The writer makes one warm-up write and waits until the watch has seen
// it; then its goroutines merge-patch data.seq = 0, 1, ... x.events-1 into
// the ConfigMaps in turn, as fast as the server takes them, noting when
// each write returned. The watcher notes when each seq arrives. Then the
// contender watches from the same resource version again and times
// receiving the events a second time.
func watchChild(ctx context.Context, a childArgs, x modeArgs, name string) (result, error) {
	writer, err := setupClient(a)
	if err != nil {
		return result{}, err
	}
	names := make([]string, x.objects)
	for i := range names {
		names[i] = watchName(i)
	}
	if err := ensureConfigMaps(ctx, writer, a.namespace, names); err != nil {
		return result{}, err
	}
	rv, err := listVersion(ctx, writer, a.namespace)
	if err != nil {
		return result{}, err
	}
	c, err := contenderAs[watcher](name, a)
	if err != nil {
		return result{}, err
	}
	write := func(ctx context.Context, name, seq string) error {
		resp, err := writer.Call(ctx, http.MethodPatch, kr8s.Request{
			Namespace:   a.namespace,
			URL:         "configmaps/" + name,
			Body:        bytes.NewReader([]byte(`{"data":{"seq":"` + seq + `"}}`)),
			ContentType: string(kr8s.MergePatch),
		})
		if err != nil {
			return fmt.Errorf("write %s to %s: %w", seq, name, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return err
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	written := make([]int64, x.events) // when each write returned, Unix ns
	received := make([]int64, x.events)
	ready, watched := make(chan struct{}), make(chan struct{})
	var start time.Time
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := write(ctx, names[0], "warm-up"); err != nil {
			cancel(err)
			return
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return
		}
		start = time.Now()
		var next atomic.Int64
		var writers sync.WaitGroup
		for range watchWriters {
			writers.Go(func() {
				for seq := int(next.Add(1) - 1); seq < x.events && ctx.Err() == nil; seq = int(next.Add(1) - 1) {
					if err := write(ctx, names[seq%len(names)], strconv.Itoa(seq)); err != nil {
						cancel(err)
						return
					}
					written[seq] = time.Now().UnixNano()
				}
			})
		}
		writers.Wait()
		select {
		case <-watched:
		case <-time.After(watchGrace):
			cancel(fmt.Errorf("events still missing %s after the last write", watchGrace))
		}
	})

	runtime.GC()
	h := startSampler()
	n := 0
	var warm sync.Once
	err = c.watchSeqs(ctx, rv, func(seq string) bool {
		now := time.Now().UnixNano()
		if seq == "warm-up" {
			warm.Do(func() { close(ready) })
			return true
		}
		i, err := strconv.Atoi(seq)
		if err != nil || i < 0 || i >= len(received) || received[i] != 0 {
			return true
		}
		received[i] = now
		n++
		return n < len(received)
	})
	end := time.Now()
	peak := h.finish()
	if cause := context.Cause(ctx); cause != nil {
		err = cause
	}
	if err != nil {
		cancel(err) // stops the writer
	}
	close(watched)
	wg.Wait()
	if err != nil {
		return result{}, fmt.Errorf("received %d of %d events: %w", n, x.events, err)
	}
	lag := make([]int64, len(received))
	for i := range received {
		// An event may arrive before its write's answer: lag 0.
		lag[i] = max(received[i]-written[i], 0)
	}
	res := result{Items: n, WallNS: end.Sub(start).Nanoseconds(), PeakHeap: peak}
	res.P50NS, res.P99NS = percentiles(lag)

	// Catch-up: the same events again, all written already: the server
	// sends them from its watch cache as fast as the contender reads.
	n = 0
	start = time.Now()
	err = c.watchSeqs(ctx, rv, func(seq string) bool {
		if _, err := strconv.Atoi(seq); err == nil {
			n++
		}
		return n < x.events
	})
	if err != nil {
		return result{}, fmt.Errorf("catch-up: received %d of %d events: %w", n, x.events, err)
	}
	res.CatchUpNS = time.Since(start).Nanoseconds()
	res.HWM = vmHWM()
	return res, nil
}

// watchScenario runs scenario 4 in its own namespace and deletes the
// ConfigMaps afterwards.
func (r *report) watchScenario(ctx context.Context, api *kr8s.Client) error {
	events := r.cfg.modes.events
	t := newTable(fmt.Sprintf("Watch %d events", events), -1, "kr8s", "dynamic")
	t.args = []string{"-objects", strconv.Itoa(watchObjects), "-events", strconv.Itoa(events)}
	r.watch = t
	return r.runInNamespace(ctx, api, watchNamespace, "watch", t, func(s *series, res result) error {
		if res.Items != events {
			return fmt.Errorf("received %d events, want %d", res.Items, events)
		}
		return nil
	})
}
