package kr8s_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

var (
	testDeployments = kr8s.NewKind(kr8s.Kind{Group: "apps", Version: "v1", Kind: "Deployment", Plural: "deployments", Namespaced: true})
	testJobs        = kr8s.NewKind(kr8s.Kind{Group: "batch", Version: "v1", Kind: "Job", Plural: "jobs", Namespaced: true})
)

func podTemplate(command ...any) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app": "w"}},
		"spec": map[string]any{"containers": []any{map[string]any{
			"name": "main", "image": "busybox", "command": command,
		}}},
	}
}

func TestWaitConditions(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	c.SetTimeout(500 * time.Millisecond) // must not cut the waits short
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	dep, err := testDeployments.New(map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{
			"replicas": 2,
			"selector": map[string]any{"matchLabels": map[string]any{"app": "w"}},
			"template": podTemplate("sleep", "3600"),
		},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := dep.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	t.Run("deployment", func(t *testing.T) {
		if err := dep.Wait(ctx, "condition=Available"); err != nil {
			t.Fatal(err)
		}
		if err := dep.WaitAll(ctx, "condition=Available", "jsonpath='{.status.readyReplicas}'=2"); err != nil {
			t.Fatal(err)
		}
		if dep.Status()["readyReplicas"] != float64(2) {
			t.Fatalf("object not updated by the wait: %v", dep.Status())
		}
	})

	pod, err := kr8s.NewPod(map[string]any{"metadata": map[string]any{"name": "p"}, "spec": podTemplate("sleep", "3600")["spec"]}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := pod.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	t.Run("pod", func(t *testing.T) {
		if err := pod.Wait(ctx, "condition=Ready"); err != nil {
			t.Fatal(err)
		}
		if err := pod.Wait(ctx, "jsonpath='{.status.phase}'=Running"); err != nil {
			t.Fatal(err)
		}
		if err := pod.Wait(ctx, "condition=Ready=false", "jsonpath={.status.podIP}"); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		err := pod.Wait(short, "condition=Ready=false")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a timeout", err)
		}
	})

	job, err := testJobs.New(map[string]any{
		"metadata": map[string]any{"name": "once"},
		"spec":     map[string]any{"template": map[string]any{"spec": map[string]any{"restartPolicy": "Never", "containers": []any{map[string]any{"name": "main", "image": "busybox"}}}}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	t.Run("job", func(t *testing.T) {
		if err := job.Wait(ctx, "condition=Complete", "condition=Failed"); err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx, "jsonpath={.status.succeeded}=1"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		go func() {
			resp, err := c.Call(context.Background(), http.MethodDelete, kr8s.Request{Namespace: ns, URL: "pods/p"})
			if err == nil {
				resp.Body.Close()
			}
		}()
		if err := pod.Wait(ctx, "delete"); err != nil {
			t.Fatal(err)
		}
		if _, err := kr8s.Pods.Get(ctx, "p", &kr8s.GetOptions{API: c}); !errors.Is(err, kr8s.ErrNotFound) {
			t.Fatalf("after the wait: %v", err)
		}
		// Waiting for an object that is already gone returns at once.
		if err := pod.Wait(ctx, "delete"); err != nil {
			t.Fatal(err)
		}
		// The same for a Deployment and a Job, deleted in the foreground
		// so that they disappear only after their dependents.
		for _, o := range []*kr8s.Object{dep, job} {
			go func() {
				_ = o.Delete(context.Background(), &kr8s.DeleteOptions{PropagationPolicy: "Foreground"})
			}()
			if err := o.Wait(ctx, "delete"); err != nil {
				t.Fatal(err)
			}
			if ok, err := o.Exists(ctx); ok || err != nil {
				t.Fatalf("%s still exists after the wait (%v)", o, err)
			}
		}
	})
}
