package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// PatchType selects how the server reads a patch. It is the request's
// Content-Type (k8s.io/apimachinery/pkg/types/patch.go).
type PatchType string

// The patch types. Server-side apply has its own verb, Apply.
const (
	// MergePatch is a JSON merge patch (RFC 7386): objects merge, null
	// removes a field, lists are replaced whole.
	MergePatch PatchType = "application/merge-patch+json"
	// JSONPatch is a JSON patch (RFC 6902): a list of operations.
	JSONPatch PatchType = "application/json-patch+json"
	// StrategicMergePatch merges lists by key (containers by name, for
	// example), as kubectl patch does by default. Built-in kinds only:
	// custom resources answer 415 Unsupported Media Type.
	StrategicMergePatch PatchType = "application/strategic-merge-patch+json"
)

// PatchOptions are the options of Patch. The zero value sends a merge
// patch to the object itself.
type PatchOptions struct {
	// Type defaults to MergePatch, as in kr8s (kubectl defaults to
	// strategic).
	Type PatchType
	// Subresource patches a subresource such as "status" or "scale".
	Subresource string
	// DryRun asks the server to check the patch without saving it; the
	// object still takes the server's answer.
	DryRun bool
	// FieldManager names the writer in .metadata.managedFields. Empty
	// lets the server pick one from the user agent.
	FieldManager string
}

// Patch changes the object on the server and takes the server's answer.
// The patch is []byte or string (sent as is), or any other value, which
// is encoded as JSON: a map or struct for merge and strategic merge, a
// slice of operations for JSONPatch.
//
//	err := deploy.Patch(ctx, map[string]any{"spec": map[string]any{"replicas": 3}}, nil)
//
// A patch to the "scale" subresource answers with a Scale object, so the
// object is read again afterwards.
func (o *Object) Patch(ctx context.Context, patch any, opts *PatchOptions) error {
	if opts == nil {
		opts = &PatchOptions{}
	}
	t := opts.Type
	switch t {
	case "":
		t = MergePatch
	case MergePatch, JSONPatch, StrategicMergePatch:
	default:
		return fmt.Errorf("patch %s: unknown patch type %q: want kr8s.MergePatch, kr8s.JSONPatch or kr8s.StrategicMergePatch (use Apply for server-side apply)", o, t)
	}
	body, err := patchBody(patch)
	if err != nil {
		return fmt.Errorf("patch %s: %w", o, err)
	}
	return o.patch(ctx, string(t), body, opts.Subresource, writeQuery(opts.DryRun, opts.FieldManager))
}

// patch sends a PATCH of any content type, including apply, and updates
// the object from the answer.
func (o *Object) patch(ctx context.Context, contentType string, body []byte, sub string, q url.Values) error {
	c, r, err := o.target(ctx, "patch")
	if err != nil {
		return err
	}
	if sub = strings.Trim(sub, "/"); sub != "" {
		r.URL += "/" + sub
	}
	r.Body, r.ContentType, r.Query = bodyReader(body), contentType, q
	var out map[string]any
	if err := c.doJSON(ctx, http.MethodPatch, r, &out); err != nil {
		return err
	}
	// Subresources such as scale answer with another kind.
	if k, _ := out["kind"].(string); k != "" && k != o.kind.Kind {
		return o.Refresh(ctx)
	}
	o.setRaw(out)
	return nil
}

func patchBody(patch any) ([]byte, error) {
	switch p := patch.(type) {
	case nil:
		return nil, fmt.Errorf("empty patch")
	case []byte:
		return p, nil
	case json.RawMessage:
		return p, nil
	case string:
		return []byte(p), nil
	}
	return json.Marshal(patch)
}
