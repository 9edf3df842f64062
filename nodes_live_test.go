package kr8s_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

func uncordonAtEnd(t *testing.T, c *kr8s.Client, name string) {
	t.Cleanup(func() {
		n, err := kr8s.Nodes.Get(context.Background(), name, &kr8s.GetOptions{API: c})
		if err == nil {
			err = n.Uncordon(context.Background())
		}
		if err != nil {
			t.Errorf("uncordon %s: %v", name, err)
		}
	})
}

func TestNodeCordonAndTaint(t *testing.T) {
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	node, err := kr8s.Nodes.Get(ctx, "kwok-node-1", &kr8s.GetOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	uncordonAtEnd(t, c, node.Name())
	if err := node.Cordon(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, _ := kr8s.Nodes.Get(ctx, node.Name(), &kr8s.GetOptions{API: c})
	if !fresh.Unschedulable() {
		t.Fatal("node not unschedulable on the server after Cordon")
	}
	if err := node.Uncordon(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, _ = kr8s.Nodes.Get(ctx, node.Name(), &kr8s.GetOptions{API: c})
	if fresh.Unschedulable() {
		t.Fatal("node still unschedulable after Uncordon")
	}

	key := "kr8s-test-" + fmt.Sprint(time.Now().UnixNano())
	if err := node.Taint(ctx, key+"=v1:NoSchedule", key+":PreferNoSchedule"); err != nil {
		t.Fatal(err)
	}
	fresh, _ = kr8s.Nodes.Get(ctx, node.Name(), &kr8s.GetOptions{API: c})
	var got []string
	for _, tt := range fresh.Taints() {
		if tt.Key == key {
			got = append(got, tt.Value+":"+tt.Effect)
		}
	}
	slices.Sort(got)
	if fmt.Sprint(got) != "[:PreferNoSchedule v1:NoSchedule]" {
		t.Fatalf("taints on the server: %v", got)
	}
	if err := node.Taint(ctx, key+":NoSchedule-"); err != nil {
		t.Fatal(err)
	}
	if err := node.Taint(ctx, key+"-"); err != nil {
		t.Fatal(err)
	}
	fresh, _ = kr8s.Nodes.Get(ctx, node.Name(), &kr8s.GetOptions{API: c})
	for _, tt := range fresh.Taints() {
		if tt.Key == key {
			t.Fatalf("taint %v still there", tt)
		}
	}
	if err := node.Taint(ctx, key+":NoSchedule-"); err == nil {
		t.Fatal("removing a missing taint must fail")
	}
	if err := node.Taint(ctx, key+"=x:Sometimes"); err == nil {
		t.Fatal("a bad effect must fail")
	}
}

func TestNodeDrain(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const victim, other = "kwok-node-0", "kwok-node-1"
	uncordonAtEnd(t, c, victim)
	labels := map[string]any{"app": "drain", "suite": ns}
	template := map[string]any{
		"metadata": map[string]any{"labels": labels},
		"spec": map[string]any{
			"containers": []any{map[string]any{"name": "main", "image": "busybox"}},
			// Prefer the victim, so that every replica starts there.
			"affinity": map[string]any{"nodeAffinity": map[string]any{"preferredDuringSchedulingIgnoredDuringExecution": []any{map[string]any{
				"weight": 100, "preference": map[string]any{"matchExpressions": []any{map[string]any{
					"key": "kubernetes.io/hostname", "operator": "In", "values": []any{victim}}}},
			}}}},
		},
	}
	dep, err := kr8s.NewDeployment(map[string]any{
		"metadata": map[string]any{"name": "drain"},
		"spec":     map[string]any{"replicas": 3, "selector": map[string]any{"matchLabels": map[string]any{"app": "drain"}}, "template": template},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := kr8s.NewDaemonSet(map[string]any{
		"metadata": map[string]any{"name": "agent"},
		"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "agent"}}, "template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"app": "agent", "suite": ns}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": "main", "image": "busybox"}}},
		}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	pdb, err := kr8s.NewPodDisruptionBudget(map[string]any{
		"metadata": map[string]any{"name": "keep3"},
		"spec":     map[string]any{"minAvailable": 3, "selector": map[string]any{"matchLabels": map[string]any{"app": "drain"}}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*kr8s.Object{dep.Object, ds.Object, pdb.Object} {
		if err := o.Create(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := dep.WaitAll(ctx, "condition=Available", "jsonpath={.status.readyReplicas}=3"); err != nil {
		t.Fatal(err)
	}
	if err := ds.Wait(ctx, "jsonpath={.status.numberReady}=2"); err != nil {
		t.Fatal(err)
	}
	if err := pdb.Wait(ctx, "jsonpath={.status.currentHealthy}=3"); err != nil {
		t.Fatal(err)
	}
	before, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: c, LabelSelector: "app=drain", FieldSelector: "spec.nodeName=" + victim})
	if err != nil || len(before) == 0 {
		t.Fatalf("%d drain pods on %s before the drain (err %v), want some", len(before), victim, err)
	}
	// Count ready replicas during the drain: the PDB must hold throughout.
	minReady := make(chan int, 1)
	watchCtx, stopWatch := context.WithCancel(ctx)
	go func() {
		ready, low, started := map[string]bool{}, 3, false
		for ev, err := range kr8s.Pods.Watch(watchCtx, &kr8s.WatchOptions{API: c, LabelSelector: "app=drain"}) {
			if err != nil {
				break
			}
			ready[ev.Object.Name()] = ev.Type != kr8s.Deleted && podReady(ev.Object) && ev.Object.Metadata()["deletionTimestamp"] == nil
			n := 0
			for _, r := range ready {
				if r {
					n++
				}
			}
			// Count from the moment all three were seen ready: the
			// watch's first events are the initial list, one by one.
			if n == 3 {
				started = true
			}
			if started {
				low = min(low, n)
			}
		}
		minReady <- low
	}()
	node, err := kr8s.Nodes.Get(ctx, victim, &kr8s.GetOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	// The budget allows no disruption (3 of 3 must stay available), so
	// the first eviction is refused for sure. Once it is, a fourth
	// replica makes room, and the drain must carry on by itself.
	var mu sync.Mutex
	actions := map[string]int{}
	var scaleOnce sync.Once
	scaled := make(chan error, 1)
	err = node.Drain(ctx, &kr8s.DrainOptions{PodSelector: "suite=" + ns, OnProgress: func(e kr8s.DrainEvent) {
		mu.Lock()
		actions[e.Action]++
		mu.Unlock()
		if e.Action == "blocked" {
			scaleOnce.Do(func() { go func() { scaled <- dep.Scale(ctx, 4, nil) }() })
		}
	}})
	if err == nil {
		err = <-scaled
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("drain steps: %v", actions)
	if actions["blocked"] == 0 {
		t.Fatalf("no eviction was refused by the PDB (steps %v)", actions)
	}
	node, _ = kr8s.Nodes.Get(ctx, victim, &kr8s.GetOptions{API: c})
	if !node.Unschedulable() {
		t.Fatal("node not cordoned after drain")
	}
	if actions["skip-daemonset"] != 1 {
		t.Fatalf("want the DaemonSet pod left alone once, steps %v", actions)
	}
	pods, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: c, LabelSelector: "suite=" + ns})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods {
		nodeName, _ := p.Spec()["nodeName"].(string)
		if p.Labels()["app"] == "drain" && nodeName == victim && p.Metadata()["deletionTimestamp"] == nil {
			t.Fatalf("deployment pod %s still on the drained node", p.Name())
		}
		if p.Labels()["app"] == "agent" && nodeName == victim && p.Metadata()["deletionTimestamp"] != nil {
			t.Fatalf("DaemonSet pod %s was evicted", p.Name())
		}
	}
	// The evicted pods were rescheduled to the other node and are ready.
	if err := dep.Wait(ctx, "jsonpath={.status.readyReplicas}=4"); err != nil {
		t.Fatal(err)
	}
	stopWatch()
	// The budget held throughout: never fewer than 3 ready replicas.
	if low := <-minReady; low < 3 {
		t.Fatalf("only %d ready replicas during the drain; the PDB asks for 3", low)
	}
	pods, _ = kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: c, LabelSelector: "app=drain"})
	onOther := 0
	for _, p := range pods {
		if p.Spec()["nodeName"] == other && podReady(p) {
			onOther++
		}
	}
	if onOther != 4 {
		t.Fatalf("%d ready drain pods on %s, want 4", onOther, other)
	}
}

// podReady tests a pod as last read, as a watch delivered it.
func podReady(p *kr8s.Pod) bool {
	c, _ := p.Condition("Ready")
	return c.Status == "True"
}
