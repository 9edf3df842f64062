package kr8s_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// retryWrite repeats a write until the server answers: the API server
// may be restarting. ok reports outcomes that mean "already done".
func retryWrite(ctx context.Context, t *testing.T, what string, write func() (string, error), ok func(error) bool) string {
	t.Helper()
	for {
		rv, err := write()
		if err == nil || ok(err) {
			return rv
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %v (last error: %v)", what, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestWatchSurvivesAPIServerRestarts(t *testing.T) {
	t.Parallel() // its own cluster: it overlaps with the other tests
	cluster := testcluster.NewPrivate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := privateNamespace(ctx, t, cluster, "restarts")

	type event struct {
		typ kr8s.EventType
		rv  int
	}
	var mu sync.Mutex
	events := map[string][]event{}
	relists := 0
	done := make(chan error, 1)
	go func() {
		for ev, err := range kr8s.ConfigMaps.Watch(ctx, &kr8s.WatchOptions{API: c}) {
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			if ev.Type == kr8s.Relisted {
				relists++
				mu.Unlock()
				continue
			}
			rv, _ := strconv.Atoi(ev.Object.Metadata()["resourceVersion"].(string))
			events[ev.Object.Name()] = append(events[ev.Object.Name()], event{ev.Type, rv})
			mu.Unlock()
			if ev.Object.Name() == "zz-done" {
				done <- nil
				return
			}
		}
		done <- ctx.Err()
	}()

	// 600 creates, 200 updates and 200 deletes, with three API server
	// restarts spread over them. acked holds the version each write got.
	acked := map[string][]int{}
	restartAt := map[int]bool{250: true, 500: true, 750: true}
	op := 0
	next := func() {
		op++
		if restartAt[op] {
			cluster.RestartAPIServer(t)
		}
	}
	for i := range 600 {
		name := fmt.Sprintf("cm-%03d", i)
		rv := retryWrite(ctx, t, "create "+name, func() (string, error) {
			cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": name}, "data": map[string]any{"v": "0"}}, kr8s.WithAPI(c))
			if err != nil {
				return "", err
			}
			err = cm.Create(ctx, nil)
			if err != nil {
				return "", err
			}
			return cm.Metadata()["resourceVersion"].(string), nil
		}, func(err error) bool { return errors.Is(err, kr8s.ErrAlreadyExists) })
		if n, err := strconv.Atoi(rv); err == nil {
			acked[name] = append(acked[name], n)
		}
		next()
	}
	for i := 0; i < 200; i++ {
		name := fmt.Sprintf("cm-%03d", i)
		rv := retryWrite(ctx, t, "update "+name, func() (string, error) {
			cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": name, "namespace": "restarts"}}, kr8s.WithAPI(c))
			if err != nil {
				return "", err
			}
			if err := cm.Patch(ctx, map[string]any{"data": map[string]any{"v": "1"}}, nil); err != nil {
				return "", err
			}
			return cm.Metadata()["resourceVersion"].(string), nil
		}, func(error) bool { return false })
		n, _ := strconv.Atoi(rv)
		acked[name] = append(acked[name], n)
		next()
	}
	for i := 200; i < 400; i++ {
		name := fmt.Sprintf("cm-%03d", i)
		retryWrite(ctx, t, "delete "+name, func() (string, error) {
			resp, err := c.Call(ctx, http.MethodDelete, kr8s.Request{Namespace: "restarts", URL: "configmaps/" + name})
			if err != nil {
				return "", err
			}
			return "", resp.Body.Close()
		}, func(err error) bool { return errors.Is(err, kr8s.ErrNotFound) })
		next()
	}
	last, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "zz-done"}}, kr8s.WithAPI(c))
	retryWrite(ctx, t, "create zz-done", func() (string, error) { return "", last.Create(ctx, nil) },
		func(err error) bool { return errors.Is(err, kr8s.ErrAlreadyExists) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	t.Logf("3 restarts, %d relists", relists)
	lost, dup := 0, 0
	for name, evs := range events {
		seen := map[int]bool{}
		for i, e := range evs {
			if seen[e.rv] {
				dup++
			}
			seen[e.rv] = true
			if i > 0 && e.rv < evs[i-1].rv {
				t.Errorf("%s: events out of order: %v", name, evs)
			}
		}
	}
	// Every acknowledged write is seen, or superseded by a newer version
	// of the same object that was seen (a relist coalesces).
	for name, rvs := range acked {
		evs := events[name]
		if len(evs) == 0 {
			lost++
			continue
		}
		newest := evs[len(evs)-1].rv
		for _, rv := range rvs {
			found := false
			for _, e := range evs {
				found = found || e.rv == rv
			}
			if !found && newest < rv {
				lost++
			}
		}
	}
	for i := 200; i < 400; i++ {
		evs := events[fmt.Sprintf("cm-%03d", i)]
		if len(evs) == 0 || evs[len(evs)-1].typ != kr8s.Deleted {
			lost++
		}
	}
	if lost != 0 || dup != 0 {
		t.Fatalf("%d writes lost, %d events duplicated", lost, dup)
	}
	final, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, evs := range events {
		if evs[len(evs)-1].typ != kr8s.Deleted {
			live++
		}
	}
	if live != len(final) {
		t.Fatalf("the watch ends with %d live ConfigMaps, the server has %d", live, len(final))
	}
}
