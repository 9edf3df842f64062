package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) cordonCmd() *cobra.Command {
	return a.scheduleCmd(false, "cordon", "Mark nodes unschedulable")
}

func (a *app) uncordonCmd() *cobra.Command {
	return a.scheduleCmd(true, "uncordon", "Mark nodes schedulable again")
}

// scheduleOptions are cordon's and uncordon's; run marks the nodes.
type scheduleOptions struct {
	*app
	schedulable bool // uncordon
}

// scheduleCmd builds cordon or uncordon.
func (a *app) scheduleCmd(schedulable bool, verb, short string) *cobra.Command {
	o := &scheduleOptions{app: a, schedulable: schedulable}
	return &cobra.Command{
		Use:     verb + " NODE...",
		Short:   short,
		Example: "  kubectl-ng " + verb + " kwok-node-0",
		Args:    cobra.MinimumNArgs(1),
		RunE:    runWith(o.run),
	}
}

// run cordons or uncordons each named node, printing "node/NAME cordoned"
// or "node/NAME already cordoned".
func (o *scheduleOptions) run(ctx context.Context, names []string) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	done, change := "cordoned", (*kr8s.Node).Cordon
	if o.schedulable {
		done, change = "uncordoned", (*kr8s.Node).Uncordon
	}
	for _, name := range names {
		n, err := kr8s.Nodes.Get(ctx, name, &kr8s.GetOptions{API: c})
		if err != nil {
			return err
		}
		result := "already " + done
		if n.Unschedulable() == o.schedulable {
			result = done
			if err := change(n, ctx); err != nil {
				return err
			}
		}
		fmt.Fprintf(o.stdout, "node/%s %s\n", n.Name(), result)
	}
	return nil
}

// drainOptions are the flags of drain; run drains the node.
type drainOptions struct {
	*app
	opts        kr8s.DrainOptions
	gracePeriod int
}

func (a *app) drainCmd() *cobra.Command {
	o := &drainOptions{app: a}
	cmd := &cobra.Command{
		Use:   "drain NODE",
		Short: "Cordon a node and evict its pods",
		Long: `Cordon a node and evict its pods through the Eviction API, honouring
PodDisruptionBudgets. DaemonSet pods are always left in place (kubectl needs
--ignore-daemonsets for that).`,
		Example: `  kubectl-ng drain kwok-node-0 --ignore-daemonsets
  kubectl-ng drain kwok-node-0 --force --delete-emptydir-data --timeout=2m`,
		Args: cobra.ExactArgs(1),
		RunE: runWith(o.run),
	}
	gracePeriodFlag(cmd, &o.gracePeriod)
	timeoutFlag(cmd, &o.opts.Timeout, 0)
	fl := cmd.Flags()
	fl.BoolVar(&o.opts.Force, "force", false, "also delete pods that no controller manages")
	fl.BoolVar(&o.opts.DeleteEmptyDirData, "delete-emptydir-data", false, "evict pods with emptyDir volumes, losing their data")
	fl.StringVar(&o.opts.PodSelector, "pod-selector", "", "evict only the pods with these labels")
	fl.Bool("ignore-daemonsets", true, "accepted for kubectl compatibility: DaemonSet pods are always left")
	return cmd
}

// run is drain: args[0] is the node.
func (o *drainOptions) run(ctx context.Context, args []string) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	n, err := kr8s.Nodes.Get(ctx, args[0], &kr8s.GetOptions{API: c})
	if err != nil {
		return err
	}
	o.opts.GracePeriodSeconds = gracePeriodSeconds(o.gracePeriod)
	return o.app.drain(ctx, n, &o.opts)
}

// drain drains n as kubectl drain does, with its output lines and, on a
// terminal, a progress line counting the pods gone.
func (a *app) drain(ctx context.Context, n *kr8s.Node, o *kr8s.DrainOptions) error {
	ref := "node/" + n.Name()
	p := a.startProgress("draining " + ref)
	defer p.end()
	if n.Unschedulable() {
		p.printf(a.stdout, "%s already cordoned\n", ref)
	} else {
		if err := n.Cordon(ctx); err != nil {
			return err
		}
		p.printf(a.stdout, "%s cordoned\n", ref)
	}
	r := &drainReport{app: a, p: p, ref: ref, started: map[string]bool{}, blocked: map[string]bool{}}
	o.OnProgress = r.event
	if err := n.Drain(ctx, o); err != nil {
		if strings.Contains(err.Error(), "cannot evict:") {
			return &hinted{err, "Use --force for pods that no controller manages, --delete-emptydir-data for pods with emptyDir volumes."}
		}
		return err
	}
	p.printf(a.stdout, "%s drained\n", ref)
	return nil
}

// drainReport prints a drain's events as kubectl drain does, and counts
// them in the progress line.
type drainReport struct {
	*app
	p   *progress
	ref string // "node/NAME"

	mu      sync.Mutex // event is called from a goroutine per pod
	started map[string]bool
	blocked map[string]bool
	gone    int
}

// event is the drain's OnProgress.
func (r *drainReport) event(e kr8s.DrainEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Action {
	case "skip-daemonset":
		r.p.printf(r.stderr, "Warning: ignoring DaemonSet-managed Pod: %s\n", e.Pod)
	case "evict":
		// Drain asks again after each refusal: say it once.
		if !r.started[e.Pod] {
			r.p.printf(r.stdout, "evicting pod %s\n", e.Pod)
		}
		r.started[e.Pod] = true
	case "blocked":
		r.blocked[e.Pod] = true
		ns, name, _ := strings.Cut(e.Pod, "/")
		r.p.printf(r.stderr, "error when evicting pods/%q -n %q (will retry after 2s): %s\n", name, ns, refusal(e.Detail))
	case "gone":
		r.gone++
		delete(r.blocked, e.Pod)
		r.p.printf(r.stdout, "pod/%s evicted\n", lastSegment(e.Pod))
	}
	status := fmt.Sprintf("draining %s: %d of %d pods gone", r.ref, r.gone, len(r.started))
	if len(r.blocked) > 0 {
		status += fmt.Sprintf(", %d held by a disruption budget", len(r.blocked))
	}
	r.p.set("%s", status)
}

// refusal is the server's message in a refused eviction's error text,
// as kubectl prints it: "POST /api/...: Cannot evict pod as it would
// violate the pod's disruption budget. (429 TooManyRequests)" becomes
// "Cannot evict pod as it would violate the pod's disruption budget.".
func refusal(detail string) string {
	if strings.HasPrefix(detail, "POST /") {
		if _, msg, ok := strings.Cut(detail, ": "); ok {
			detail = msg
		}
	}
	return strings.TrimSuffix(detail, " (429 TooManyRequests)")
}
