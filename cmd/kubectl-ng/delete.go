package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) deleteCmd() *cobra.Command {
	var (
		files          fileFlags
		sel            selection
		wait           bool
		gracePeriod    int
		now, force     bool
		cascade        string
		ignoreNotFound bool
		dryRun         string
		timeout        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "delete ([-f FILENAME] | TYPE [NAME...] | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all)",
		Short: "Delete resources by file, type and name, or selector",
		Long: `Delete resources by file, type and name, or label selector.

By default delete waits until the objects are gone from the server (--wait).`,
		Example: `  kubectl-ng delete pod web
  kubectl-ng delete -f deploy.yaml
  kubectl-ng delete deploy,svc -l app=web --cascade=foreground
  kubectl-ng delete pod/web --grace-period=0 --force`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dry, err := parseDryRun(dryRun)
			if err != nil {
				return err
			}
			opts := &kr8s.DeleteOptions{DryRun: dry}
			switch cascade {
			case "background", "true", "":
			case "foreground":
				opts.PropagationPolicy = "Foreground"
			case "orphan", "false":
				opts.PropagationPolicy = "Orphan"
			default:
				return fmt.Errorf(`invalid cascade value (%s). Must be "background", "foreground", or "orphan"`, cascade)
			}
			if now {
				gracePeriod = 1
			}
			if force && !cmd.Flags().Changed("grace-period") && !now {
				gracePeriod = 0
			}
			if gracePeriod >= 0 {
				g := int64(gracePeriod)
				opts.GracePeriodSeconds = &g
			}

			var objs []*kr8s.Object
			switch {
			case len(files.filenames) > 0:
				if len(args) > 0 {
					return errors.New("cannot specify both -f and resource arguments")
				}
				objs, err = a.load(ctx, files)
			case len(args) == 0:
				return errors.New("you must provide one or more resources by argument or filename")
			default:
				objs, err = a.deleteTargets(ctx, args, sel)
			}
			if err != nil {
				return err
			}
			if len(objs) == 0 {
				if !ignoreNotFound {
					fmt.Fprintln(a.stderr, "No resources found")
				}
				return nil
			}

			var errs []error
			var deleted []*kr8s.Object
			for _, o := range objs {
				if err := o.Delete(ctx, opts); err != nil {
					if ignoreNotFound && errors.Is(err, kr8s.ErrNotFound) {
						continue
					}
					errs = append(errs, err)
					continue
				}
				deleted = append(deleted, o)
				fmt.Fprintf(a.stdout, "%s %q deleted%s\n", kindRef(o.Kind()), o.Name(), dryRunSuffix(dry))
			}
			if wait && !dry {
				wctx := ctx
				if timeout > 0 {
					var cancel context.CancelFunc
					wctx, cancel = context.WithTimeout(ctx, timeout)
					defer cancel()
				}
				for _, o := range deleted {
					if err := o.Wait(wctx, "delete"); err != nil && !errors.Is(err, kr8s.ErrNotFound) {
						errs = append(errs, fmt.Errorf("waiting for %s to be deleted: %w", objRef(o), err))
					}
				}
			}
			return errors.Join(errs...)
		},
	}
	files.add(cmd, "delete")
	fl := cmd.Flags()
	fl.StringVarP(&sel.labelSelector, "selector", "l", "", "delete the objects with these labels")
	fl.StringVar(&sel.fieldSelector, "field-selector", "", "delete the objects that match this field selector")
	fl.BoolVar(&sel.all, "all", false, "delete every object of the given types in the namespace")
	fl.BoolVarP(&sel.allNamespaces, "all-namespaces", "A", false, "with a selector or --all, look in every namespace")
	fl.BoolVar(&wait, "wait", true, "wait until the objects are gone")
	fl.IntVar(&gracePeriod, "grace-period", -1, "seconds to give each object to end gracefully; -1 uses the object's own")
	fl.BoolVar(&now, "now", false, "signal objects to end at once (--grace-period=1)")
	fl.BoolVar(&force, "force", false, "with --grace-period=0, delete at once without waiting for the kubelet")
	fl.StringVar(&cascade, "cascade", "background", "background, foreground or orphan: what happens to owned objects")
	fl.BoolVar(&ignoreNotFound, "ignore-not-found", false, "treat objects that do not exist as deleted")
	fl.StringVar(&dryRun, "dry-run", "none", `"server" to have the server check the delete without doing it`)
	fl.DurationVar(&timeout, "timeout", 0, "how long to wait for the deletion; 0 means until interrupted")
	return cmd
}

// deleteTargets turns resource arguments into objects. Named objects are
// not read first: the delete itself says whether they exist.
func (a *app) deleteTargets(ctx context.Context, args []string, sel selection) ([]*kr8s.Object, error) {
	ts, err := a.targets(ctx, args)
	if err != nil {
		return nil, err
	}
	c, _ := a.client()
	if len(ts[0].names) == 0 {
		// "TYPE[,TYPE]" without names: a selector or --all picks them.
		return a.objects(ctx, args, sel, false)
	}
	var named []*kr8s.Object
	for _, t := range ts {
		if sel.labelSelector != "" || sel.all {
			return nil, errors.New("name cannot be provided when a selector or --all is specified")
		}
		for _, name := range t.names {
			md := map[string]any{"name": name}
			if t.kind.Namespaced {
				md["namespace"] = c.Namespace()
			}
			o, err := t.kind.New(map[string]any{
				"apiVersion": t.kind.GroupVersion(), "kind": t.kind.Kind, "metadata": md,
			}, kr8s.WithAPI(c))
			if err != nil {
				return nil, err
			}
			named = append(named, o)
		}
	}
	return named, nil
}
