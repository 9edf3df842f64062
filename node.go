package kr8s

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Node is a Node object (core v1).
type Node struct{ *Object }

// Nodes is the Node kind.
var Nodes = &KindOf[*Node]{
	Kind: Kind{Version: "v1", Kind: "Node", Plural: "nodes"},
	wrap: func(o *Object) *Node { return &Node{o} },
}

// NewNode builds a Node from a map, a struct or JSON; see NewPod.
func NewNode(src any, opts ...ObjectOption) (*Node, error) { return Nodes.New(src, opts...) }

// Taint is a taint on a node: pods that do not tolerate it are kept off
// the node (NoSchedule, PreferNoSchedule) or evicted (NoExecute).
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
	// TimeAdded is set by the server for NoExecute taints, in RFC 3339.
	TimeAdded string `json:"timeAdded,omitempty"`
}

// Taints returns the node's .spec.taints, as last read.
func (n *Node) Taints() []Taint {
	list, _ := n.Spec()["taints"].([]any)
	out := make([]Taint, 0, len(list))
	for _, v := range list {
		m, _ := v.(map[string]any)
		var t Taint
		t.Key, _ = m["key"].(string)
		t.Value, _ = m["value"].(string)
		t.Effect, _ = m["effect"].(string)
		t.TimeAdded, _ = m["timeAdded"].(string)
		out = append(out, t)
	}
	return out
}

// Unschedulable reports .spec.unschedulable: whether the node is cordoned.
func (n *Node) Unschedulable() bool {
	b, _ := n.Spec()["unschedulable"].(bool)
	return b
}

// Cordon marks the node unschedulable.
func (n *Node) Cordon(ctx context.Context) error {
	return n.Patch(ctx, map[string]any{"spec": map[string]any{"unschedulable": true}}, nil)
}

// Uncordon marks the node schedulable again.
func (n *Node) Uncordon(ctx context.Context) error {
	return n.Patch(ctx, map[string]any{"spec": map[string]any{"unschedulable": nil}}, nil)
}

// Taint adds or removes taints with kubectl's syntax: "key=value:Effect"
// or "key:Effect" adds (replacing a taint with the same key and effect),
// "key:Effect-" removes that taint and "key-" removes every taint with the
// key. The update carries the node's resourceVersion, so a concurrent
// change is never lost: on a conflict Taint re-reads the node and tries
// again, a few times.
func (n *Node) Taint(ctx context.Context, taints ...string) error {
	var err error
	for range 5 {
		if err = n.taintOnce(ctx, taints); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return err
}

func (n *Node) taintOnce(ctx context.Context, taints []string) error {
	if err := n.Refresh(ctx); err != nil {
		return err
	}
	cur := n.Taints()
	for _, spec := range taints {
		remove := strings.HasSuffix(spec, "-")
		t, err := parseTaint(strings.TrimSuffix(spec, "-"), remove)
		if err != nil {
			return err
		}
		before := len(cur)
		cur = slices.DeleteFunc(cur, func(x Taint) bool {
			return x.Key == t.Key && (t.Effect == "" || x.Effect == t.Effect)
		})
		if remove {
			if len(cur) == before {
				return fmt.Errorf("taint %q not found on node %s", spec, n.Name())
			}
			continue
		}
		cur = append(cur, t)
	}
	list := make([]any, len(cur))
	for i, t := range cur {
		m := map[string]any{"key": t.Key, "effect": t.Effect}
		if t.Value != "" {
			m["value"] = t.Value
		}
		if t.TimeAdded != "" {
			m["timeAdded"] = t.TimeAdded
		}
		list[i] = m
	}
	return n.Patch(ctx, map[string]any{
		"metadata": map[string]any{"resourceVersion": n.resourceVersion()},
		"spec":     map[string]any{"taints": list},
	}, nil)
}

var taintEffects = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}

func parseTaint(s string, removal bool) (Taint, error) {
	var t Taint
	kv, effect, hasEffect := strings.Cut(s, ":")
	t.Key, t.Value, _ = strings.Cut(kv, "=")
	if t.Key == "" {
		return t, fmt.Errorf("invalid taint %q: want key[=value]:Effect", s)
	}
	if hasEffect {
		if !slices.Contains(taintEffects, effect) {
			return t, fmt.Errorf("invalid taint effect %q: want one of %v", effect, taintEffects)
		}
		t.Effect = effect
	} else if !removal {
		return t, fmt.Errorf("invalid taint %q: an effect is required, such as %q", s, s+":NoSchedule")
	}
	return t, nil
}
