package kr8s

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
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

// PodSelector returns the label selector, as a string for
// ListOptions.LabelSelector, of the pods the object selects: a Service's
// or ReplicationController's .spec.selector map, or a workload's
// .spec.selector matchLabels and matchExpressions, such as
// "app=web,tier in (a,b),!canary". An object with no selector, or an empty
// one (which would match every pod in the namespace), is an error, as is
// an unknown operator.
func (o *Object) PodSelector() (string, error) {
	sel, _ := o.Spec()["selector"].(map[string]any)
	if k := o.kind; k != nil && k.Group == "" && (k.Kind == "Service" || k.Kind == "ReplicationController") {
		sel = map[string]any{"matchLabels": sel}
	}
	s, err := labelSelectorString(sel)
	if err == nil && s == "" {
		err = fmt.Errorf("%s has no .spec.selector", o)
	}
	return s, err
}

// labelSelectorString turns a Kubernetes LabelSelector (matchLabels and
// matchExpressions, as found in .spec.selector) into a selector string
// for ListOptions.LabelSelector, such as "app=web,tier in (a,b),!canary".
// An unknown operator is an error.
func labelSelectorString(sel map[string]any) (string, error) {
	var parts []string
	ml := stringMap(sel["matchLabels"])
	for _, k := range slices.Sorted(maps.Keys(ml)) {
		parts = append(parts, k+"="+ml[k])
	}
	exprs, _ := sel["matchExpressions"].([]any)
	for _, e := range exprs {
		m, _ := e.(map[string]any)
		key, _ := m["key"].(string)
		op, _ := m["operator"].(string)
		var values []string
		vs, _ := m["values"].([]any)
		for _, v := range vs {
			if s, ok := v.(string); ok {
				values = append(values, s)
			}
		}
		switch op {
		case "In":
			parts = append(parts, key+" in ("+strings.Join(values, ",")+")")
		case "NotIn":
			parts = append(parts, key+" notin ("+strings.Join(values, ",")+")")
		case "Exists":
			parts = append(parts, key)
		case "DoesNotExist":
			parts = append(parts, "!"+key)
		default:
			return "", fmt.Errorf("label selector: unknown operator %q for key %q: want In, NotIn, Exists or DoesNotExist", op, key)
		}
	}
	return strings.Join(parts, ","), nil
}
