package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/kr8s-go/kr8s/kubeconfig"
	"github.com/spf13/cobra"
)

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config SUBCOMMAND",
		Short: "Read and change kubeconfig files",
		Long: `Read and change kubeconfig files. Changes are written back atomically, keep
the file's mode (0600 for a new file) and keep its comments where possible.`,
		Example: `  kubectl-ng config current-context
  kubectl-ng config get-contexts
  kubectl-ng config use-context prod
  kubectl-ng config set-context --current --namespace=web
  kubectl-ng config set clusters.prod.server https://1.2.3.4:6443
  kubectl-ng config view --minify`,
	}
	cmd.AddCommand(
		a.currentContextCmd(), a.getContextsCmd(), a.getNamesCmd("clusters"), a.getNamesCmd("users"),
		a.useContextCmd(), a.renameContextCmd(), a.setContextCmd(),
		a.configSetCmd(), a.configUnsetCmd(), a.viewConfigCmd(),
	)
	return cmd
}

// currentContextOptions are config current-context's, which has no flags
// of its own.
type currentContextOptions struct{ *app }

func (a *app) currentContextCmd() *cobra.Command {
	o := &currentContextOptions{app: a}
	return &cobra.Command{
		Use:     "current-context",
		Short:   "Print the current context",
		Example: "  kubectl-ng config current-context",
		Args:    cobra.NoArgs,
		RunE:    runWith(o.run),
	}
}

// run prints the current context.
func (o *currentContextOptions) run(context.Context, []string) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return err
	}
	if cfg.CurrentContext == "" {
		return errors.New("current-context is not set")
	}
	fmt.Fprintln(o.stdout, cfg.CurrentContext)
	return nil
}

// useContextOptions are config use-context's, which has no flags of its
// own.
type useContextOptions struct{ *app }

func (a *app) useContextCmd() *cobra.Command {
	o := &useContextOptions{app: a}
	return &cobra.Command{
		Use:     "use-context CONTEXT",
		Short:   "Set the current context in the kubeconfig file",
		Example: "  kubectl-ng config use-context prod",
		Args:    cobra.ExactArgs(1),
		RunE:    runWith(o.run),
	}
}

// run makes args[0] the current context, in the first kubeconfig file
// that exists, as kubectl does.
func (o *useContextOptions) run(_ context.Context, args []string) error {
	if err := o.kubeconfigFiles().UseContext(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "Switched to context %q.\n", args[0])
	return nil
}

// getContextsOptions are the flags of config get-contexts; run lists the
// contexts.
type getContextsOptions struct {
	*app
	output    string
	noHeaders bool
}

func (a *app) getContextsCmd() *cobra.Command {
	o := &getContextsOptions{app: a}
	cmd := &cobra.Command{
		Use:     "get-contexts [NAME...]",
		Short:   "List the contexts of the kubeconfig",
		Example: "  kubectl-ng config get-contexts\n  kubectl-ng config get-contexts -o name",
		RunE:    runWith(o.run),
	}
	outputFlag(cmd, &o.output, "", "name, to print only the context names")
	noHeadersFlag(cmd, &o.noHeaders)
	return cmd
}

// run lists the contexts named in args, or all of them.
func (o *getContextsOptions) run(_ context.Context, args []string) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, n := range args {
		want[n] = true
	}
	tw := newTabWriter(o.stdout)
	if o.output == "" && !o.noHeaders {
		fmt.Fprintln(tw, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE")
	}
	// kubectl lists contexts sorted by name.
	for _, c := range sortedByName(cfg.Contexts, func(c kubeconfig.NamedContext) string { return c.Name }) {
		if len(want) > 0 && !want[c.Name] {
			continue
		}
		delete(want, c.Name)
		switch o.output {
		case "name":
			fmt.Fprintln(tw, c.Name)
		case "":
			cur := ""
			if c.Name == cfg.CurrentContext {
				cur = "*"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cur, c.Name, c.Context.Cluster, c.Context.AuthInfo, c.Context.Namespace)
		default:
			return fmt.Errorf("output must be one of '' or 'name'")
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for n := range want {
		return fmt.Errorf("context %s not found", n)
	}
	return nil
}

// loadConfig reads --kubeconfig, else $KUBECONFIG or ~/.kube/config.
func (a *app) loadConfig() (*kubeconfig.Config, error) {
	if a.kubeconfig != "" {
		return kubeconfig.LoadFile(a.kubeconfig)
	}
	return kubeconfig.LoadDefault()
}
