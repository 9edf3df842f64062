package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kr8s-go/kr8s"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Scenario 3: create ConfigMaps from many goroutines.

const (
	createNamespace = "kr8s-bench-create"
	// limitedObjects is what client-go with its default limiter creates:
	// at 5 QPS, 1,000 ConfigMaps would take more than 3 minutes a run.
	limitedObjects = 100
)

func createName(i int) string { return fmt.Sprintf("bench-cm-%05d", i) }

func (k *kr8sC) create(ctx context.Context, name string, i int) error {
	cm, err := kr8s.NewConfigMap(configMapObject(k.ns, name, i), kr8s.WithAPI(k.c))
	if err != nil {
		return err
	}
	return cm.Create(ctx, nil)
}

func (t *typedC) create(ctx context.Context, name string, i int) error {
	labels, data := configMap(i)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.ns, Labels: labels}, Data: data}
	_, err := t.cs.CoreV1().ConfigMaps(t.ns).Create(ctx, cm, metav1.CreateOptions{})
	return err
}

func (d *dynamicC) create(ctx context.Context, name string, i int) error {
	u := &unstructured.Unstructured{Object: configMapObject(d.ns, name, i)}
	_, err := d.dc.Resource(configMapsGVR).Namespace(d.ns).Create(ctx, u, metav1.CreateOptions{})
	return err
}

// createChild deletes the ConfigMaps of the previous run (not timed),
// creates one to warm up, then creates x.objects from x.workers goroutines
// and counts what the server holds afterwards.
func createChild(ctx context.Context, a childArgs, x modeArgs, name string) (result, error) {
	setup, err := setupClient(a)
	if err != nil {
		return result{}, err
	}
	if err := deleteConfigMaps(ctx, setup, a.namespace); err != nil {
		return result{}, err
	}
	c, err := contenderAs[creator](name, a)
	if err != nil {
		return result{}, err
	}
	if err := c.create(ctx, "bench-cm-warm-up", 0); err != nil {
		return result{}, fmt.Errorf("warm-up: %w", err)
	}
	runtime.GC()
	h := startSampler()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lat := make([]int64, x.objects)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range x.workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < x.objects && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				t := time.Now()
				if err := c.create(ctx, createName(i), i); err != nil {
					cancel(fmt.Errorf("create %s: %w", createName(i), err))
					return
				}
				lat[i] = time.Since(t).Nanoseconds()
			}
		})
	}
	wg.Wait()
	res := result{WallNS: time.Since(start).Nanoseconds(), PeakHeap: h.finish(), HWM: vmHWM()}
	if err := context.Cause(ctx); err != nil {
		return res, err
	}
	res.P50NS, res.P99NS = percentiles(lat)
	for _, err := range kr8s.ConfigMaps.List(ctx, &kr8s.ListOptions{API: setup, Namespace: a.namespace, Labels: map[string]string{benchLabel: benchLabelVal}}) {
		if err != nil {
			return res, err
		}
		res.Items++
	}
	res.Items-- // the warm-up's
	return res, nil
}

// createScenario runs scenario 3 in its own namespace and deletes the
// ConfigMaps afterwards.
func (r *report) createScenario(ctx context.Context, api *kr8s.Client) error {
	t := newTable(fmt.Sprintf("Create %d ConfigMaps from %d goroutines", r.cfg.modes.objects, r.cfg.modes.workers), -1, "kr8s", "typed", "dynamic", "typed5")
	t.args = []string{"-objects", strconv.Itoa(r.cfg.modes.objects), "-workers", strconv.Itoa(r.cfg.modes.workers)}
	limited := min(limitedObjects, r.cfg.modes.objects)
	t.row("typed5").args = []string{"-objects", strconv.Itoa(limited)}
	r.create = t
	return r.runInNamespace(ctx, api, createNamespace, "create", t, func(s *series, res result) error {
		want := r.cfg.modes.objects
		if s.name == "typed5" {
			want = limited
		}
		if res.Items != want {
			return fmt.Errorf("%d ConfigMaps on the server, want %d", res.Items, want)
		}
		return nil
	})
}
