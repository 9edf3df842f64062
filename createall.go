package kr8s

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultCreateWorkers is the number of concurrent creates of CreateAll
// when CreateAllOptions.Workers is 0.
const DefaultCreateWorkers = 8

// CreateAllOptions are the options of CreateAll. The zero value uses
// DefaultCreateWorkers and waits up to a minute for each CRD.
type CreateAllOptions struct {
	// API is the client for objects not bound to one; nil means API().
	API *Client
	// Workers bounds the concurrent creates; 0 means
	// DefaultCreateWorkers.
	Workers int
	// EstablishTimeout bounds the wait for the batch's CRDs to be
	// Established and served; 0 means one minute. ctx bounds it too.
	EstablishTimeout time.Duration
}

// createTier orders the objects of CreateAll: lower tiers are created,
// and their CRDs established, before higher ones start.
func createTier(k *Kind) int {
	switch {
	case k.Group == "" && k.Kind == "Namespace",
		k.Group == "apiextensions.k8s.io" && k.Kind == "CustomResourceDefinition":
		return 0
	case k.Group == "" && (k.Kind == "ServiceAccount" || k.Kind == "Secret" || k.Kind == "ConfigMap" ||
		k.Kind == "LimitRange" || k.Kind == "ResourceQuota" ||
		k.Kind == "PersistentVolume" || k.Kind == "PersistentVolumeClaim"),
		k.Group == "rbac.authorization.k8s.io",
		k.Group == "storage.k8s.io" && k.Kind == "StorageClass",
		k.Group == "scheduling.k8s.io" && k.Kind == "PriorityClass",
		k.Group == "networking.k8s.io" && k.Kind == "IngressClass":
		return 1
	}
	return 2
}

// CreateAll creates objects concurrently, in dependency order (kr8s's
// create(resources), which creates one at a time in the given order):
//
//  1. Namespaces and CustomResourceDefinitions; then it waits, with a
//     watch, until each CRD is Established and its kinds are served
//     (refreshing discovery);
//  2. what pods depend on: ServiceAccounts, Secrets, ConfigMaps,
//     LimitRanges, ResourceQuotas, volumes and claims, RBAC, StorageClasses,
//     PriorityClasses and IngressClasses;
//  3. everything else, including custom resources.
//
// Within a step, objects are created concurrently by opts.Workers
// workers. Every object of a step is tried; if any fails, CreateAll stops
// before the next step and returns the failures joined (errors.Is works
// on each, such as ErrAlreadyExists). Each object is updated with the
// server's answer. opts may be nil.
func CreateAll(ctx context.Context, objs []*Object, opts *CreateAllOptions) error {
	if opts == nil {
		opts = &CreateAllOptions{}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = DefaultCreateWorkers
	}
	var tiers [3][]*Object
	for _, o := range objs {
		if o == nil {
			return errors.New("create all: nil object")
		}
		if o.api == nil && opts.API != nil {
			o.api = opts.API
		}
		t := createTier(o.kind)
		tiers[t] = append(tiers[t], o)
	}
	for i, tier := range tiers {
		if err := createConcurrently(ctx, tier, workers); err != nil {
			return err
		}
		if i == 0 {
			if err := waitCRDs(ctx, tier, opts.EstablishTimeout); err != nil {
				return err
			}
		}
	}
	return nil
}

func createConcurrently(ctx context.Context, objs []*Object, workers int) error {
	errs := make([]error, len(objs))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, o := range objs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = fmt.Errorf("create %s: %w", o, ctx.Err())
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := o.ensureKind(ctx); err != nil {
				errs[i] = fmt.Errorf("create %s: %w", o, err)
				return
			}
			if err := o.Create(ctx, nil); err != nil {
				errs[i] = fmt.Errorf("create %s: %w", o, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// waitCRDs waits until the CRDs among objs are Established and every kind
// they define is in discovery, so that the next step resolves them.
func waitCRDs(ctx context.Context, objs []*Object, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	clients := map[*Client][]*Kind{}
	for _, o := range objs {
		if o.kind.Kind != "CustomResourceDefinition" {
			continue
		}
		c, err := o.API()
		if err != nil {
			return err
		}
		if err := waitEstablished(ctx, c, o.Name()); err != nil {
			return err
		}
		clients[c] = append(clients[c], crdKinds(o)...)
	}
	for c, kinds := range clients {
		if err := waitServed(ctx, c, kinds); err != nil {
			return err
		}
	}
	return nil
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
		if st, msg := crdCondition(ev.Object.Object, "NamesAccepted"); st == "False" {
			return fmt.Errorf("wait for CRD %s: names not accepted: %s", name, msg)
		}
		if st, _ := crdCondition(ev.Object.Object, "Established"); st == "True" {
			return nil
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wait for CRD %s to be established: %w", name, err)
	}
	return fmt.Errorf("wait for CRD %s: the watch ended", name)
}

// crdCondition returns the status and message of a .status.conditions entry.
func crdCondition(o *Object, typ string) (status, message string) {
	conds, _ := o.Status()["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			status, _ = m["status"].(string)
			message, _ = m["message"].(string)
			return status, message
		}
	}
	return "", ""
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
