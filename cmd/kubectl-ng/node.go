package main

import (
	"fmt"
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
			var mu sync.Mutex
			o.OnProgress = func(e kr8s.DrainEvent) {
				mu.Lock()
				defer mu.Unlock()
				switch e.Action {
				case "skip-daemonset":
					fmt.Fprintf(a.stderr, "Warning: ignoring DaemonSet-managed Pod: %s\n", e.Pod)
				case "evict":
					fmt.Fprintf(a.stdout, "evicting pod %s\n", e.Pod)
				case "blocked":
					fmt.Fprintf(a.stderr, "error when evicting pod %s (will retry): %s\n", e.Pod, e.Detail)
				case "gone":
					fmt.Fprintf(a.stdout, "pod/%s evicted\n", podName(e.Pod))
				}
			}
			fmt.Fprintf(a.stdout, "node/%s cordoned\n", n.Name())
			if err := n.Drain(cmd.Context(), &o); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "node/%s drained\n", n.Name())
			return nil
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

// podName drops the namespace from "namespace/name".
func podName(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}
