package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kr8s-go/kr8s/kubeconfig"
	"github.com/spf13/cobra"
)

func (a *app) renameContextCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "rename-context OLD NEW",
		Short:   "Rename a context in the kubeconfig file",
		Example: "  kubectl-ng config rename-context kind-dev dev",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			nc := cfg.Context(args[0])
			if nc == nil {
				return fmt.Errorf("cannot rename the context %q, it's not in %s", args[0], strings.Join(cfg.Sources, ":"))
			}
			if cfg.Context(args[1]) != nil {
				return fmt.Errorf("cannot rename the context %q, the context %q already exists", args[0], args[1])
			}
			if err := kubeconfig.RenameContext(nc.Source, args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Context %q renamed to %q.\n", args[0], args[1])
			return nil
		},
	}
}

func (a *app) setContextCmd() *cobra.Command {
	var current bool
	var namespace string
	cmd := &cobra.Command{
		Use:   "set-context (NAME | --current) --namespace=NAMESPACE",
		Short: "Set the default namespace of a context in the kubeconfig file",
		Example: `  kubectl-ng config set-context --current --namespace=web
  kubectl-ng config set-context prod --namespace=default`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			var name string
			switch {
			case current && len(args) > 0:
				return usageError{errors.New("you cannot specify both a context name and --current")}
			case current:
				if name = cfg.CurrentContext; a.context != "" {
					name = a.context
				}
				if name == "" {
					return errors.New("current-context is not set")
				}
			case len(args) == 1:
				name = args[0]
			default:
				return usageError{errors.New("you must specify a context name or --current")}
			}
			if !cmd.Flags().Changed("namespace") {
				return usageError{errors.New("--namespace must be set: it is the only field set-context changes")}
			}
			nc := cfg.Context(name)
			if nc == nil {
				return fmt.Errorf("no context exists with the name: %q", name)
			}
			if err := kubeconfig.SetContextNamespace(nc.Source, name, namespace); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Context %q modified.\n", name)
			return nil
		},
	}
	cmd.Flags().BoolVar(&current, "current", false, "change the current context")
	// The global -n/--namespace flag is shadowed here on purpose, as in kubectl.
	cmd.Flags().StringVar(&namespace, "namespace", "", "the context's new default namespace")
	return cmd
}

func (a *app) viewConfigCmd() *cobra.Command {
	var minify, raw bool
	var output string
	cmd := &cobra.Command{
		Use:   "view",
		Short: "Print the merged kubeconfig",
		Long: `Print the merged kubeconfig. Certificate and key data print as DATA+OMITTED and
tokens and passwords as REDACTED, unless --raw.`,
		Example: `  kubectl-ng config view
  kubectl-ng config view --minify
  kubectl-ng config view --minify --raw -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			if output != "yaml" && output != "json" {
				return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: json,yaml", output)
			}
			if minify {
				if cfg, err = minifyConfig(cfg, a.context); err != nil {
					return err
				}
			}
			return writeJSONOrYAML(a.stdout, viewConfig(cfg, raw), output)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&minify, "minify", false, "keep only the current context, its cluster and its user")
	fl.BoolVar(&raw, "raw", false, "print secrets and certificate data as they are")
	fl.StringVarP(&output, "output", "o", "yaml", "yaml or json")
	return cmd
}

// minifyConfig keeps the context in use (--context, else current-context),
// its cluster and its user, as kubectl config view --minify does.
func minifyConfig(cfg *kubeconfig.Config, context string) (*kubeconfig.Config, error) {
	if context == "" {
		context = cfg.CurrentContext
	}
	if context == "" {
		return nil, errors.New("current-context must exist in order to minify")
	}
	nc := cfg.Context(context)
	if nc == nil {
		return nil, fmt.Errorf("cannot locate context %s", context)
	}
	out := &kubeconfig.Config{CurrentContext: context, Contexts: []kubeconfig.NamedContext{*nc}, Preferences: cfg.Preferences}
	if c := cfg.Cluster(nc.Context.Cluster); c != nil {
		out.Clusters = append(out.Clusters, *c)
	}
	if u := cfg.User(nc.Context.AuthInfo); u != nil {
		out.Users = append(out.Users, *u)
	}
	return out, nil
}

// viewConfig builds the kubeconfig document that kubectl config view prints:
// entries sorted by name, empty fields left out and, unless raw, byte data as
// DATA+OMITTED and secrets as REDACTED.
func viewConfig(cfg *kubeconfig.Config, raw bool) map[string]any {
	data := func(b []byte) any {
		if len(b) == 0 {
			return nil
		}
		if raw {
			return base64.StdEncoding.EncodeToString(b)
		}
		return "DATA+OMITTED"
	}
	secret := func(s string) any {
		if s == "" {
			return nil
		}
		if raw {
			return s
		}
		return kubeconfig.Redacted
	}
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	boolean := func(b bool) any {
		if !b {
			return nil
		}
		return true
	}
	exts := func(es []kubeconfig.NamedExtension) any {
		if len(es) == 0 {
			return nil
		}
		var out []any
		for _, e := range es {
			out = append(out, map[string]any{"name": e.Name, "extension": e.Extension})
		}
		return out
	}
	clusters := []any{}
	for _, c := range sortedByName(cfg.Clusters, func(c kubeconfig.NamedCluster) string { return c.Name }) {
		clusters = append(clusters, map[string]any{"name": c.Name, "cluster": compact(map[string]any{
			"server":                     str(c.Cluster.Server),
			"tls-server-name":            str(c.Cluster.TLSServerName),
			"insecure-skip-tls-verify":   boolean(c.Cluster.InsecureSkipTLSVerify),
			"certificate-authority":      str(c.Cluster.CertificateAuthority),
			"certificate-authority-data": data(c.Cluster.CertificateAuthorityData),
			"proxy-url":                  str(c.Cluster.ProxyURL),
			"disable-compression":        boolean(c.Cluster.DisableCompression),
			"extensions":                 exts(c.Cluster.Extensions),
		})})
	}
	contexts := []any{}
	for _, c := range sortedByName(cfg.Contexts, func(c kubeconfig.NamedContext) string { return c.Name }) {
		contexts = append(contexts, map[string]any{"name": c.Name, "context": compact(map[string]any{
			"cluster":    str(c.Context.Cluster),
			"user":       str(c.Context.AuthInfo),
			"namespace":  str(c.Context.Namespace),
			"extensions": exts(c.Context.Extensions),
		})})
	}
	users := []any{}
	for _, u := range sortedByName(cfg.Users, func(u kubeconfig.NamedAuthInfo) string { return u.Name }) {
		ai := u.AuthInfo
		m := map[string]any{
			"client-certificate":      str(ai.ClientCertificate),
			"client-key":              str(ai.ClientKey),
			"client-certificate-data": data(ai.ClientCertificateData),
			"client-key-data":         data(ai.ClientKeyData),
			"token":                   secret(ai.Token),
			"tokenFile":               str(ai.TokenFile),
			"as":                      str(ai.Impersonate),
			"as-uid":                  str(ai.ImpersonateUID),
			"username":                str(ai.Username),
			"password":                secret(ai.Password),
		}
		if len(ai.ImpersonateGroups) > 0 {
			m["as-groups"] = ai.ImpersonateGroups
		}
		if len(ai.ImpersonateUserExtra) > 0 {
			m["as-user-extra"] = ai.ImpersonateUserExtra
		}
		if p := ai.AuthProvider; p != nil {
			conf := map[string]any{}
			for k, v := range p.Config {
				conf[k] = v
				if !raw && (strings.Contains(k, "token") || strings.Contains(k, "secret")) {
					conf[k] = kubeconfig.Redacted
				}
			}
			m["auth-provider"] = map[string]any{"name": p.Name, "config": conf}
		}
		if e := ai.Exec; e != nil {
			var args, env any
			if len(e.Args) > 0 {
				args = e.Args
			}
			if len(e.Env) > 0 {
				var vars []any
				for _, v := range e.Env {
					vars = append(vars, map[string]any{"name": v.Name, "value": secret(v.Value)})
				}
				env = vars
			}
			m["exec"] = compact(map[string]any{
				"command": str(e.Command), "args": args, "env": env,
				"apiVersion": str(e.APIVersion), "installHint": str(e.InstallHint),
				"provideClusterInfo": e.ProvideClusterInfo, "interactiveMode": str(e.InteractiveMode),
			})
		}
		users = append(users, map[string]any{"name": u.Name, "user": compact(m)})
	}
	prefs := map[string]any{}
	for k, v := range cfg.Preferences {
		prefs[k] = v
	}
	return map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"clusters":        clusters,
		"contexts":        contexts,
		"users":           users,
		"current-context": cfg.CurrentContext,
		"preferences":     prefs,
	}
}

// compact drops nil values.
func compact(m map[string]any) map[string]any {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
	return m
}

func sortedByName[T any](xs []T, name func(T) string) []T {
	out := slices.Clone(xs)
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	return out
}
