package kr8s

import (
	"context"
	"fmt"
	"time"
)

// CustomResourceDefinition is a CustomResourceDefinition object (apiextensions.k8s.io/v1).
type CustomResourceDefinition struct{ *Object }

// CustomResourceDefinitions is the CustomResourceDefinition kind.
var CustomResourceDefinitions = &KindOf[*CustomResourceDefinition]{
	Kind: Kind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition", Plural: "customresourcedefinitions"},
	wrap: func(o *Object) *CustomResourceDefinition { return &CustomResourceDefinition{o} },
}

// NewCustomResourceDefinition builds a CustomResourceDefinition from a map, a struct or JSON; see NewPod.
func NewCustomResourceDefinition(src any, opts ...ObjectOption) (*CustomResourceDefinition, error) {
	return CustomResourceDefinitions.New(src, opts...)
}

// waitEstablished watches the named CRD until its Established condition
// is True. NamesAccepted=False (a name clash) ends the wait at once.
func waitEstablished(ctx context.Context, c *Client, name string) error {
	wo := &WatchOptions{API: c, Name: name}
	for ev, err := range CustomResourceDefinitions.Watch(ctx, wo) {
		if err != nil {
			return fmt.Errorf("wait for CRD %s: %w", name, err)
		}
		if ev.Type == Deleted {
			return fmt.Errorf("wait for CRD %s: it was deleted", name)
		}
		if ev.Object == nil {
			continue
		}
		if c, _ := ev.Object.Condition("NamesAccepted"); c.Status == "False" {
			return fmt.Errorf("wait for CRD %s: names not accepted: %s", name, c.Message)
		}
		if c, _ := ev.Object.Condition("Established"); c.Status == "True" {
			return nil
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wait for CRD %s to be established: %w", name, err)
	}
	return fmt.Errorf("wait for CRD %s: the watch ended", name)
}

// crdKinds lists the kinds a CRD serves, one per served version.
func crdKinds(crd *Object) []*Kind {
	spec := crd.Spec()
	group, _ := spec["group"].(string)
	names, _ := spec["names"].(map[string]any)
	kind, _ := names["kind"].(string)
	versions, _ := spec["versions"].([]any)
	var out []*Kind
	for _, v := range versions {
		m, _ := v.(map[string]any)
		name, _ := m["name"].(string)
		if served, _ := m["served"].(bool); served && name != "" {
			out = append(out, &Kind{Group: group, Version: name, Kind: kind})
		}
	}
	return out
}

// waitServed refreshes discovery until it lists every kind. An
// Established CRD can lag in discovery by a moment, so this polls, with
// a growing pause, until ctx's deadline.
func waitServed(ctx context.Context, c *Client, kinds []*Kind) error {
	pause := 50 * time.Millisecond
	for {
		if err := c.RefreshDiscovery(ctx); err != nil {
			return fmt.Errorf("wait for CRD kinds: %w", err)
		}
		all, err := c.APIResources(ctx)
		if err != nil {
			return fmt.Errorf("wait for CRD kinds: %w", err)
		}
		missing := ""
		for _, k := range kinds {
			found := false
			for i := range all {
				if all[i].Group == k.Group && all[i].Version == k.Version && all[i].Kind == k.Kind {
					found = true
					break
				}
			}
			if !found {
				missing = k.GroupVersion() + " " + k.Kind
				break
			}
		}
		if missing == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s to be served: %w", missing, ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}
