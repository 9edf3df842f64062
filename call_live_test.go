package kr8s_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

func TestCallListsPodsInAllNamespaces(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pod, err := kr8s.NewPod(map[string]any{
		"metadata": map[string]any{"name": "listed", "namespace": ns},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "main", "image": "busybox"}}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := pod.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Call(ctx, "GET", kr8s.Request{URL: "pods", Namespace: ""})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			Metadata struct{ Name, Namespace string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range list.Items {
		found = found || (p.Metadata.Name == "listed" && p.Metadata.Namespace == ns)
	}
	if !found {
		t.Fatalf("pod %s/listed not in the all-namespaces list of %d pods", ns, len(list.Items))
	}
}

func TestCallRawVersionPath(t *testing.T) {
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Call(context.Background(), "GET", kr8s.Request{Base: "/version", Version: ""})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v["major"] != "1" || !strings.HasPrefix(v["gitVersion"].(string), "v1.") {
		t.Fatalf("/version = %v", v)
	}
	typed, err := c.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if typed.GitVersion != v["gitVersion"] || typed.Platform == "" {
		t.Fatalf("Version() = %+v, raw %v", typed, v)
	}
}

func TestAPIVersions(t *testing.T) {
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.APIVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 10 || vs[0] != "v1" || !contains(vs, "apps/v1") || !contains(vs, "authentication.k8s.io/v1") {
		t.Fatalf("APIVersions = %v", vs)
	}
}

func TestPodGetUsesDefaultClient(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pod, err := kr8s.NewPod(map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "main", "image": "busybox"}}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := pod.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if pod.Namespace() != ns {
		t.Fatalf("created in %q, want the client's namespace %q", pod.Namespace(), ns)
	}
	got, err := kr8s.Pods.Get(ctx, "web", &kr8s.GetOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name() != "web" || got.Namespace() != ns || got.Spec() == nil {
		t.Fatalf("got %v", got)
	}
	if api, _ := got.API(); api != c {
		t.Fatal("the pod must belong to the client it was read with")
	}
	if err := got.Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := kr8s.Pods.Get(ctx, "missing", &kr8s.GetOptions{API: c}); !strings.Contains(err.Error(), "not found") {
		t.Fatalf("err = %v", err)
	}
}
