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

func (a *app) scaleCmd() *cobra.Command {
	var (
		replicas int
		sel      selection
		wait     bool
		timeout  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "scale --replicas=COUNT (TYPE NAME | TYPE/NAME)",
		Short: "Set the replica count of a deployment, replica set, stateful set or scalable custom resource",
		Example: `  kubectl-ng scale deploy/web --replicas=3
  kubectl-ng scale statefulset db --replicas=0 --wait --timeout=2m`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if replicas < 0 {
				return errors.New("the --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
			}
			ctx, cancel := withTimeout(cmd.Context(), timeout)
			defer cancel()
			objs, err := a.objects(ctx, args, sel, false)
			if err != nil {
				return err
			}
			for _, o := range objs {
				err := a.scale(ctx, o, replicas, wait)
				switch {
				case err != nil && ctx.Err() != nil && cmd.Context().Err() == nil:
					return fmt.Errorf("timed out waiting for %s to have %d replicas", objRef(o), replicas)
				case err != nil:
					return err
				}
				fmt.Fprintf(a.stdout, "%s scaled\n", objRef(o))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&replicas, "replicas", -1, "the new replica count")
	fl.StringVarP(&sel.labelSelector, "selector", "l", "", "scale the objects with these labels")
	fl.BoolVar(&sel.all, "all", false, "scale every object of the type in the namespace")
	fl.BoolVar(&wait, "wait", false, "wait until the controller reports the new count")
	fl.DurationVar(&timeout, "timeout", 0, "how long to wait; 0 means until interrupted")
	return cmd
}

// scale sets o's replica count and, with wait, waits until the controller
// reports it. On a terminal a progress line follows the object's status
// meanwhile.
func (a *app) scale(ctx context.Context, o *kr8s.Object, replicas int, wait bool) error {
	if !wait {
		return o.Scale(ctx, replicas, nil)
	}
	ref := objRef(o)
	p := a.startProgress(fmt.Sprintf("scaling %s to %d replicas", ref, replicas))
	defer p.end()
	c, err := a.client()
	if err != nil || !p.tty {
		return o.Scale(ctx, replicas, &kr8s.ScaleOptions{Wait: true})
	}
	// A watch of its own reads the counts while Scale waits with its own.
	wo := &kr8s.WatchOptions{API: c, Namespace: o.Namespace(), Name: o.Name()}
	kind := kr8s.NewKind(*o.Kind())
	watchCtx, stop := context.WithCancel(ctx)
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		for ev, err := range kind.Watch(watchCtx, wo) {
			if err != nil {
				return
			}
			if ev.Object != nil {
				st := ev.Object.Status()
				p.set("scaling %s to %d replicas: %d current, %d ready", ref, replicas, intField(st, "replicas"), intField(st, "readyReplicas"))
			}
		}
	}()
	err = o.Scale(ctx, replicas, &kr8s.ScaleOptions{Wait: true})
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

// metaCmd builds label and annotate, which differ only in the field.
func (a *app) metaCmd(verb, done, field string, example string) *cobra.Command {
	var (
		sel       selection
		overwrite bool
	)
	cmd := &cobra.Command{
		Use:     verb + " (TYPE NAME | TYPE/NAME) KEY=VALUE... KEY-...",
		Short:   "Set or remove " + field + " on resources",
		Long:    "Set or remove " + field + ". KEY=VALUE sets a key; KEY- removes it. Changing an existing value needs --overwrite.",
		Example: example,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var res, kv []string
			for _, arg := range args {
				if strings.Contains(arg, "=") || strings.HasSuffix(arg, "-") {
					kv = append(kv, arg)
				} else {
					res = append(res, arg)
				}
			}
			if len(kv) == 0 {
				return fmt.Errorf("at least one %s update is required", strings.TrimSuffix(field, "s"))
			}
			set, remove, err := parseLabelArgs(kv)
			if err != nil {
				return err
			}
			objs, err := a.objects(ctx, res, sel, false)
			if err != nil {
				return err
			}
			for _, o := range objs {
				current := o.Labels()
				if field == "annotations" {
					current = o.Annotations()
				}
				if !overwrite {
					for k, v := range set {
						if old, ok := current[k]; ok && old != v {
							return fmt.Errorf("'%s' already has a value (%s), and --overwrite is false", k, old)
						}
					}
				}
				if field == "annotations" {
					err = o.Annotate(ctx, set, remove...)
				} else {
					err = o.Label(ctx, set, remove...)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s %s\n", objRef(o), done)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&sel.labelSelector, "selector", "l", "", "change the objects with these labels")
	fl.BoolVar(&sel.all, "all", false, "change every object of the type in the namespace")
	fl.BoolVarP(&sel.allNamespaces, "all-namespaces", "A", false, "with a selector or --all, look in every namespace")
	fl.BoolVar(&overwrite, "overwrite", false, "allow changing existing values")
	return cmd
}

func (a *app) waitCmd() *cobra.Command {
	var (
		sel     selection
		forCond []string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "wait (TYPE NAME | TYPE/NAME | TYPE -l SELECTOR) --for=CONDITION",
		Short: "Wait for conditions on resources",
		Long: `Wait until a condition holds on each resource: --for=condition=NAME[=VALUE],
--for=delete or --for=jsonpath='{PATH}'=VALUE. It watches rather than polls.`,
		Example: `  kubectl-ng wait pod/web --for=condition=Ready --timeout=60s
  kubectl-ng wait deploy -l app=web --for=condition=Available
  kubectl-ng wait pod/web --for=delete
  kubectl-ng wait pod/web --for=jsonpath='{.status.phase}'=Running`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(forCond) == 0 {
				return errors.New("--for must be set")
			}
			isDelete := len(forCond) == 1 && forCond[0] == "delete"
			ctx, cancel := withTimeout(cmd.Context(), timeout)
			defer cancel()
			var objs []*kr8s.Object
			var err error
			if isDelete {
				objs, err = a.deleteTargets(ctx, args, sel)
			} else {
				objs, err = a.objects(ctx, args, sel, false)
			}
			if err != nil {
				return err
			}
			if len(objs) == 0 {
				return errors.New("no matching resources found")
			}
			p := a.startProgress("")
			defer p.end()
			for i, o := range objs {
				what := objRef(o)
				if len(objs) > 1 {
					what += fmt.Sprintf(" (%d of %d)", i+1, len(objs))
				}
				p.set("waiting for %s: %s", what, strings.Join(forCond, " or "))
				err := o.Wait(ctx, forCond...)
				switch {
				case err == nil, isDelete && errors.Is(err, kr8s.ErrNotFound):
					p.printf(a.stdout, "%s condition met\n", objRef(o))
				case ctx.Err() != nil && cmd.Context().Err() == nil:
					return fmt.Errorf("timed out waiting for the condition on %s/%s", o.Kind().Plural, o.Name())
				default:
					return err
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&forCond, "for", nil, "the condition: delete, condition=NAME[=VALUE] or jsonpath='{PATH}'=VALUE; repeat to wait for any")
	fl.DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait; 0 means until interrupted")
	fl.StringVarP(&sel.labelSelector, "selector", "l", "", "wait for the objects with these labels")
	fl.BoolVar(&sel.all, "all", false, "wait for every object of the type in the namespace")
	fl.BoolVarP(&sel.allNamespaces, "all-namespaces", "A", false, "with a selector or --all, look in every namespace")
	return cmd
}
