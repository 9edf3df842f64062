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

// fileFlags are -f and -R, shared by apply, create and delete.
type fileFlags struct {
	filenames []string
	recursive bool
}

func (f *fileFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().StringSliceVarP(&f.filenames, "filename", "f", nil, "files or directories that contain the objects to "+what+"; - reads stdin")
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "R", false, "read directories under -f recursively")
}

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
		return nil, errors.New("no objects passed to apply")
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

func (a *app) applyCmd() *cobra.Command {
	var (
		files        fileFlags
		force        bool
		dryRun       string
		fieldManager string
		output       string
	)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dry, err := parseDryRun(dryRun)
			if err != nil {
				return err
			}
			f, err := parseOutput(output)
			if err != nil {
				return err
			}
			objs, err := a.load(ctx, files)
			if err != nil {
				return err
			}
			var errs []error
			var applied []*kr8s.Object
			for _, o := range objs {
				result, err := a.applyOne(ctx, o, &kr8s.ApplyOptions{FieldManager: fieldManager, Force: force, DryRun: dry})
				if err != nil {
					errs = append(errs, err)
					continue
				}
				applied = append(applied, o)
				if f.name == "" {
					fmt.Fprintf(a.stdout, "%s %s%s\n", objRef(o), result, dryRunSuffix(dry))
				}
			}
			if f.name != "" && len(applied) > 0 {
				if err := printObjects(a.stdout, f, applied, len(applied) == 1); err != nil {
					return err
				}
			}
			return errors.Join(errs...)
		},
	}
	files.add(cmd, "apply")
	fl := cmd.Flags()
	fl.BoolVar(&force, "force-conflicts", false, "take over fields that other field managers own")
	fl.StringVar(&dryRun, "dry-run", "none", `"server" to have the server check the change without saving it`)
	fl.StringVar(&fieldManager, "field-manager", "kubectl-ng", "the field manager that owns the applied fields")
	fl.StringVarP(&output, "output", "o", "", "print the applied objects: yaml, json, name or jsonpath=TEMPLATE")
	fl.Bool("server-side", true, "accepted for kubectl compatibility; apply is always server-side")
	return cmd
}

// applyOne applies o and says what happened: created, configured or
// unchanged (the server kept the resourceVersion).
func (a *app) applyOne(ctx context.Context, o *kr8s.Object, opts *kr8s.ApplyOptions) (string, error) {
	c, _ := a.client()
	k, ns, err := a.resolve(ctx, o)
	if err != nil {
		return "", err
	}
	before := ""
	var old *kr8s.Object
	old, err = k.Get(ctx, o.Name(), &kr8s.GetOptions{API: c, Namespace: ns})
	switch {
	case err == nil:
		before, _ = old.Metadata()["resourceVersion"].(string)
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
	after, _ := o.Metadata()["resourceVersion"].(string)
	switch {
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

func (a *app) createCmd() *cobra.Command {
	var files fileFlags
	cmd := &cobra.Command{
		Use:   "create -f FILENAME",
		Short: "Create resources from files or stdin",
		Long: `Create resources from files or stdin. Objects are created in dependency order
(namespaces and CRDs first, then what pods need, then the rest), several at a time.`,
		Example: `  kubectl-ng create -f pod.yaml
  kubectl-ng create -R -f manifests/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			objs, err := a.load(ctx, files)
			if err != nil {
				return err
			}
			c, _ := a.client()
			err = kr8s.CreateAll(ctx, objs, &kr8s.CreateAllOptions{API: c})
			for _, o := range objs {
				if uid, _ := o.Metadata()["uid"].(string); uid != "" {
					fmt.Fprintf(a.stdout, "%s created\n", objRef(o))
				}
			}
			return err
		},
	}
	files.add(cmd, "create")
	return cmd
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
