package kr8s

import (
	"context"
	"errors"
	"fmt"
)

// OwnerOptions are the options of SetOwner. The zero value writes what
// kr8s's set_owner writes: a reference with controller: true and
// blockOwnerDeletion: true.
type OwnerOptions struct {
	// NotController leaves out controller: true, for an owner that is not
	// the object's managing controller (an object has at most one).
	NotController bool
	// NoBlockOwnerDeletion leaves out blockOwnerDeletion: true, which
	// keeps the owner from being deleted in the foreground until this
	// object is gone.
	NoBlockOwnerDeletion bool
}

// SetOwner makes owner an owner of the object, so that deleting the owner
// deletes the object too (garbage collection). The owner must exist on
// the server (its uid is needed) and, if namespaced, be in the object's
// namespace. Other owner references are kept and one to the same owner is
// updated; kr8s replaces the whole list instead. By default the owner
// becomes the object's controller, as with kr8s, so an object that already
// has another controller is an error that names it; set
// OwnerOptions.NotController to add a second, plain owner.
//
// SetOwner reads the object first if it has no resourceVersion and sends
// the new list with the resourceVersion, reading again and retrying if
// someone else changed the object meanwhile. The object takes the
// server's answer.
func (o *Object) SetOwner(ctx context.Context, owner *Object, opts *OwnerOptions) error {
	if opts == nil {
		opts = &OwnerOptions{}
	}
	if owner == nil {
		return fmt.Errorf("set owner of %s: nil owner", o)
	}
	uid, _ := owner.Metadata()["uid"].(string)
	if uid == "" || owner.Name() == "" {
		return fmt.Errorf("set owner of %s: owner %s has no uid: create it or read it from the server first", o, owner)
	}
	c, _, err := o.target(ctx, "set owner")
	if err != nil {
		return err
	}
	if owner.kind.Namespaced {
		oc, err := owner.API()
		if err != nil {
			return err
		}
		ons, cns := nsOr(owner.Namespace(), oc), nsOr(o.Namespace(), c)
		switch {
		case !o.kind.Namespaced:
			return fmt.Errorf("set owner of %s: a cluster-scoped object cannot have a namespaced owner (%s)", o, owner)
		case ons != cns:
			return fmt.Errorf("set owner of %s: owner %s is in namespace %q, not %q: owners must share the namespace", o, owner, ons, cns)
		}
	}
	apiVersion, _ := owner.m()["apiVersion"].(string)
	if apiVersion == "" {
		apiVersion = owner.kind.GroupVersion()
	}
	ref := map[string]any{"apiVersion": apiVersion, "kind": owner.kind.Kind, "name": owner.Name(), "uid": uid}
	if !opts.NotController {
		ref["controller"] = true
	}
	if !opts.NoBlockOwnerDeletion {
		ref["blockOwnerDeletion"] = true
	}
	if o.resourceVersion() == "" {
		if err := o.Refresh(ctx); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		refs, err := withOwner(o.Metadata()["ownerReferences"], ref)
		if err != nil {
			return fmt.Errorf("set owner of %s: %w", o, err)
		}
		// The list goes whole in a merge patch; the resourceVersion makes
		// sure it replaces the list we read and not a newer one.
		patch := map[string]any{"metadata": map[string]any{"ownerReferences": refs, "resourceVersion": o.resourceVersion()}}
		err = o.Patch(ctx, patch, nil)
		if err == nil || !errors.Is(err, ErrConflict) || attempt == 4 {
			return err
		}
		if err := o.Refresh(ctx); err != nil {
			return err
		}
	}
}

// Adopt makes o the controlling owner of child (kr8s's adopt):
// child.SetOwner(ctx, o, nil).
func (o *Object) Adopt(ctx context.Context, child *Object) error {
	if child == nil {
		return fmt.Errorf("adopt: nil child")
	}
	return child.SetOwner(ctx, o, nil)
}

// withOwner returns the owner references with ref added, or in place of
// the reference with the same uid.
func withOwner(cur any, ref map[string]any) ([]any, error) {
	list, _ := cur.([]any)
	out := make([]any, 0, len(list)+1)
	replaced := false
	for _, r := range list {
		m, _ := r.(map[string]any)
		if m == nil {
			continue
		}
		if m["uid"] == ref["uid"] {
			out = append(out, ref)
			replaced = true
			continue
		}
		if m["controller"] == true && ref["controller"] == true {
			return nil, fmt.Errorf("already controlled by %v %v: an object has at most one controller (OwnerOptions.NotController adds a plain owner)", m["kind"], m["name"])
		}
		out = append(out, m)
	}
	if !replaced {
		out = append(out, ref)
	}
	return out, nil
}

func nsOr(ns string, c *Client) string {
	if ns != "" {
		return ns
	}
	return c.Namespace()
}
