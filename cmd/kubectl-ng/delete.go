package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// deleteOptions are the flags of delete; run deletes the objects and waits
// until they are gone.
type deleteOptions struct {
	*app
	files          fileFlags
	sel            selectionFlags
	wait           bool
	gracePeriod    int
	gracePeriodSet bool // --grace-period was given
	now, force     bool
	cascade        string
	ignoreNotFound bool
	dryRun         string
	timeout        time.Duration
}

func (a *app) deleteCmd() *cobra.Command {
	o := &deleteOptions{app: a}
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
			o.gracePeriodSet = cmd.Flags().Changed("grace-period")
			return o.run(cmd.Context(), args)
		},
	}
	o.files.addTo(cmd, "delete")
	o.sel.addTo(cmd, "delete", bySelector|byFieldSelector|allObjects|allNamespaces)
	gracePeriodFlag(cmd, &o.gracePeriod)
	dryRunFlag(cmd, &o.dryRun, "delete")
	timeoutFlag(cmd, &o.timeout, 0)
	fl := cmd.Flags()
	fl.BoolVar(&o.wait, "wait", true, "wait until the objects are gone")
	fl.BoolVar(&o.now, "now", false, "signal objects to end at once (--grace-period=1)")
	fl.BoolVar(&o.force, "force", false, "with --grace-period=0, delete at once without waiting for the kubelet")
	fl.StringVar(&o.cascade, "cascade", "background", "background, foreground or orphan: what happens to owned objects")
	fl.BoolVar(&o.ignoreNotFound, "ignore-not-found", false, "treat objects that do not exist as deleted")
	return cmd
}

// run is delete: the objects named by -f or args are deleted, then waited
// for.
func (o *deleteOptions) run(ctx context.Context, args []string) error {
	opts, err := o.deleteOptions()
	if err != nil {
		return err
	}
	var objs []*kr8s.Object
	switch {
	case len(o.files.filenames) > 0:
		if len(args) > 0 {
			return errors.New("cannot specify both -f and resource arguments")
		}
		objs, err = o.load(ctx, o.files)
	case len(args) == 0:
		return errors.New("you must provide one or more resources by argument or filename")
	default:
		objs, err = o.deleteTargets(ctx, args, &o.sel)
	}
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		if !o.ignoreNotFound {
			fmt.Fprintln(o.stderr, "No resources found")
		}
		return nil
	}
	var errs []error
	var deleted []*kr8s.Object
	for _, obj := range objs {
		if err := obj.Delete(ctx, opts); err != nil {
			if !o.ignoreNotFound || !errors.Is(err, kr8s.ErrNotFound) {
				errs = append(errs, err)
			}
			continue
		}
		deleted = append(deleted, obj)
		fmt.Fprintf(o.stdout, "%s %q deleted%s\n", kindRef(obj.Kind()), obj.Name(), dryRunSuffix(opts.DryRun))
	}
	if o.wait && !opts.DryRun {
		errs = append(errs, o.waitGone(ctx, deleted)...)
	}
	return errors.Join(errs...)
}

// deleteOptions reads --dry-run, --cascade, --grace-period, --now and
// --force.
func (o *deleteOptions) deleteOptions() (*kr8s.DeleteOptions, error) {
	dry, err := parseDryRun(o.dryRun)
	if err != nil {
		return nil, err
	}
	opts := &kr8s.DeleteOptions{DryRun: dry}
	switch o.cascade {
	case "background", "true", "":
	case "foreground":
		opts.PropagationPolicy = "Foreground"
	case "orphan", "false":
		opts.PropagationPolicy = "Orphan"
	default:
		return nil, fmt.Errorf(`invalid cascade value (%s). Must be "background", "foreground", or "orphan"`, o.cascade)
	}
	grace := o.gracePeriod
	switch {
	case o.now:
		grace = 1
	case o.force && !o.gracePeriodSet:
		grace = 0
	}
	opts.GracePeriodSeconds = gracePeriodSeconds(grace)
	return opts, nil
}

// waitGone waits, up to --timeout, until the deleted objects are gone.
func (o *deleteOptions) waitGone(ctx context.Context, deleted []*kr8s.Object) []error {
	ctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	var errs []error
	for _, obj := range deleted {
		if err := obj.Wait(ctx, "delete"); err != nil && !errors.Is(err, kr8s.ErrNotFound) {
			errs = append(errs, fmt.Errorf("waiting for %s to be deleted: %w", objRef(obj), err))
		}
	}
	return errs
}

// deleteTargets turns resource arguments into objects. Named objects are
// not read first: the delete itself says whether they exist.
func (a *app) deleteTargets(ctx context.Context, args []string, sel *selectionFlags) ([]*kr8s.Object, error) {
	ts, err := a.targets(ctx, args)
	if err != nil {
		return nil, err
	}
	if len(ts[0].names) == 0 {
		// "TYPE[,TYPE]" without names: a selector or --all picks them.
		return a.selected(ctx, ts, sel, false)
	}
	if err := sel.check(ts, false); err != nil {
		return nil, err
	}
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	var named []*kr8s.Object
	for _, t := range ts {
		for _, name := range t.names {
			md := map[string]any{"name": name}
			if t.kind.Namespaced {
				md["namespace"] = c.Namespace()
			}
			o, err := t.kind.New(map[string]any{"metadata": md}) // New sets apiVersion and kind
			if err != nil {
				return nil, err
			}
			named = append(named, o)
		}
	}
	return named, nil
}
