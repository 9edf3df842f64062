package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
)

// ScaleOptions are the options of Scale. The zero value returns as soon
// as the server has accepted the new replica count.
type ScaleOptions struct {
	// Wait makes Scale return only when the controller has seen the
	// change and .status.replicas equals the new count. It watches the
	// object rather than polling; ctx bounds the wait (kr8s waits with no
	// bound).
	Wait bool
}

// Scale sets the replica count through the scale subresource, as kubectl
// scale does, then reads the object again. It works for Deployments,
// ReplicaSets, StatefulSets, ReplicationControllers and custom resources
// with a scale subresource; other kinds give ErrNotFound.
func (o *Object) Scale(ctx context.Context, replicas int, opts *ScaleOptions) error {
	if opts == nil {
		opts = &ScaleOptions{}
	}
	if replicas < 0 {
		return fmt.Errorf("scale %s: replicas must be 0 or more, got %d", o, replicas)
	}
	patch := map[string]any{"spec": map[string]any{"replicas": replicas}}
	if err := o.Patch(ctx, patch, &PatchOptions{Subresource: "scale"}); err != nil {
		return err
	}
	if !opts.Wait {
		return nil
	}
	if err := o.waitScaled(ctx, replicas); err != nil {
		return fmt.Errorf("scale %s: wait for %d replicas: %w", o, replicas, err)
	}
	return nil
}

// waitScaled watches the object until its controller has observed the
// current generation and reports the wanted number of replicas. The
// object takes the last state seen.
func (o *Object) waitScaled(ctx context.Context, replicas int) error {
	c, err := o.API()
	if err != nil {
		return err
	}
	done, gone := false, false
	err = o.kind.watch(ctx, &WatchOptions{
		API: c, Namespace: nsOr(o.Namespace(), c),
		Name: o.Name(),
	}, nil, func(t EventType, obj *Object) bool {
		switch t {
		case Added, Modified:
			o.setRaw(obj.m())
			done = scaled(obj, replicas)
		case Deleted:
			gone = true
		}
		return !done && !gone
	})
	switch {
	case done:
		return nil
	case gone:
		return fmt.Errorf("the object was deleted")
	case err != nil:
		return err
	}
	return ctx.Err()
}

// scaled reports whether the controller has caught up with the spec
// (.status.observedGeneration, where the kind has it) and runs the
// wanted number of replicas.
func scaled(obj *Object, replicas int) bool {
	st := obj.Status()
	if og, ok := toInt(st["observedGeneration"]); ok {
		if gen, _ := toInt(obj.Metadata()["generation"]); og < gen {
			return false
		}
	}
	got, _ := toInt(st["replicas"]) // absent means 0
	return got == replicas
}

// Replicas returns .spec.replicas, and false if the object has none.
func (o *Object) Replicas() (int, bool) {
	return toInt(o.Spec()["replicas"])
}

// toInt reads a JSON number, which decoding makes a float64, or an
// integer put in by hand.
func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n != math.Trunc(n) {
			return 0, false
		}
		return int(n), true
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
