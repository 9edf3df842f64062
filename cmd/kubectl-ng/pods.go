package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kr8s-go/kr8s"
)

// podFor finds the pod that a logs, exec or port-forward argument means:
// "NAME" or "pod/NAME" is that pod; "TYPE/NAME" of a workload or service is
// one of its pods, a ready one if there is any.
func (a *app) podFor(ctx context.Context, arg string) (*kr8s.Pod, error) {
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	get := &kr8s.GetOptions{API: c, Namespace: c.Namespace()}
	if !strings.Contains(arg, "/") {
		return kr8s.Pods.Get(ctx, arg, get)
	}
	k, name, err := a.typeName(ctx, arg)
	if err != nil {
		return nil, err
	}
	if k.Group == "" && k.Kind.Kind == "Pod" {
		return kr8s.Pods.Get(ctx, name, get)
	}
	o, err := k.Get(ctx, name, get)
	if err != nil {
		return nil, err
	}
	selector, err := o.PodSelector()
	if err != nil {
		return nil, fmt.Errorf("cannot find the pods of %s: %w", objRef(o), err)
	}
	pods, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: c, Namespace: o.Namespace(), LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	if len(pods) == 0 {
		return nil, fmt.Errorf("no pods found for %s", objRef(o))
	}
	slices.SortStableFunc(pods, func(x, y *kr8s.Pod) int {
		if podReady(x) != podReady(y) {
			if podReady(x) {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Name(), y.Name())
	})
	if len(pods) > 1 {
		fmt.Fprintf(a.stderr, "Found %d pods, using pod/%s\n", len(pods), pods[0].Name())
	}
	return pods[0], nil
}

// podReady tests a pod as listed: its Ready condition is True.
func podReady(p *kr8s.Pod) bool {
	c, _ := p.Condition("Ready")
	return c.Status == "True"
}
