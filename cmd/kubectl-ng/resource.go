package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kr8s-go/kr8s"
)

// target is one kind named on the command line, with the object names
// given for it; no names means every object (subject to selectors).
type target struct {
	kind  *kr8s.KindOf[*kr8s.Object]
	names []string
}

// targets reads kubectl's resource arguments: "TYPE[,TYPE...] [NAME...]" or
// "TYPE/NAME [TYPE/NAME...]".
func (a *app) targets(ctx context.Context, args []string) ([]target, error) {
	if len(args) == 0 {
		return nil, errors.New("you must specify the type of resource")
	}
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	slashed := 0
	for _, arg := range args {
		if strings.Contains(arg, "/") {
			slashed++
		}
	}
	var out []target
	if slashed > 0 {
		if slashed != len(args) {
			return nil, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl-ng get resource/<resource_name>' instead of 'kubectl-ng get resource resource/<resource_name>'")
		}
		for _, arg := range args {
			k, name, err := a.typeName(ctx, arg)
			if err != nil {
				return nil, err
			}
			if n := len(out); n > 0 && out[n-1].kind.Kind == k.Kind {
				out[n-1].names = append(out[n-1].names, name)
				continue
			}
			out = append(out, target{kind: k, names: []string{name}})
		}
		return out, nil
	}
	for _, typ := range strings.Split(args[0], ",") {
		if typ == "" {
			continue
		}
		k, err := lookupKind(ctx, c, typ)
		if err != nil {
			return nil, err
		}
		out = append(out, target{kind: k, names: args[1:]})
	}
	if len(out) == 0 {
		return nil, errors.New("you must specify the type of resource")
	}
	return out, nil
}

// typeName resolves a "TYPE/NAME" argument to its kind and name.
func (a *app) typeName(ctx context.Context, arg string) (*kr8s.KindOf[*kr8s.Object], string, error) {
	c, err := a.client()
	if err != nil {
		return nil, "", err
	}
	typ, name, err := kr8s.ParseTypeName(arg)
	if err != nil {
		return nil, "", err
	}
	k, err := lookupKind(ctx, c, typ)
	return k, name, err
}

// lookupKind resolves a kind name, with kubectl's wording for unknown ones.
func lookupKind(ctx context.Context, c *kr8s.Client, name string) (*kr8s.KindOf[*kr8s.Object], error) {
	k, err := c.LookupKind(ctx, name)
	var uk *kr8s.UnknownKindError
	if errors.As(err, &uk) {
		msg := fmt.Sprintf("the server doesn't have a resource type %q", name)
		for i, s := range uk.Suggestions {
			if i == 0 {
				msg += "; did you mean "
			} else {
				msg += " or "
			}
			msg += strconv.Quote(s)
		}
		if len(uk.Suggestions) > 0 {
			msg += "?"
		}
		if len(uk.Unavailable) > 0 {
			msg += " (discovery failed for " + strings.Join(uk.Unavailable, ", ") + ")"
		}
		return nil, errors.New(msg)
	}
	return k, err
}

// kindRef is how kubectl names a kind in output: "pod", "deployment.apps".
func kindRef(k *kr8s.Kind) string {
	s := strings.ToLower(k.Kind)
	if k.Group != "" {
		s += "." + k.Group
	}
	return s
}

// objRef is "kind.group/name", as kubectl -o name prints.
func objRef(o *kr8s.Object) string { return kindRef(o.Kind()) + "/" + o.Name() }

// scope returns the namespace to address k in: ns for namespaced kinds,
// "" for cluster-scoped ones.
func scope(k *kr8s.Kind, ns string) string {
	if !k.Namespaced {
		return ""
	}
	return ns
}

// objects reads the objects that args and sel name; see selected.
func (a *app) objects(ctx context.Context, args []string, sel *selectionFlags, listOK bool) ([]*kr8s.Object, error) {
	ts, err := a.targets(ctx, args)
	if err != nil {
		return nil, err
	}
	return a.selected(ctx, ts, sel, listOK)
}

// selected reads the objects of ts: the named ones, or those sel picks
// (see check).
func (a *app) selected(ctx context.Context, ts []target, sel *selectionFlags, listOK bool) ([]*kr8s.Object, error) {
	if err := sel.check(ts, listOK); err != nil {
		return nil, err
	}
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	return read(ctx, ts, sel.namespace(c), sel)
}

// check refuses names with a selector or --all and, unless listOK, a kind
// with neither names nor a selector nor --all, as kubectl's mutating verbs
// do.
func (s *selectionFlags) check(ts []target, listOK bool) error {
	// The targets of one command line all have names, or none has.
	named := len(ts[0].names) > 0
	switch {
	case named && (s.labelSelector != "" || s.fieldSelector != "" || s.all):
		return errors.New("name cannot be provided when a selector or --all is specified")
	case !named && !listOK && s.labelSelector == "" && s.fieldSelector == "" && !s.all:
		return errors.New("resource(s) were provided, but no name was specified")
	}
	return nil
}

// read reads the objects of ts in namespace ns: the named ones, or for a
// kind without names those that sel's selectors pick.
func read(ctx context.Context, ts []target, ns string, sel *selectionFlags) ([]*kr8s.Object, error) {
	var out []*kr8s.Object
	for _, t := range ts {
		ns := scope(&t.kind.Kind, ns)
		if len(t.names) == 0 {
			objs, err := t.kind.ListAll(ctx, &kr8s.ListOptions{
				Namespace: ns, LabelSelector: sel.labelSelector, FieldSelector: sel.fieldSelector,
			})
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
			continue
		}
		for _, name := range t.names {
			o, err := t.kind.Get(ctx, name, &kr8s.GetOptions{Namespace: ns})
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	return out, nil
}
