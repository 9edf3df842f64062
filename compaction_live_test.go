package kr8s_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestWatchRelistsAfterCompaction cuts a watch off, changes what it
// watches, and compacts etcd past the watch's resourceVersion. The API
// server runs without its watch cache, so etcd itself answers the resumed
// watch with 410 Gone. The watch must send Relisted, bring the caller up
// to date with the right Added, Modified and Deleted events, and end with
// the server's state. A paged list whose continue token is compacted away
// must fail with ErrGone.
func TestWatchRelistsAfterCompaction(t *testing.T) {
	t.Parallel() // its own cluster: it overlaps with the other tests
	start := time.Now()
	cluster := testcluster.NewPrivate(t, "--watch-cache=false")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	writer := privateNamespace(ctx, t, cluster, "compaction")
	proxy := testcluster.NewProxyTo(t, cluster.Server(t))
	watcher, err := kr8s.NewClient(kr8s.WithKubeconfig(cluster.Kubeconfig), kr8s.WithNamespace("compaction"), kr8s.WithURL(proxy.URL()))
	if err != nil {
		t.Fatal(err)
	}

	view := startWatchView(t, watcher)
	const n = 60
	createConfigMaps(t, writer, n, nil)
	written := n
	view.wait(t, time.Minute, "the watch to see the creates", func(live map[string]string) bool {
		return live[fmt.Sprintf("cm-%04d", n-1)] != "" && len(live) >= n
	})

	// The API server becomes unreachable for the watch; meanwhile 10
	// ConfigMaps change, 10 go and 10 come, and etcd forgets the history.
	proxy.Refuse(true)
	proxy.CutAll()
	for i := range 10 {
		if err := patchConfigMap(ctx, writer, fmt.Sprintf("cm-%04d", i), "changed"); err != nil {
			t.Fatal(err)
		}
		if err := deleteConfigMap(ctx, writer, fmt.Sprintf("cm-%04d", 10+i)); err != nil {
			t.Fatal(err)
		}
		cm, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": fmt.Sprintf("new-%02d", i)}}, kr8s.WithAPI(writer))
		if err := cm.Create(ctx, nil); err != nil {
			t.Fatal(err)
		}
		written += 3
	}
	rev := cluster.CompactEtcd(t)
	t.Logf("etcd compacted at revision %d", rev)
	proxy.Refuse(false)

	view.wait(t, 2*time.Minute, "the watch to catch up after 410", func(live map[string]string) bool {
		return live["new-09"] != "" && live["cm-0019"] == ""
	})
	if wrong := view.lost(ctx, t, writer); len(wrong) > 0 {
		t.Fatalf("the watch's state differs from the server's:\n%s", strings.Join(wrong, "\n"))
	}
	received, duplicated, relists := view.counts()
	t.Logf("events: %d written, %d received, 0 lost, %d duplicated; %d relists; %d connections refused while away",
		written, received, duplicated, relists, proxy.Refused())
	if relists != 1 {
		t.Fatalf("%d relists, want exactly 1 (the 410 after compaction)", relists)
	}
	if duplicated != 0 {
		t.Fatalf("%d events delivered twice", duplicated)
	}
	// Each write while away arrives as one event after the relist: 10
	// Modified, 10 Deleted, 10 Added. The creates before it and the
	// namespace's kube-root-ca.crt arrived live.
	if want := n + 1 + 30; received != want {
		t.Fatalf("%d events, want %d", received, want)
	}

	// A paged list whose continue token etcd has compacted away fails
	// with 410 Gone, and says so; it does not restart or repeat items.
	items := 0
	var listErr error
	for cm, err := range kr8s.ConfigMaps.List(ctx, &kr8s.ListOptions{API: writer, Limit: 10}) {
		if err != nil {
			listErr = err
			break
		}
		_ = cm
		if items++; items == 10 {
			if err := patchConfigMap(ctx, writer, "cm-0000", "again"); err != nil {
				t.Fatal(err)
			}
			cluster.CompactEtcd(t)
		}
	}
	// The second page may have been fetched ahead, before the compaction;
	// the page after it cannot have been.
	if !errors.Is(listErr, kr8s.ErrGone) || (items != 10 && items != 20) {
		t.Fatalf("list after compaction: %d items, err = %v; want 10 (or 20, with the page fetched ahead), then ErrGone", items, listErr)
	}
	t.Logf("list across compaction: %v", listErr)
	t.Logf("took %s", time.Since(start).Round(time.Millisecond))
}
