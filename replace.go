package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// ReplaceOptions are the options of Replace. The zero value is a plain
// update.
type ReplaceOptions struct {
	// DryRun asks the server to check the update without saving it; the
	// object still takes the server's answer.
	DryRun bool
	// FieldManager names the writer in .metadata.managedFields. Empty
	// lets the server pick one from the user agent.
	FieldManager string
}

// Replace writes the whole object back to the server with a PUT (kubectl
// replace) and takes the server's answer. The object's
// .metadata.resourceVersion makes it conditional: if the object changed
// on the server since it was read, Replace fails with ErrConflict and the
// caller should Refresh, reapply its change and try again. Without a
// resourceVersion the write is unconditional. kr8s has no replace.
func (o *Object) Replace(ctx context.Context, opts *ReplaceOptions) error {
	if opts == nil {
		opts = &ReplaceOptions{}
	}
	c, r, err := o.target(ctx, "replace")
	if err != nil {
		return err
	}
	body, err := json.Marshal(o.m())
	if err != nil {
		return fmt.Errorf("replace %s: %w", o, err)
	}
	r.Body = bodyReader(body)
	r.Query = writeQuery(opts.DryRun, opts.FieldManager)
	var out map[string]any
	if err := c.doJSON(ctx, http.MethodPut, r, &out); err != nil {
		return err
	}
	o.setRaw(out)
	return nil
}
