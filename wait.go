package kr8s

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kr8s-go/kr8s/jsonpath"
)

// condition is one parsed wait condition; obj is nil once the object is
// gone.
type condition struct {
	text  string
	check func(obj *Object) (bool, error)
}

// parseCondition accepts kr8s's (and kubectl's --for) forms:
//
//	condition=Ready               status.conditions[type=Ready].status is True
//	condition=Ready=false         ... is False (any value, case-insensitive)
//	delete                        the object is gone
//	jsonpath='{.status.phase}'=Running
//	jsonpath={.status.readyReplicas}   the path exists and is not empty
func parseCondition(s string) (condition, error) {
	c := condition{text: s}
	switch {
	case strings.EqualFold(s, "delete"):
		c.check = func(obj *Object) (bool, error) { return obj == nil, nil }
		return c, nil
	case strings.HasPrefix(strings.ToLower(s), "condition="):
		rest := s[len("condition="):]
		typ, want, ok := strings.Cut(rest, "=")
		if !ok {
			want = "True"
		}
		if typ == "" {
			return c, fmt.Errorf("invalid wait condition %q: want condition=TYPE[=VALUE]", s)
		}
		c.check = func(obj *Object) (bool, error) {
			if obj == nil {
				return false, nil
			}
			c, ok := obj.Condition(typ)
			return ok && strings.EqualFold(c.Status, want), nil
		}
		return c, nil
	case strings.HasPrefix(strings.ToLower(s), "jsonpath="):
		tmpl, want, hasValue, err := splitJSONPath(s[len("jsonpath="):])
		if err != nil {
			return c, fmt.Errorf("invalid wait condition %q: %w", s, err)
		}
		t, err := jsonpath.Parse(tmpl)
		if err != nil {
			return c, fmt.Errorf("invalid wait condition %q: %w", s, err)
		}
		c.check = func(obj *Object) (bool, error) {
			if obj == nil {
				return false, nil
			}
			results, err := t.FindResults(obj.m())
			if errors.Is(err, jsonpath.ErrBudget) {
				return false, fmt.Errorf("wait condition %q: %w", s, err)
			}
			if err != nil {
				return false, nil // missing yet
			}
			var vals []string
			for _, set := range results {
				for _, v := range set {
					vals = append(vals, jsonpath.FormatValue(v))
				}
			}
			got := strings.Join(vals, " ")
			if !hasValue {
				return len(vals) > 0 && got != "", nil
			}
			return got == want, nil
		}
		return c, nil
	}
	return c, fmt.Errorf("invalid wait condition %q: want condition=TYPE[=VALUE], delete, or jsonpath='{...}'[=VALUE]", s)
}

// splitJSONPath splits "'{.a}'=v", "{.a}=v" or "{.a}" into template and
// value.
func splitJSONPath(s string) (tmpl, value string, hasValue bool, err error) {
	if s != "" && (s[0] == '\'' || s[0] == '"') {
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return "", "", false, errors.New("unterminated quote")
		}
		tmpl, s = s[1:end+1], s[end+2:]
	} else if !strings.HasPrefix(s, "{") {
		// kubectl's relaxed form: .status.phase=Running
		tmpl, value, hasValue = strings.Cut(s, "=")
		if tmpl == "" {
			return "", "", false, errors.New("empty JSONPath")
		}
		return "{" + tmpl + "}", strings.Trim(value, `'"`), hasValue, nil
	} else {
		depth, i := 0, 0
		for ; i < len(s); i++ {
			if s[i] == '{' {
				depth++
			} else if s[i] == '}' {
				depth--
				if depth == 0 {
					i++
					break
				}
			}
		}
		tmpl, s = s[:i], s[i:]
	}
	if tmpl == "" {
		return "", "", false, errors.New("empty JSONPath")
	}
	if !strings.HasPrefix(tmpl, "{") {
		tmpl = "{" + tmpl + "}"
	}
	if s == "" {
		return tmpl, "", false, nil
	}
	if s[0] != '=' {
		return "", "", false, fmt.Errorf("unexpected %q after the JSONPath", s)
	}
	value = strings.Trim(s[1:], `'"`)
	return tmpl, value, true, nil
}

// Wait blocks until any of the conditions holds (kr8s's mode="any"), the
// context ends, or the object is deleted while a condition other than
// delete is awaited. It is driven by watch events, not polling, and is
// bounded only by ctx, never by the client's timeout. Conditions:
// "condition=Ready", "condition=Ready=false", "delete",
// "jsonpath='{.status.phase}'=Running". On success the object holds the
// state that satisfied the condition.
func (o *Object) Wait(ctx context.Context, conditions ...string) error {
	return o.wait(ctx, false, conditions, o.uid())
}

// WaitAll is Wait with kr8s's mode="all": every condition must hold at
// once.
func (o *Object) WaitAll(ctx context.Context, conditions ...string) error {
	return o.wait(ctx, true, conditions, o.uid())
}

// wait waits for the conditions. While waiting for deletion, an object of
// the same name but another uid than uid (when known) is a replacement:
// the awaited object is gone.
func (o *Object) wait(ctx context.Context, all bool, conditions []string, uid string) error {
	if len(conditions) == 0 {
		return errors.New("wait: no condition given")
	}
	conds := make([]condition, len(conditions))
	waitsForDelete := false
	for i, s := range conditions {
		c, err := parseCondition(s)
		if err != nil {
			return err
		}
		conds[i] = c
		waitsForDelete = waitsForDelete || strings.EqualFold(s, "delete")
	}
	if err := o.ensureKind(ctx); err != nil {
		return err
	}
	c, err := o.API()
	if err != nil {
		return err
	}
	met := func(obj *Object) (bool, error) {
		for _, c := range conds {
			ok, err := c.check(obj)
			if err != nil {
				return false, err
			}
			if ok && !all {
				return true, nil
			}
			if !ok && all {
				return false, nil
			}
		}
		return all, nil
	}
	what := fmt.Sprintf("wait for %s %s", o, strings.Join(conditions, ", "))
	done := false
	var werr error
	wo := &WatchOptions{Name: o.Name(), API: c, Namespace: o.Namespace()}
	// The watch starts from a list; an object already gone shows as an
	// empty list, not as an event.
	listed := func(n int) bool {
		if n == 0 && waitsForDelete {
			done = true
			return false
		}
		return true
	}
	err = o.kind.watch(ctx, wo, listed,
		func(t EventType, obj *Object) bool {
			switch t {
			case Relisted:
				return true
			case Deleted:
				obj = nil
			}
			if waitsForDelete && obj != nil && uid != "" && obj.uid() != uid {
				obj = nil
			}
			ok, err := met(obj)
			switch {
			case err != nil:
				werr = err
				return false
			case ok:
				if obj != nil {
					o.raw, o.src = obj.raw, obj.src
				}
				done = true
				return false
			case obj == nil && !waitsForDelete:
				werr = fmt.Errorf("%s: the object was deleted", what)
				return false
			}
			return true
		})
	if done {
		return nil
	}
	if werr != nil {
		return werr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = errors.New("watch ended")
	}
	return fmt.Errorf("%s: %w", what, err)
}

// uid returns .metadata.uid.
func (o *Object) uid() string {
	s, _ := o.Field("metadata", "uid").(string)
	return s
}
