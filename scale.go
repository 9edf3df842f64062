package kr8s

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// ScaleOptions are the options of Scale. The zero value returns as soon
// as the server has accepted the new replica count.
type ScaleOptions struct {
	// Wait makes Scale return only when the controller has seen the
	// change and .status.replicas equals the new count. It watches the
	// object rather than polling; ctx bounds the wait (kr8s waits with no
	// bound). For a kind scaled through Kind.ScalePath, such as a Job,
	// there is no such count: Scale returns once the spec holds it, as
	// kr8s's scale does.
	Wait bool
}

// Scale sets the replica count through the scale subresource, as kubectl
// scale does, then reads the object again. It works for Deployments,
// ReplicaSets, StatefulSets, ReplicationControllers and custom resources
// with a scale subresource. A kind with a Kind.ScalePath (Jobs, whose
// .spec.parallelism it sets, and custom kinds declared so) is scaled with
// a merge patch of that field, as kr8s scales kinds with a scalable_spec.
// Any other kind is an error matching ErrNotScalable.
func (o *Object) Scale(ctx context.Context, replicas int, opts *ScaleOptions) error {
	if opts == nil {
		opts = &ScaleOptions{}
	}
	if replicas < 0 {
		return fmt.Errorf("scale %s: replicas must be 0 or more, got %d", o, replicas)
	}
	if err := o.ensureKind(ctx); err != nil {
		return err
	}
	if p := o.kind.ScalePath; p != "" {
		return o.Patch(ctx, map[string]any{"spec": nested(strings.Split(p, "."), replicas)}, nil)
	}
	patch := map[string]any{"spec": map[string]any{"replicas": replicas}}
	if err := o.Patch(ctx, patch, &PatchOptions{Subresource: "scale"}); err != nil {
		if errors.Is(err, ErrNotFound) {
			if ok, xerr := o.Exists(ctx); xerr == nil && ok {
				return fmt.Errorf("scale %s: %w: %s has no scale subresource (Kind.ScalePath names a spec field to scale instead)",
					o, ErrNotScalable, o.kind.Kind)
			}
		}
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

// Replicas returns .spec.replicas (the kind's ScalePath for a Job or a
// kind declared so), and false if the object has none.
func (o *Object) Replicas() (int, bool) {
	if o.kind != nil && o.kind.ScalePath != "" {
		return toInt(o.Field(append([]string{"spec"}, strings.Split(o.kind.ScalePath, ".")...)...))
	}
	return toInt(o.Spec()["replicas"])
}

// nested builds {"a": {"b": v}} from the path a.b.
func nested(path []string, v any) map[string]any {
	m := map[string]any{path[len(path)-1]: v}
	for i := len(path) - 2; i >= 0; i-- {
		m = map[string]any{path[i]: m}
	}
	return m
}

// intOf is toInt's number, 0 when v is not one.
func intOf(v any) int { n, _ := toInt(v); return n }

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
