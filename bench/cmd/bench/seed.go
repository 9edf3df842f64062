package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"
	"sync"
	"time"

	"github.com/kr8s-go/kr8s"
)

// podName is the name of the i-th seeded pod.
func podName(i int) string { return fmt.Sprintf("bench-%05d", i) }

// podSpec is a realistic pod: labels, annotations, two containers with
// env, ports and resources. It is bound to a fake node directly,
// since kwok nodes hold 110 pods each for the scheduler.
func podSpec(i int, ns, node string) map[string]any {
	env := func(prefix string) []any {
		var out []any
		for j := range 3 {
			out = append(out, map[string]any{"name": fmt.Sprintf("%s_VAR_%d", prefix, j), "value": fmt.Sprintf("value-%d-%d-some-configuration-string", i, j)})
		}
		out = append(out, map[string]any{"name": "POD_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.name"}}})
		return out
	}
	container := func(name, image string, port int) map[string]any {
		return map[string]any{
			"name":  name,
			"image": image,
			"ports": []any{map[string]any{"name": "http", "containerPort": port, "protocol": "TCP"}},
			"env":   env(name),
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "100m", "memory": "128Mi"},
				"limits":   map[string]any{"cpu": "500m", "memory": "256Mi"},
			},
		}
	}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata": map[string]any{
			"name":      podName(i),
			"namespace": ns,
			"labels": map[string]any{
				"app":                          "bench",
				"app.kubernetes.io/name":       "bench-web",
				"app.kubernetes.io/instance":   "bench-" + strconv.Itoa(i%50),
				"app.kubernetes.io/managed-by": "kr8s-bench",
				"shard":                        strconv.Itoa(i % 16),
			},
			"annotations": map[string]any{
				"bench.kr8s.dev/seeded": "true",
			},
		},
		"spec": map[string]any{
			"nodeName": node,
			"containers": []any{
				container("web", "registry.example.com/bench/web:1.2.3", 8080),
				container("sidecar", "registry.example.com/bench/sidecar:4.5.6", 9090),
			},
			"tolerations": []any{
				map[string]any{"key": "kwok.x-k8s.io/node", "operator": "Exists", "effect": "NoSchedule"},
			},
		},
	}
}

// seed creates n pods in ns with 16 concurrent writers (those already
// present are kept) and waits until all are Running.
func seed(ctx context.Context, api *kr8s.Client, ns string, n int) error {
	if err := ensureNamespace(ctx, api, ns); err != nil {
		return err
	}
	nodes, err := kr8s.Nodes.ListAll(ctx, &kr8s.ListOptions{API: api})
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		return errors.New("no nodes")
	}
	existing := map[string]bool{}
	for pod, err := range kr8s.Pods.List(ctx, &kr8s.ListOptions{API: api, Namespace: ns}) {
		if err != nil {
			return err
		}
		existing[pod.Name()] = true
	}
	start := time.Now()
	work := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				pod, err := kr8s.NewPod(podSpec(i, ns, nodes[i%len(nodes)].Name()), kr8s.WithAPI(api))
				if err == nil {
					err = pod.Create(ctx, nil)
				}
				if err != nil && !errors.Is(err, kr8s.ErrAlreadyExists) {
					select {
					case errs <- fmt.Errorf("create %s: %w", podName(i), err):
					default:
					}
				}
			}
		})
	}
	created := 0
	for i := range n {
		if !existing[podName(i)] {
			select {
			case work <- i:
				created++
			case err := <-errs:
				close(work)
				wg.Wait()
				return err
			}
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	log.Printf("seed: created %d pods in %s (%d already there)", created, time.Since(start).Round(time.Millisecond), len(existing))
	for {
		total, running := 0, 0
		for pod, err := range kr8s.Pods.List(ctx, &kr8s.ListOptions{API: api, Namespace: ns}) {
			if err != nil {
				return err
			}
			total++
			if phase, _ := pod.Status()["phase"].(string); phase == "Running" {
				running++
			}
		}
		if total < n {
			return fmt.Errorf("only %d pods in %s, want %d", total, ns, n)
		}
		if running >= n {
			log.Printf("seed: %d pods Running after %s", running, time.Since(start).Round(time.Second))
			return nil
		}
		log.Printf("seed: %d/%d Running", running, total)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(3 * time.Second):
		}
	}
}
