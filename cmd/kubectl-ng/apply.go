package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// load reads the objects named by -f, in order, bound to the client and
// given the namespace to use.
func (a *app) load(ctx context.Context, f fileFlags) ([]*kr8s.Object, error) {
	if len(f.filenames) == 0 {
		return nil, errors.New("must specify one of -f and -k")
	}
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	var objs []*kr8s.Object
	for _, name := range f.filenames {
		var got []*kr8s.Object
		if name == "-" {
			data, err := io.ReadAll(a.stdin)
			if err != nil {
				return nil, fmt.Errorf("reading stdin: %w", err)
			}
			got, err = kr8s.LoadObjects(data, kr8s.WithAPI(c))
			if err != nil {
				return nil, err
			}
		} else {
			got, err = kr8s.LoadFiles([]string{name}, f.recursive, kr8s.WithAPI(c))
			if err != nil {
				return nil, err
			}
		}
		objs = append(objs, got...)
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("no objects passed to %s", f.verb)
	}
	for _, o := range objs {
		if err := a.checkNamespace(o); err != nil {
			return nil, err
		}
	}
	return objs, nil
}

// checkNamespace refuses an object whose namespace differs from an explicit
// -n, with kubectl's message.
func (a *app) checkNamespace(o *kr8s.Object) error {
	if a.namespace == "" || o.Namespace() == "" || o.Namespace() == a.namespace {
		return nil
	}
	return fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation", o.Namespace(), a.namespace, o.Namespace())
}

// resolve finds the served kind of a loaded object, and the namespace it
// lives in.
func (a *app) resolve(ctx context.Context, o *kr8s.Object) (*kr8s.KindOf[*kr8s.Object], string, error) {
	c, err := a.client()
	if err != nil {
		return nil, "", err
	}
	k := o.Kind()
	name := k.Kind
	if k.Group != "" {
		name += "." + k.Group
	}
	rk, err := lookupKind(ctx, c, name+"/"+k.Version)
	if err != nil {
		return nil, "", err
	}
	ns := o.Namespace()
	if ns == "" {
		ns = c.Namespace()
	}
	return rk, scope(&rk.Kind, ns), nil
}

// applyOptions are the flags of apply; run applies the objects of the
// files.
type applyOptions struct {
	*app
	files        fileFlags
	force        bool
	dryRun       string
	fieldManager string
	output       string
}

func (a *app) applyCmd() *cobra.Command {
	o := &applyOptions{app: a}
	cmd := &cobra.Command{
		Use:   "apply -f FILENAME",
		Short: "Apply a configuration to resources with server-side apply",
		Long: `Apply a configuration to resources with server-side apply. Objects that do not
exist are created. Each object is reported as created, configured or unchanged.

Unlike kubectl, apply is always server-side (kubectl apply --server-side).`,
		Example: `  kubectl-ng apply -f deploy.yaml
  kubectl-ng apply -R -f manifests/
  cat pod.json | kubectl-ng apply -f -
  kubectl-ng apply -f deploy.yaml --dry-run=server --force-conflicts`,
		Args: cobra.NoArgs,
		RunE: runWith(o.run),
	}
	o.files.addTo(cmd, "apply")
	dryRunFlag(cmd, &o.dryRun, "change")
	outputFlag(cmd, &o.output, "", "yaml, json, name or jsonpath=TEMPLATE, to print the applied objects")
	fl := cmd.Flags()
	fl.BoolVar(&o.force, "force-conflicts", false, "take over fields that other field managers own")
	fl.StringVar(&o.fieldManager, "field-manager", "kubectl-ng", "the field manager that owns the applied fields")
	fl.Bool("server-side", true, "accepted for kubectl compatibility; apply is always server-side")
	return cmd
}

// run is apply: each object of the files is applied and reported.
func (o *applyOptions) run(ctx context.Context, _ []string) error {
	dry, err := parseDryRun(o.dryRun)
	if err != nil {
		return err
	}
	f, err := parseOutput(o.output)
	if err != nil {
		return err
	}
	objs, err := o.load(ctx, o.files)
	if err != nil {
		return err
	}
	var errs []error
	var applied []*kr8s.Object
	for _, obj := range objs {
		result, err := o.applyOne(ctx, obj, &kr8s.ApplyOptions{FieldManager: o.fieldManager, Force: o.force, DryRun: dry})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		applied = append(applied, obj)
		if f.name == "" {
			fmt.Fprintf(o.stdout, "%s %s%s\n", objRef(obj), result, dryRunSuffix(dry))
		}
	}
	if f.name != "" && len(applied) > 0 {
		if err := printObjects(o.stdout, f, applied, len(applied) == 1); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// applyOne applies o and says what happened: created, configured or
// unchanged (the server kept the resourceVersion).
func (a *app) applyOne(ctx context.Context, o *kr8s.Object, opts *kr8s.ApplyOptions) (string, error) {
	k, ns, err := a.resolve(ctx, o)
	if err != nil {
		return "", err
	}
	before := ""
	old, err := k.Get(ctx, o.Name(), &kr8s.GetOptions{Namespace: ns})
	switch {
	case err == nil:
		before = metaString(old, "resourceVersion")
	case !errors.Is(err, kr8s.ErrNotFound):
		return "", err
	}
	if md := o.Metadata(); ns != "" && o.Namespace() == "" && md != nil {
		md["namespace"] = ns
	}
	if err := o.Apply(ctx, opts); err != nil {
		if errors.Is(err, kr8s.ErrConflict) {
			return "", &hinted{err, "Please review the fields above--they currently have other managers. Here\nare the ways you can resolve this warning:\n* If you intend to manage all of these fields, rerun with --force-conflicts.\n* If you do not intend to manage all of the fields, edit the manifest to remove them."}
		}
		return "", err
	}
	switch after := metaString(o, "resourceVersion"); {
	case before == "":
		return "created", nil
	case opts.DryRun && sameContent(old, o), !opts.DryRun && before == after:
		// A dry run never bumps the resourceVersion, so compare content.
		return "unchanged", nil
	}
	return "configured", nil
}

// parseDryRun reads --dry-run: none or server. kubectl's "client" needs
// local defaulting that kr8s does not have.
func parseDryRun(s string) (bool, error) {
	switch s {
	case "", "none", "false":
		return false, nil
	case "server":
		return true, nil
	}
	return false, fmt.Errorf(`invalid dry-run value (%s). Must be "none" or "server"`, s)
}

func dryRunSuffix(dry bool) string {
	if dry {
		return " (server dry run)"
	}
	return ""
}

// createOptions are the flags of create; run creates the objects of the
// files.
type createOptions struct {
	*app
	files fileFlags
}

func (a *app) createCmd() *cobra.Command {
	o := &createOptions{app: a}
	cmd := &cobra.Command{
		Use:   "create -f FILENAME",
		Short: "Create resources from files or stdin",
		Long: `Create resources from files or stdin. Objects are created in dependency order
(namespaces and CRDs first, then what pods need, then the rest), several at a time.`,
		Example: `  kubectl-ng create -f pod.yaml
  kubectl-ng create -R -f manifests/`,
		Args: cobra.NoArgs,
		RunE: runWith(o.run),
	}
	o.files.addTo(cmd, "create")
	return cmd
}

// run is create: the objects are created with kr8s.CreateAll, and each
// one created is reported.
func (o *createOptions) run(ctx context.Context, _ []string) error {
	objs, err := o.load(ctx, o.files)
	if err != nil {
		return err
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	err = kr8s.CreateAll(ctx, objs, &kr8s.CreateAllOptions{API: c})
	for _, obj := range objs {
		if metaString(obj, "uid") != "" {
			fmt.Fprintf(o.stdout, "%s created\n", objRef(obj))
		}
	}
	return err
}

// sameContent reports whether two versions of an object are equal apart
// from the bookkeeping fields a write always changes.
func sameContent(a, b *kr8s.Object) bool {
	strip := func(o *kr8s.Object) string {
		raw := maps.Clone(o.Raw())
		md := maps.Clone(o.Metadata())
		for _, k := range []string{"managedFields", "resourceVersion", "generation"} {
			delete(md, k)
		}
		raw["metadata"] = md
		b, _ := json.Marshal(raw)
		return string(b)
	}
	return strip(a) == strip(b)
}
