package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Create creates the object on the server and refreshes it from the
// answer. The namespace is the object's own, else the client's.
func (o *Object) Create(ctx context.Context) error {
	c, err := o.API()
	if err != nil {
		return err
	}
	body, err := json.Marshal(o.raw)
	if err != nil {
		return fmt.Errorf("create %s: %w", o, err)
	}
	r := o.kind.request(c, o.Namespace(), "")
	r.Body = bodyReader(body)
	var out map[string]any
	if err := c.doJSON(ctx, http.MethodPost, r, &out); err != nil {
		return err
	}
	o.raw = out
	return nil
}

// Delete deletes the object. A missing object is ErrNotFound.
func (o *Object) Delete(ctx context.Context) error {
	c, err := o.API()
	if err != nil {
		return err
	}
	if o.Name() == "" {
		return fmt.Errorf("delete %s: the object has no name", o.kind.Kind)
	}
	resp, err := c.Call(ctx, http.MethodDelete, o.kind.request(c, o.Namespace(), o.Name()))
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
