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

// CreateAll creates objects concurrently, in dependency order. kr8s's
// create(resources) starts every create at once, in no order, so a custom
// resource can reach the server before its CRD; CreateAll goes in steps:
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
