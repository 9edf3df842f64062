package kr8s_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// getClient returns a client in a fresh namespace that counts its
// requests, and the namespace.
func getClient(t *testing.T) (*kr8s.Client, *requestCounter, string) {
	t.Helper()
	ns := testcluster.Namespace(t)
	rc := &requestCounter{}
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns), kr8s.WithLogger(slog.New(rc)))
	if err != nil {
		t.Fatal(err)
	}
	return c, rc, ns
}

// createConfigMapsNamed creates ConfigMaps with label app=twins.
func createConfigMapsNamed(t *testing.T, c *kr8s.Client, names ...string) {
	t.Helper()
	for _, n := range names {
		cm, err := kr8s.NewConfigMap(map[string]any{
			"metadata": map[string]any{"name": n, "labels": map[string]any{"app": "twins"}},
			"data":     map[string]any{"name": n},
		}, kr8s.WithAPI(c))
		if err != nil {
			t.Fatal(err)
		}
		if err := cm.Create(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGetByKindName(t *testing.T) {
	t.Setenv(kr8s.EnvCacheDir, t.TempDir())
	ctx := context.Background()
	c, rc, ns := getClient(t)
	createConfigMapsNamed(t, c, "a", "b", "c")
	opts := &kr8s.ListOptions{API: c}
	// Warm discovery, so that only Get's own requests are counted.
	if _, err := c.LookupKind(ctx, "cm"); err != nil {
		t.Fatal(err)
	}

	n := rc.count()
	objs, err := kr8s.Get(ctx, "cm", []string{"c", "a"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/namespaces/" + ns + "/configmaps/"
	if got, want := rc.since(n), []string{base + "c", base + "a"}; !slices.Equal(got, want) {
		t.Errorf("Get by names made requests %v, want one GET each: %v", got, want)
	}
	if len(objs) != 2 || objs[0].Name() != "c" || objs[1].Name() != "a" || objs[0].Kind().Plural != "configmaps" {
		t.Fatalf("Get(c, a) = %v", objs)
	}
	if api, _ := objs[0].API(); api != c {
		t.Error("the objects are not bound to the client given")
	}

	// Without names: one LIST, with selectors.
	n = rc.count()
	objs, err = kr8s.Get(ctx, "configmaps", nil, &kr8s.ListOptions{API: c, LabelSelector: "app=twins", FieldSelector: "metadata.name!=b"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Name())
	}
	if !slices.Equal(names, []string{"a", "c"}) {
		t.Errorf("Get with selectors = %v, want [a c]", names)
	}
	if got := rc.since(n); len(got) != 1 || got[0] != "/api/v1/namespaces/"+ns+"/configmaps" {
		t.Errorf("Get with selectors made requests %v, want one LIST", got)
	}

	if _, err := kr8s.Get(ctx, "cm", []string{"a", "missing"}, opts); !errors.Is(err, kr8s.ErrNotFound) {
		t.Errorf("Get of a missing name: %v, want ErrNotFound", err)
	}
	if _, err := kr8s.Get(ctx, "cm", []string{"a"}, &kr8s.ListOptions{API: c, LabelSelector: "app=x"}); err == nil {
		t.Error("names with a selector: no error")
	}
	if _, err := kr8s.Get(ctx, "confgimap", nil, opts); !errors.Is(err, kr8s.ErrUnknownKind) || !strings.Contains(err.Error(), "configmap") {
		t.Errorf("Get of a misspelt kind: %v, want ErrUnknownKind suggesting configmap", err)
	}
	k, err := c.LookupKind(ctx, "deploy")
	if err != nil || k.Plural != "deployments" || k.Group != "apps" {
		t.Errorf("LookupKind(deploy) = %+v, %v", k, err)
	}
}

func TestWatchByKindName(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, _ := getClient(t)
	createConfigMapsNamed(t, c, "before")
	var got []string
	for ev, err := range kr8s.Watch(ctx, "configmaps", &kr8s.WatchOptions{API: c, LabelSelector: "app=twins"}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(ev.Type)+" "+ev.Object.Name())
		if ev.Object.Name() == "before" {
			createConfigMapsNamed(t, c, "after")
		}
		if ev.Object.Name() == "after" {
			break
		}
	}
	if want := []string{"ADDED before", "ADDED after"}; !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	for _, err := range kr8s.Watch(ctx, "nosuchkind", &kr8s.WatchOptions{API: c}) {
		if !errors.Is(err, kr8s.ErrUnknownKind) {
			t.Errorf("Watch of an unknown kind: %v, want ErrUnknownKind", err)
		}
	}
}
