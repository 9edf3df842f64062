package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) cordonCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "cordon NODE...",
		Short:   "Mark nodes unschedulable",
		Example: "  kubectl-ng cordon kwok-node-0",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.eachNode(cmd, args, func(n *kr8s.Node) (string, error) {
				if n.Unschedulable() {
					return "already cordoned", nil
				}
				return "cordoned", n.Cordon(cmd.Context())
			})
		},
	}
}

func (a *app) uncordonCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "uncordon NODE...",
		Short:   "Mark nodes schedulable again",
		Example: "  kubectl-ng uncordon kwok-node-0",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.eachNode(cmd, args, func(n *kr8s.Node) (string, error) {
				if !n.Unschedulable() {
					return "already uncordoned", nil
				}
				return "uncordoned", n.Uncordon(cmd.Context())
			})
		},
	}
}

// eachNode reads each named node, applies f and prints "node/NAME RESULT".
func (a *app) eachNode(cmd *cobra.Command, names []string, f func(*kr8s.Node) (string, error)) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	for _, name := range names {
		n, err := kr8s.Nodes.Get(cmd.Context(), name, &kr8s.GetOptions{API: c})
		if err != nil {
			return err
		}
		result, err := f(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "node/%s %s\n", n.Name(), result)
	}
	return nil
}

func (a *app) drainCmd() *cobra.Command {
	var (
		o           kr8s.DrainOptions
		gracePeriod int
	)
	cmd := &cobra.Command{
		Use:   "drain NODE",
		Short: "Cordon a node and evict its pods",
		Long: `Cordon a node and evict its pods through the Eviction API, honouring
PodDisruptionBudgets. DaemonSet pods are always left in place (kubectl needs
--ignore-daemonsets for that).`,
		Example: `  kubectl-ng drain kwok-node-0 --ignore-daemonsets
  kubectl-ng drain kwok-node-0 --force --delete-emptydir-data --timeout=2m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			n, err := kr8s.Nodes.Get(cmd.Context(), args[0], &kr8s.GetOptions{API: c})
			if err != nil {
				return err
			}
			if gracePeriod >= 0 {
				g := int64(gracePeriod)
				o.GracePeriodSeconds = &g
			}
			return a.drain(cmd.Context(), n, &o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Force, "force", false, "also delete pods that no controller manages")
	fl.BoolVar(&o.DeleteEmptyDirData, "delete-emptydir-data", false, "evict pods with emptyDir volumes, losing their data")
	fl.IntVar(&gracePeriod, "grace-period", -1, "seconds each pod gets to end; -1 uses the pod's own")
	fl.StringVar(&o.PodSelector, "pod-selector", "", "evict only the pods with these labels")
	fl.DurationVar(&o.Timeout, "timeout", 0*time.Second, "how long to wait; 0 means until interrupted")
	fl.Bool("ignore-daemonsets", true, "accepted for kubectl compatibility: DaemonSet pods are always left")
	return cmd
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
	var (
		mu      sync.Mutex // OnProgress is called from a goroutine per pod
		started = map[string]bool{}
		blocked = map[string]bool{}
		gone    int
	)
	o.OnProgress = func(e kr8s.DrainEvent) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Action {
		case "skip-daemonset":
			p.printf(a.stderr, "Warning: ignoring DaemonSet-managed Pod: %s\n", e.Pod)
		case "evict":
			// Drain asks again after each refusal: say it once.
			if !started[e.Pod] {
				p.printf(a.stdout, "evicting pod %s\n", e.Pod)
			}
			started[e.Pod] = true
		case "blocked":
			blocked[e.Pod] = true
			ns, name, _ := strings.Cut(e.Pod, "/")
			p.printf(a.stderr, "error when evicting pods/%q -n %q (will retry after 2s): %s\n", name, ns, refusal(e.Detail))
		case "gone":
			gone++
			delete(blocked, e.Pod)
			p.printf(a.stdout, "pod/%s evicted\n", podName(e.Pod))
		}
		status := fmt.Sprintf("draining %s: %d of %d pods gone", ref, gone, len(started))
		if len(blocked) > 0 {
			status += fmt.Sprintf(", %d held by a disruption budget", len(blocked))
		}
		p.set("%s", status)
	}
	if err := n.Drain(ctx, o); err != nil {
		if strings.Contains(err.Error(), "cannot evict:") {
			return &hinted{err, "Use --force for pods that no controller manages, --delete-emptydir-data for pods with emptyDir volumes."}
		}
		return err
	}
	p.printf(a.stdout, "%s drained\n", ref)
	return nil
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

// podName drops the namespace from "namespace/name".
func podName(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}
