package kr8s

import (
	"context"
	"fmt"
)

// Label sets labels and removes the labels named in remove, with one
// merge patch, and takes the server's answer. Existing labels are
// overwritten, as in kr8s (kubectl needs --overwrite). Removing a label
// that is not there is not an error; with nothing to set or remove,
// Label sends nothing.
//
//	err := pod.Label(ctx, map[string]string{"tier": "web"}, "canary")
func (o *Object) Label(ctx context.Context, labels map[string]string, remove ...string) error {
	return o.patchMetadataMap(ctx, "labels", labels, remove)
}

// Annotate sets and removes annotations like Label does labels. Unlike
// kr8s's annotate, it can remove.
func (o *Object) Annotate(ctx context.Context, annotations map[string]string, remove ...string) error {
	return o.patchMetadataMap(ctx, "annotations", annotations, remove)
}

func (o *Object) patchMetadataMap(ctx context.Context, field string, set map[string]string, remove []string) error {
	m := make(map[string]any, len(set)+len(remove))
	for _, k := range remove {
		if _, ok := set[k]; ok {
			return fmt.Errorf("%s %s: %q is both set and removed", field, o, k)
		}
		m[k] = nil // null removes the key in a merge patch
	}
	for k, v := range set {
		m[k] = v
	}
	if len(m) == 0 {
		return nil
	}
	return o.Patch(ctx, map[string]any{"metadata": map[string]any{field: m}}, &PatchOptions{Type: MergePatch})
}
