package kr8s

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
)

// CreateOptions are the options of Create. The zero value is a plain
// create.
type CreateOptions struct {
	// DryRun asks the server to check the object without saving it; the
	// object still takes the server's answer.
	DryRun bool
	// FieldManager names the writer in .metadata.managedFields. Empty
	// lets the server pick one from the user agent.
	FieldManager string
}

// Create creates the object on the server and refreshes it from the
// answer. The namespace is the object's own, else the client's. opts may
// be nil.
//
// Like kr8s, it leaves out .metadata.resourceVersion, which the server
// refuses on a create, so an object read from the server (or one deleted
// and created again) can be created as it is; a name already taken is
// ErrAlreadyExists.
func (o *Object) Create(ctx context.Context, opts *CreateOptions) error {
	if opts == nil {
		opts = &CreateOptions{}
	}
	if err := o.ensureKind(ctx); err != nil {
		return err
	}
	c, err := o.API()
	if err != nil {
		return err
	}
	body, err := json.Marshal(withoutResourceVersion(o.m()))
	if err != nil {
		return fmt.Errorf("create %s: %w", o, err)
	}
	r := o.kind.request(c, o.Namespace(), "")
	r.Body = bodyReader(body)
	r.Query = writeQuery(opts.DryRun, opts.FieldManager)
	var out map[string]any
	if err := c.doJSON(ctx, http.MethodPost, r, &out); err != nil {
		return err
	}
	o.setRaw(out)
	return nil
}

// withoutResourceVersion returns m without .metadata.resourceVersion,
// copying only the maps it changes.
func withoutResourceVersion(m map[string]any) map[string]any {
	md, ok := m["metadata"].(map[string]any)
	if !ok {
		return m
	}
	if _, ok := md["resourceVersion"]; !ok {
		return m
	}
	md = maps.Clone(md)
	delete(md, "resourceVersion")
	m = maps.Clone(m)
	m["metadata"] = md
	return m
}

// Exists reports whether the object is on the server, with one GET. It
// leaves the object as it is. A missing object is (false, nil); any other
// failure is an error.
func (o *Object) Exists(ctx context.Context) (bool, error) {
	c, r, err := o.target(ctx, "exists")
	if err != nil {
		return false, err
	}
	var out map[string]any
	err = c.doJSON(ctx, http.MethodGet, r, &out)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// Refresh reads the object again with one GET and replaces its contents
// with the server's, dropping local changes. A missing object is
// ErrNotFound.
func (o *Object) Refresh(ctx context.Context) error {
	c, r, err := o.target(ctx, "refresh")
	if err != nil {
		return err
	}
	var out map[string]any
	if err := c.doJSON(ctx, http.MethodGet, r, &out); err != nil {
		return err
	}
	o.setRaw(out)
	return nil
}

// DeleteOptions are the options of Delete. The zero value deletes with
// the server's defaults: the kind's propagation policy and the object's
// grace period.
type DeleteOptions struct {
	// PropagationPolicy is "Foreground", "Background" or "Orphan": what
	// happens to the objects the deleted one owns. Empty means the kind's
	// default (Background for most kinds).
	PropagationPolicy string
	// GracePeriodSeconds overrides the object's grace period; 0 deletes
	// at once. Nil means the object's own.
	GracePeriodSeconds *int64
	// DryRun asks the server to check the delete without doing it.
	DryRun bool
	// Wait makes Delete return only when the object is gone from the
	// server (finalizers and graceful termination done), watching it
	// rather than polling. ctx bounds the wait. Ignored with DryRun.
	Wait bool
}

// deleteBody is the wire form of meta/v1 DeleteOptions
// (k8s.io/apimachinery/pkg/apis/meta/v1/types.go).
type deleteBody struct {
	Kind               string   `json:"kind"`
	APIVersion         string   `json:"apiVersion"`
	GracePeriodSeconds *int64   `json:"gracePeriodSeconds,omitempty"`
	PropagationPolicy  string   `json:"propagationPolicy,omitempty"`
	DryRun             []string `json:"dryRun,omitempty"`
}

// Delete deletes the object. A missing object is ErrNotFound. With
// opts.Wait it returns when the object is gone, not when the server has
// accepted the delete. Unlike kr8s there is no force flag: a zero
// GracePeriodSeconds is what kubectl --force sends.
func (o *Object) Delete(ctx context.Context, opts *DeleteOptions) error {
	if opts == nil {
		opts = &DeleteOptions{}
	}
	c, r, err := o.target(ctx, "delete")
	if err != nil {
		return err
	}
	switch opts.PropagationPolicy {
	case "", "Foreground", "Background", "Orphan":
	default:
		return fmt.Errorf("delete %s: unknown propagation policy %q: want \"Foreground\", \"Background\" or \"Orphan\"", o, opts.PropagationPolicy)
	}
	b := deleteBody{Kind: "DeleteOptions", APIVersion: "v1", GracePeriodSeconds: opts.GracePeriodSeconds, PropagationPolicy: opts.PropagationPolicy}
	if opts.DryRun {
		b.DryRun = []string{"All"}
	}
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("delete %s: %w", o, err)
	}
	r.Body = bodyReader(body)
	// The answer is the object (still terminating, or as it was when
	// removed) or a Status, depending on the kind; either way a 2xx means
	// the delete was accepted.
	var out map[string]any
	if err := c.doJSON(ctx, http.MethodDelete, r, &out); err != nil {
		return err
	}
	if !opts.Wait || opts.DryRun {
		return nil
	}
	uid := o.uid()
	if out["kind"] != "Status" {
		if m, ok := out["metadata"].(map[string]any); ok {
			if u, ok := m["uid"].(string); ok {
				uid = u
			}
		}
	}
	if err := o.wait(ctx, false, []string{"delete"}, uid); err != nil {
		return fmt.Errorf("delete %s: wait: %w", o, err)
	}
	return nil
}

// target returns the client and the Request addressing the object itself,
// resolving the kind of an object loaded from a manifest first.
func (o *Object) target(ctx context.Context, verb string) (*Client, Request, error) {
	if err := o.ensureKind(ctx); err != nil {
		return nil, Request{}, err
	}
	if o.Name() == "" {
		return nil, Request{}, fmt.Errorf("%s %s: the object has no name (.metadata.name)", verb, o.kind.Kind)
	}
	c, err := o.API()
	if err != nil {
		return nil, Request{}, err
	}
	return c, o.kind.request(c, o.Namespace(), o.Name()), nil
}

// setRaw replaces the object's contents with a server answer, keeping
// kind and apiVersion, which some answers leave out.
func (o *Object) setRaw(out map[string]any) {
	if out == nil {
		return
	}
	if _, ok := out["kind"]; !ok {
		out["kind"] = o.kind.Kind
	}
	if _, ok := out["apiVersion"]; !ok {
		out["apiVersion"] = o.kind.GroupVersion()
	}
	o.raw, o.src = out, nil
}

// writeQuery holds the query parameters every write verb shares
// (k8s.io/apimachinery/pkg/apis/meta/v1 CreateOptions, UpdateOptions,
// PatchOptions).
func writeQuery(dryRun bool, fieldManager string) url.Values {
	q := url.Values{}
	if dryRun {
		q.Set("dryRun", "All")
	}
	if fieldManager != "" {
		q.Set("fieldManager", fieldManager)
	}
	return q
}
