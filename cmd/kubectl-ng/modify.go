package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// scaleOptions are the flags of scale; run sets the replica counts.
type scaleOptions struct {
	*app
	replicas int
	sel      selectionFlags
	wait     bool
	timeout  time.Duration
}

func (a *app) scaleCmd() *cobra.Command {
	o := &scaleOptions{app: a}
	cmd := &cobra.Command{
		Use:   "scale --replicas=COUNT (TYPE NAME | TYPE/NAME)",
		Short: "Set the replica count of a deployment, replica set, stateful set or scalable custom resource",
		Example: `  kubectl-ng scale deploy/web --replicas=3
  kubectl-ng scale statefulset db --replicas=0 --wait --timeout=2m`,
		Args: cobra.MinimumNArgs(1),
		RunE: runWith(o.run),
	}
	o.sel.addTo(cmd, "scale", bySelector|allObjects)
	timeoutFlag(cmd, &o.timeout, 0)
	fl := cmd.Flags()
	fl.IntVar(&o.replicas, "replicas", -1, "the new replica count")
	fl.BoolVar(&o.wait, "wait", false, "wait until the controller reports the new count")
	return cmd
}

// run is scale: each object gets the new count and, with --wait, is
// waited for.
func (o *scaleOptions) run(ctx context.Context, args []string) error {
	if o.replicas < 0 {
		return errors.New("the --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	}
	tctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	objs, err := o.objects(tctx, args, &o.sel, false)
	if err != nil {
		return err
	}
	for _, obj := range objs {
		err := o.scale(tctx, obj)
		switch {
		case err != nil && tctx.Err() != nil && ctx.Err() == nil:
			return fmt.Errorf("timed out waiting for %s to have %d replicas", objRef(obj), o.replicas)
		case err != nil:
			return err
		}
		fmt.Fprintf(o.stdout, "%s scaled\n", objRef(obj))
	}
	return nil
}

// scale sets obj's replica count and, with --wait, waits until the
// controller reports it. On a terminal a progress line follows the
// object's status meanwhile.
func (o *scaleOptions) scale(ctx context.Context, obj *kr8s.Object) error {
	if !o.wait {
		return obj.Scale(ctx, o.replicas, nil)
	}
	ref := objRef(obj)
	p := o.startProgress(fmt.Sprintf("scaling %s to %d replicas", ref, o.replicas))
	defer p.end()
	c, err := o.client()
	if err != nil || !p.tty {
		return obj.Scale(ctx, o.replicas, &kr8s.ScaleOptions{Wait: true})
	}
	// A watch of its own reads the counts while Scale waits with its own.
	wo := &kr8s.WatchOptions{API: c, Namespace: obj.Namespace(), Name: obj.Name()}
	watchCtx, stop := context.WithCancel(ctx)
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		for ev, err := range kr8s.NewKind(*obj.Kind()).Watch(watchCtx, wo) {
			if err != nil {
				return
			}
			if ev.Object != nil {
				st := ev.Object.Status()
				p.set("scaling %s to %d replicas: %d current, %d ready", ref, o.replicas, intField(st, "replicas"), intField(st, "readyReplicas"))
			}
		}
	}()
	err = obj.Scale(ctx, o.replicas, &kr8s.ScaleOptions{Wait: true})
	stop()
	<-followed
	return err
}

// intField reads a JSON number from m; absent is 0.
func intField(m map[string]any, key string) int {
	f, _ := m[key].(float64)
	return int(f)
}

// withTimeout bounds ctx by d when d > 0.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}

func (a *app) labelCmd() *cobra.Command {
	return a.metaCmd("label", "labeled", "labels",
		`  kubectl-ng label pod web tier=frontend
  kubectl-ng label deploy/web canary-
  kubectl-ng label pods -l app=web env=prod --overwrite`)
}

func (a *app) annotateCmd() *cobra.Command {
	return a.metaCmd("annotate", "annotated", "annotations",
		`  kubectl-ng annotate pod web owner=team-a
  kubectl-ng annotate deploy/web owner-`)
}

// metaOptions are the flags of label and annotate, which differ only in
// the metadata field they change; run changes it.
type metaOptions struct {
	*app
	field     string // "labels" or "annotations"
	done      string // what run prints after each object: "labeled"
	sel       selectionFlags
	overwrite bool
}

// metaCmd builds label or annotate.
func (a *app) metaCmd(verb, done, field string, example string) *cobra.Command {
	o := &metaOptions{app: a, field: field, done: done}
	cmd := &cobra.Command{
		Use:     verb + " (TYPE NAME | TYPE/NAME) KEY=VALUE... KEY-...",
		Short:   "Set or remove " + field + " on resources",
		Long:    "Set or remove " + field + ". KEY=VALUE sets a key; KEY- removes it. Changing an existing value needs --overwrite.",
		Example: example,
		Args:    cobra.MinimumNArgs(2),
		RunE:    runWith(o.run),
	}
	o.sel.addTo(cmd, verb, bySelector|allObjects|allNamespaces)
	cmd.Flags().BoolVar(&o.overwrite, "overwrite", false, "allow changing existing values")
	return cmd
}

// run is label or annotate: args are resource arguments, then KEY=VALUE
// and KEY- changes.
func (o *metaOptions) run(ctx context.Context, args []string) error {
	var res, kv []string
	for _, arg := range args {
		if strings.Contains(arg, "=") || strings.HasSuffix(arg, "-") {
			kv = append(kv, arg)
		} else {
			res = append(res, arg)
		}
	}
	if len(kv) == 0 {
		return fmt.Errorf("at least one %s update is required", strings.TrimSuffix(o.field, "s"))
	}
	set, remove, err := parseLabelArgs(kv)
	if err != nil {
		return err
	}
	objs, err := o.objects(ctx, res, &o.sel, false)
	if err != nil {
		return err
	}
	for _, obj := range objs {
		if err := o.change(ctx, obj, set, remove); err != nil {
			return err
		}
		fmt.Fprintf(o.stdout, "%s %s\n", objRef(obj), o.done)
	}
	return nil
}

// change sets and removes keys of obj's labels or annotations; without
// --overwrite a key may not change its value.
func (o *metaOptions) change(ctx context.Context, obj *kr8s.Object, set map[string]string, remove []string) error {
	current, write := obj.Labels(), obj.Label
	if o.field == "annotations" {
		current, write = obj.Annotations(), obj.Annotate
	}
	if !o.overwrite {
		for k, v := range set {
			if old, ok := current[k]; ok && old != v {
				return fmt.Errorf("'%s' already has a value (%s), and --overwrite is false", k, old)
			}
		}
	}
	return write(ctx, set, remove...)
}

// waitOptions are the flags of wait; run waits for the conditions.
type waitOptions struct {
	*app
	files   fileFlags
	sel     selectionFlags
	forCond []string
	timeout time.Duration
}

func (a *app) waitCmd() *cobra.Command {
	o := &waitOptions{app: a}
	cmd := &cobra.Command{
		Use:   "wait ([-f FILENAME] | TYPE NAME | TYPE/NAME | TYPE -l SELECTOR) --for=CONDITION",
		Short: "Wait for conditions on resources",
		Long: `Wait until a condition holds on each resource: --for=condition=NAME[=VALUE],
--for=delete or --for=jsonpath='{PATH}'=VALUE. It watches rather than polls.
-f waits for the objects of manifests; selectors pick objects of the given types.`,
		Example: `  kubectl-ng wait pod/web --for=condition=Ready --timeout=60s
  kubectl-ng wait deploy -l app=web --for=condition=Available
  kubectl-ng wait -f deploy.yaml --for=condition=Available
  kubectl-ng wait pods --field-selector=status.phase=Running --for=condition=Ready
  kubectl-ng wait pod/web --for=delete
  kubectl-ng wait pod/web --for=jsonpath='{.status.phase}'=Running`,
		RunE: runWith(o.run),
	}
	o.files.addTo(cmd, "wait for")
	o.sel.addTo(cmd, "wait for", bySelector|byFieldSelector|allObjects|allNamespaces)
	timeoutFlag(cmd, &o.timeout, 30*time.Second)
	cmd.Flags().StringArrayVar(&o.forCond, "for", nil, "the condition: delete, condition=NAME[=VALUE] or jsonpath='{PATH}'=VALUE; repeat to wait for any")
	return cmd
}

// run is wait: each object in turn, with a progress line on a terminal.
func (o *waitOptions) run(ctx context.Context, args []string) error {
	if len(o.forCond) == 0 {
		return errors.New("--for must be set")
	}
	isDelete := len(o.forCond) == 1 && o.forCond[0] == "delete"
	tctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	var objs []*kr8s.Object
	var err error
	switch {
	case len(o.files.filenames) > 0 && len(args) > 0:
		return errors.New("resource/name arguments cannot be provided when a path is specified")
	case len(o.files.filenames) > 0 && (o.sel.labelSelector != "" || o.sel.fieldSelector != "" || o.sel.all):
		return usageError{errors.New("selectors and --all pick objects by type: they cannot be used with -f")}
	case len(o.files.filenames) > 0:
		objs, err = o.load(tctx, o.files)
	case len(args) == 0:
		return errors.New("you must provide one or more resources by argument or filename")
	case isDelete:
		objs, err = o.deleteTargets(tctx, args, &o.sel)
	default:
		objs, err = o.objects(tctx, args, &o.sel, false)
	}
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		return errors.New("no matching resources found")
	}
	p := o.startProgress("")
	defer p.end()
	for i, obj := range objs {
		what := objRef(obj)
		if len(objs) > 1 {
			what += fmt.Sprintf(" (%d of %d)", i+1, len(objs))
		}
		p.set("waiting for %s: %s", what, strings.Join(o.forCond, " or "))
		err := obj.Wait(tctx, o.forCond...)
		switch {
		case err == nil, isDelete && errors.Is(err, kr8s.ErrNotFound):
			p.printf(o.stdout, "%s condition met\n", objRef(obj))
		case tctx.Err() != nil && ctx.Err() == nil:
			return fmt.Errorf("timed out waiting for the condition on %s/%s", obj.Kind().Plural, obj.Name())
		default:
			return err
		}
	}
	return nil
}
