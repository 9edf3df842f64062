package kr8s_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// createConfigMaps creates n ConfigMaps cm-0000... concurrently.
func createConfigMaps(t *testing.T, c *kr8s.Client, n int, labels map[string]any) {
	t.Helper()
	parallel(t, n, func(i int) error {
		cm, err := kr8s.NewConfigMap(map[string]any{
			"metadata": map[string]any{"name": fmt.Sprintf("cm-%04d", i), "labels": labels},
			"data":     map[string]any{"i": fmt.Sprint(i)},
		}, kr8s.WithAPI(c))
		if err != nil {
			return err
		}
		return cm.Create(context.Background(), nil)
	})
}

func TestListPagination(t *testing.T) {
	ns := testcluster.Namespace(t)
	counter := &requestCounter{}
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns), kr8s.WithLogger(slog.New(counter)))
	if err != nil {
		t.Fatal(err)
	}
	createConfigMaps(t, c, 2000, map[string]any{"batch": "one"})
	ctx := context.Background()

	start := counter.count()
	seen := map[string]int{}
	for cm, err := range kr8s.ConfigMaps.List(ctx, &kr8s.ListOptions{API: c, Limit: 100, Labels: map[string]string{"batch": "one"}}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[cm.Name()]++
		if cm.Data()["i"] == "" || cm.Namespace() != ns {
			t.Fatalf("bad item %v", cm)
		}
	}
	if len(seen) != 2000 {
		t.Fatalf("%d distinct ConfigMaps, want 2000", len(seen))
	}
	for name, n := range seen {
		if n != 1 {
			t.Fatalf("%s seen %d times", name, n)
		}
	}
	// 20 pages; the server may hand out a continue token on the last full
	// page, which costs one empty page more.
	if got := counter.count() - start; got < 20 || got > 21 {
		t.Fatalf("%d requests for 2000 items in pages of 100, want 20 or 21", got)
	}

	// Breaking out of the loop stops paging. The page after the one
	// broken out of may have been requested ahead (and is then cancelled).
	start = counter.count()
	n := 0
	for _, err := range kr8s.ConfigMaps.List(ctx, &kr8s.ListOptions{API: c, Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 150 {
			break
		}
	}
	if got := counter.count() - start; got < 2 || got > 3 {
		t.Fatalf("%d requests after breaking at item 150 of pages of 100, want 2, or 3 with the page fetched ahead", got)
	}

	all, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: c, Limit: -1, FieldSelector: "metadata.name=cm-0042"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Name() != "cm-0042" {
		t.Fatalf("field selector gave %v", all)
	}
}

func TestListAllNamespacesAndBadSelector(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	createConfigMaps(t, c, 3, map[string]any{"mark": ns})
	all, err := kr8s.ConfigMaps.ListAll(context.Background(), &kr8s.ListOptions{API: c, Namespace: kr8s.AllNamespaces, LabelSelector: "mark=" + ns})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d across all namespaces, want 3", len(all))
	}
	_, err = kr8s.ConfigMaps.ListAll(context.Background(), &kr8s.ListOptions{API: c, LabelSelector: "a in (b"})
	if err == nil || !strings.Contains(err.Error(), "unable to parse") {
		t.Fatalf("malformed selector: err = %v, want the server's parse error", err)
	}
	if _, err := kr8s.ConfigMaps.ListAll(context.Background(), &kr8s.ListOptions{API: c, Labels: map[string]string{"a,b": "c"}}); err == nil || !strings.Contains(err.Error(), "invalid label selector") {
		t.Fatalf("bad map selector: err = %v", err)
	}
}
