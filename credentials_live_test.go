package kr8s_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestWatchOutlivesExecCredential: an exec plugin's credential expires
// while a watch runs. The open stream keeps flowing; when the connection
// drops, the watch reconnects with a fresh credential (one more plugin
// run), resumes from its last resourceVersion and loses nothing.
func TestWatchOutlivesExecCredential(t *testing.T) {
	ns := testcluster.Namespace(t)
	base, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	counter := filepath.Join(t.TempDir(), "runs")
	// The first credential expires after 2s; the second never does.
	kc := pluginKubeconfig(t, counter, map[string]string{"PLUGIN_EXPIRY_SECONDS": "2", "PLUGIN_EXPIRING_RUNS": "1"})
	testcluster.NoLeak(t) // checked after the proxies closed their connections
	writer, _ := proxied(t, base)
	proxy := testcluster.NewProxy(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(kc), kr8s.WithNamespace(ns), kr8s.WithURL(proxy.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	view := startWatchView(t, c)
	createConfigMaps(t, writer, 20, nil)
	view.wait(t, time.Minute, "the first 20", func(live map[string]string) bool { return live["cm-0019"] != "" })

	// The expiry has second precision: wait until it has surely passed.
	// The open stream does not need the credential again.
	time.Sleep(time.Until(start.Add(3500 * time.Millisecond)))
	for i := range 5 {
		if err := patchConfigMap(ctx, writer, fmt.Sprintf("cm-%04d", i), "while-expired"); err != nil {
			t.Fatal(err)
		}
	}
	view.wait(t, time.Minute, "changes after expiry on the open stream", func(live map[string]string) bool {
		return live["cm-0004"] != "" && len(live) == 21
	})
	if n := runs(t, counter); n != 1 {
		t.Fatalf("plugin ran %d times before any reconnect, want 1", n)
	}

	// The connection drops: reconnecting needs a fresh credential.
	cuts := proxy.CutAll()
	for i := 20; i < 40; i++ {
		cm, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": fmt.Sprintf("cm-%04d", i)}}, kr8s.WithAPI(writer))
		if err := cm.Create(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	view.wait(t, time.Minute, "creates after the reconnect", func(live map[string]string) bool { return live["cm-0039"] != "" })
	// Another drop: the fresh credential is still good, no more runs.
	cuts += proxy.CutAll()
	if err := patchConfigMap(ctx, writer, "cm-0039", "after-second-cut"); err != nil {
		t.Fatal(err)
	}
	testcluster.Eventually(t, time.Minute, "the last change", func(context.Context) (bool, error) {
		return len(view.lost(ctx, t, writer)) == 0, nil
	})
	received, duplicated, relists := view.counts()
	plugin := runs(t, counter)
	t.Logf("%d plugin runs, %d connections cut; events: 46 written, %d received, 0 lost, %d duplicated, %d relists; %s",
		plugin, cuts, received, duplicated, relists, time.Since(start).Round(time.Millisecond))
	if plugin != 2 || duplicated != 0 || relists != 0 {
		t.Fatalf("%d plugin runs, %d duplicated, %d relists: want 2 runs (one refresh), none repeated, no relist", plugin, duplicated, relists)
	}
	// kube-root-ca.crt, 20 creates, 5 patches, 20 creates, 1 patch.
	if received != 47 {
		t.Fatalf("%d events, want 47", received)
	}
}
