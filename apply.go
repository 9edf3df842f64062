package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
)

// DefaultFieldManager is the field manager Apply uses when none is given.
const DefaultFieldManager = "kr8s-go"

// ApplyOptions are the options of Apply. The zero value applies as
// DefaultFieldManager without forcing.
type ApplyOptions struct {
	// FieldManager owns the applied fields; it defaults to
	// DefaultFieldManager. Apply again with the same manager to update or
	// remove fields it owns.
	FieldManager string
	// Force takes ownership of fields other managers own instead of
	// failing with ErrConflict (kubectl apply --force-conflicts).
	Force bool
	// DryRun asks the server to check the apply without saving it; the
	// object still takes the server's answer.
	DryRun bool
	// Subresource applies to a subresource such as "status".
	Subresource string
	// KeepResourceVersion sends .metadata.resourceVersion, so the apply
	// fails with ErrConflict if the object changed since it was read.
	// By default it is left out, as fields read from the server are.
	KeepResourceVersion bool
}

// serverSet are the metadata fields the server sets. They are left out of
// an apply: the server refuses managedFields in an apply patch, a stale
// uid or resourceVersion would make it fail, and owning the others means
// nothing.
var serverSet = []string{"managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"}

// Apply sends the object as the field manager's full intent with
// server-side apply (kubectl apply --server-side) and takes the server's
// answer. It creates the object if it does not exist. Fields the manager
// applied before and leaves out now are removed. If another manager owns
// a field with a different value, Apply fails with ErrConflict and the
// error lists the fields; Force takes them over. kr8s has no apply.
//
// The server-set metadata fields (managedFields, resourceVersion, uid,
// creationTimestamp, generation) are not sent, so an object read from the
// server can be changed and applied as is.
func (o *Object) Apply(ctx context.Context, opts *ApplyOptions) error {
	if opts == nil {
		opts = &ApplyOptions{}
	}
	fm := opts.FieldManager
	if fm == "" {
		fm = DefaultFieldManager
	}
	intent := maps.Clone(o.m())
	if md, ok := intent["metadata"].(map[string]any); ok {
		md = maps.Clone(md)
		for _, f := range serverSet {
			if f == "resourceVersion" && opts.KeepResourceVersion {
				continue
			}
			delete(md, f)
		}
		intent["metadata"] = md
	}
	// JSON is YAML, so the body needs no YAML encoder.
	body, err := json.Marshal(intent)
	if err != nil {
		return fmt.Errorf("apply %s: %w", o, err)
	}
	q := writeQuery(opts.DryRun, fm)
	if opts.Force {
		q.Set("force", "true")
	}
	return o.patch(ctx, "application/apply-patch+yaml", body, opts.Subresource, q)
}
