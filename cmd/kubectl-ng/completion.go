package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// Shell completion: cobra's completion command writes the bash, zsh, fish
// or PowerShell script, and the script calls the hidden __complete command
// on each TAB. The functions here answer it from the cluster: kinds from
// discovery (cached on disk by kr8s, so a TAB costs no request most of the
// time), object names from a list, contexts from the kubeconfig.

// completeTimeout bounds the requests of one TAB: a slow or absent
// cluster must not hang the shell. (A variable for tests on a loaded
// machine.)
var completeTimeout = 5 * time.Second

// maxCompletions bounds how many names a TAB lists.
const maxCompletions = 1000

// noFiles is the directive of every completion here: never fall back to
// file names.
const noFiles = cobra.ShellCompDirectiveNoFileComp

// completionCmd adds cobra's completion and help commands, which root
// would add itself, now, to give them examples.
func completionCmd(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			c.Example = "  kubectl-ng help get"
		}
		if c.Name() != "completion" {
			continue
		}
		c.Short = "Print the shell completion script for bash, zsh, fish or PowerShell"
		c.Long = `Print the shell completion script for bash, zsh, fish or PowerShell. With it
loaded, TAB completes commands and flags, and from the cluster kinds, object
names, namespaces and contexts.`
		c.Example = `  source <(kubectl-ng completion bash)
  kubectl-ng completion zsh > "${fpath[1]}/_kubectl-ng"
  kubectl-ng completion fish > ~/.config/fish/completions/kubectl-ng.fish`
		for _, sh := range c.Commands() {
			sh.Long, sh.Example = shellHelp(sh.Name())
		}
	}
}

// shellHelp is the help of the completion command for one shell, shorter
// than cobra's own.
func shellHelp(shell string) (long, example string) {
	switch shell {
	case "bash":
		return "Print the bash completion script. It needs the bash-completion package.",
			"  source <(kubectl-ng completion bash)\n  kubectl-ng completion bash > /etc/bash_completion.d/kubectl-ng"
	case "zsh":
		return "Print the zsh completion script. Completion must be on in zsh:\nautoload -U compinit; compinit",
			"  source <(kubectl-ng completion zsh)\n  kubectl-ng completion zsh > \"${fpath[1]}/_kubectl-ng\""
	case "fish":
		return "Print the fish completion script.",
			"  kubectl-ng completion fish | source\n  kubectl-ng completion fish > ~/.config/fish/completions/kubectl-ng.fish"
	}
	return "Print the " + shell + " completion script.",
		"  kubectl-ng completion " + shell + " | Out-String | Invoke-Expression"
}

// completeCtx is the context of one completion request.
func completeCtx(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, completeTimeout)
}

// withPrefix keeps the candidates that start with prefix.
func withPrefix(all []string, prefix string) []string {
	var out []string
	for _, s := range all {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// completeResources completes kubectl's resource arguments: a kind first
// (or TYPE/NAME once a slash is typed), then names of that kind. maxNames
// limits how many name arguments follow the kind (-1: any number).
func (a *app) completeResources(maxNames int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		ctx, cancel := completeCtx(cmd)
		defer cancel()
		switch {
		case strings.Contains(toComplete, "/"):
			return a.typeNames(ctx, toComplete), noFiles
		case len(args) == 0:
			return a.kinds(ctx, toComplete), noFiles
		case strings.Contains(args[0], "/"), strings.Contains(args[0], ","),
			maxNames >= 0 && len(args) > maxNames:
			return nil, noFiles
		}
		names := a.names(ctx, args[0], toComplete)
		return slices.DeleteFunc(names, func(n string) bool { return slices.Contains(args[1:], n) }), noFiles
	}
}

// completePod completes the one pod argument of logs, exec and
// port-forward: a pod's name, or TYPE/NAME once a slash is typed.
func (a *app) completePod(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	ctx, cancel := completeCtx(cmd)
	defer cancel()
	if strings.Contains(toComplete, "/") {
		return a.typeNames(ctx, toComplete), noFiles
	}
	return a.names(ctx, "pods", toComplete), noFiles
}

// completeContainer completes -c with the containers of the pod named
// by the first argument.
func (a *app) completeContainer(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, noFiles
	}
	ctx, cancel := completeCtx(cmd)
	defer cancel()
	c, err := a.client()
	if err != nil {
		return nil, noFiles
	}
	name := strings.TrimPrefix(strings.TrimPrefix(args[0], "pod/"), "pods/")
	pod, err := kr8s.Pods.Get(ctx, name, &kr8s.GetOptions{API: c, Namespace: c.Namespace()})
	if err != nil {
		return nil, noFiles
	}
	var out []string
	for _, ctr := range list(pod.Spec(), "containers") {
		out = append(out, str(ctr, "name"))
	}
	return withPrefix(out, toComplete), noFiles
}

// completeNodes completes node names; max limits how many (-1: any).
func (a *app) completeNodes(max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if max >= 0 && len(args) >= max {
			return nil, noFiles
		}
		ctx, cancel := completeCtx(cmd)
		defer cancel()
		names := a.names(ctx, "nodes", toComplete)
		return slices.DeleteFunc(names, func(n string) bool { return slices.Contains(args, n) }), noFiles
	}
}

// completeNamespaces completes -n.
func (a *app) completeNamespaces(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := completeCtx(cmd)
	defer cancel()
	return a.names(ctx, "namespaces", toComplete), noFiles
}

// completeContexts completes --context and the context arguments of the
// config commands with the kubeconfig's contexts; max limits how many
// arguments are contexts (-1: any, 0: a flag's value).
func (a *app) completeContexts(max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, noFiles
		}
		cfg, err := a.loadConfig()
		if err != nil {
			return nil, noFiles
		}
		var names []string
		for _, c := range cfg.Contexts {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		return withPrefix(names, toComplete), noFiles
	}
}

// completeOutput completes get's -o. After a format that takes an
// argument ("jsonpath=") the shell adds no space.
func completeOutput(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	out := withPrefix([]string{"wide", "yaml", "json", "name", "jsonpath=", "custom-columns="}, toComplete)
	if len(out) > 0 && !slices.ContainsFunc(out, func(s string) bool { return !strings.HasSuffix(s, "=") }) {
		return out, noFiles | cobra.ShellCompDirectiveNoSpace
	}
	return out, noFiles
}

// compFailed offers nothing for a completion that failed, and writes why
// to $BASH_COMP_DEBUG_FILE, where cobra's scripts log, when that is set.
func compFailed(err error) []string {
	cobra.CompDebugln("kubectl-ng: "+err.Error(), false)
	return nil
}

// kinds lists the kinds the server serves that start with prefix, named
// as kubectl api-resources -o name names them: "pods", "deployments.apps".
func (a *app) kinds(ctx context.Context, prefix string) []string {
	c, err := a.client()
	if err != nil {
		return compFailed(err)
	}
	all, err := c.APIResources(ctx)
	if err != nil {
		return compFailed(err)
	}
	var out []string
	for _, r := range all {
		if name := resourceName(r); slices.Contains(r.Verbs, "get") && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return withPrefix(out, prefix)
}

// typeNames completes "TYPE/PREFIX" with "TYPE/NAME" for the objects of
// TYPE whose names start with PREFIX.
func (a *app) typeNames(ctx context.Context, toComplete string) []string {
	typ, prefix, _ := strings.Cut(toComplete, "/")
	var out []string
	for _, n := range a.names(ctx, typ, prefix) {
		out = append(out, typ+"/"+n)
	}
	return out
}

// names lists the names of the objects of kind typ, in the namespace of
// the command line for a namespaced kind, that start with prefix.
func (a *app) names(ctx context.Context, typ, prefix string) []string {
	c, err := a.client()
	if err != nil {
		return compFailed(err)
	}
	k, err := c.LookupKind(ctx, typ)
	if err != nil {
		return compFailed(err)
	}
	var out []string
	for o, err := range k.List(ctx, &kr8s.ListOptions{Namespace: scope(&k.Kind, c.Namespace())}) {
		if err != nil {
			return append(out, compFailed(err)...)
		}
		if len(out) == maxCompletions {
			break
		}
		if strings.HasPrefix(o.Name(), prefix) {
			out = append(out, o.Name())
		}
	}
	return out
}

// registerCompletions attaches the completion functions to root's
// commands and flags.
func (a *app) registerCompletions(root *cobra.Command) {
	_ = root.RegisterFlagCompletionFunc("namespace", a.completeNamespaces)
	_ = root.RegisterFlagCompletionFunc("context", a.completeContexts(0))
	for _, c := range root.Commands() {
		switch c.Name() {
		case "get", "describe", "delete", "wait":
			c.ValidArgsFunction = a.completeResources(-1)
		case "label", "annotate", "scale":
			c.ValidArgsFunction = a.completeResources(1)
		case "logs", "exec", "port-forward":
			c.ValidArgsFunction = a.completePod
			if c.Flags().Lookup("container") != nil {
				_ = c.RegisterFlagCompletionFunc("container", a.completeContainer)
			}
		case "cordon", "uncordon":
			c.ValidArgsFunction = a.completeNodes(-1)
		case "drain":
			c.ValidArgsFunction = a.completeNodes(1)
		case "config":
			for _, sub := range c.Commands() {
				switch sub.Name() {
				case "use-context", "rename-context", "set-context":
					sub.ValidArgsFunction = a.completeContexts(1)
				case "get-contexts":
					sub.ValidArgsFunction = a.completeContexts(-1)
				}
			}
		}
		if c.Name() == "get" {
			_ = c.RegisterFlagCompletionFunc("output", completeOutput)
		}
	}
}
