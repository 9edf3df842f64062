package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kr8s-go/kr8s/kubeconfig"
	"github.com/spf13/cobra"
)

// renameContextOptions are config rename-context's, which has no flags of
// its own.
type renameContextOptions struct{ *app }

func (a *app) renameContextCmd() *cobra.Command {
	o := &renameContextOptions{app: a}
	return &cobra.Command{
		Use:     "rename-context OLD NEW",
		Short:   "Rename a context in the kubeconfig file",
		Example: "  kubectl-ng config rename-context kind-dev dev",
		Args:    cobra.ExactArgs(2),
		RunE:    runWith(o.run),
	}
}

// run renames context args[0] to args[1], in the file that defines it;
// current-context follows it.
func (o *renameContextOptions) run(_ context.Context, args []string) error {
	if err := o.kubeconfigFiles().RenameContext(args[0], args[1]); err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "Context %q renamed to %q.\n", args[0], args[1])
	return nil
}

// setContextOptions are the flags of config set-context; run sets the
// context's namespace.
type setContextOptions struct {
	*app
	current      bool
	newNamespace string
	namespaceSet bool // --namespace was given
}

func (a *app) setContextCmd() *cobra.Command {
	o := &setContextOptions{app: a}
	cmd := &cobra.Command{
		Use:   "set-context (NAME | --current) --namespace=NAMESPACE",
		Short: "Set the default namespace of a context in the kubeconfig file",
		Example: `  kubectl-ng config set-context --current --namespace=web
  kubectl-ng config set-context prod --namespace=default`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.namespaceSet = cmd.Flags().Changed("namespace")
			return o.run(cmd.Context(), args)
		},
	}
	cmd.Flags().BoolVar(&o.current, "current", false, "change the current context")
	// The global -n/--namespace flag is shadowed here on purpose, as in kubectl.
	cmd.Flags().StringVar(&o.newNamespace, "namespace", "", "the context's new default namespace")
	return cmd
}

// run sets the namespace of the context args names, or of the current one.
func (o *setContextOptions) run(_ context.Context, args []string) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return err
	}
	var name string
	switch {
	case o.current && len(args) > 0:
		return usageError{errors.New("you cannot specify both a context name and --current")}
	case o.current:
		if name = cfg.CurrentContext; o.context != "" {
			name = o.context
		}
		if name == "" {
			return errors.New("current-context is not set")
		}
	case len(args) == 1:
		name = args[0]
	default:
		return usageError{errors.New("you must specify a context name or --current")}
	}
	if !o.namespaceSet {
		return usageError{errors.New("--namespace must be set: it is the only field set-context changes")}
	}
	nc := cfg.Context(name)
	if nc == nil {
		return fmt.Errorf("no context exists with the name: %q", name)
	}
	if err := kubeconfig.SetContextNamespace(nc.Source, name, o.newNamespace); err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "Context %q modified.\n", name)
	return nil
}

// viewConfigOptions are the flags of config view; run prints the
// kubeconfig.
type viewConfigOptions struct {
	*app
	minify, raw bool
	output      string
}

func (a *app) viewConfigCmd() *cobra.Command {
	o := &viewConfigOptions{app: a}
	cmd := &cobra.Command{
		Use:   "view",
		Short: "Print the merged kubeconfig",
		Long: `Print the merged kubeconfig. Certificate and key data print as DATA+OMITTED and
tokens and passwords as REDACTED, unless --raw.`,
		Example: `  kubectl-ng config view
  kubectl-ng config view --minify
  kubectl-ng config view --minify --raw -o json`,
		Args: cobra.NoArgs,
		RunE: runWith(o.run),
	}
	outputFlag(cmd, &o.output, "yaml", "yaml or json")
	fl := cmd.Flags()
	fl.BoolVar(&o.minify, "minify", false, "keep only the current context, its cluster and its user")
	fl.BoolVar(&o.raw, "raw", false, "print secrets and certificate data as they are")
	return cmd
}

// run prints the merged kubeconfig, or with --minify the part in use.
func (o *viewConfigOptions) run(context.Context, []string) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return err
	}
	if o.output != "yaml" && o.output != "json" {
		return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: json,yaml", o.output)
	}
	if o.minify {
		if cfg, err = minifyConfig(cfg, o.context); err != nil {
			return err
		}
	}
	return writeJSONOrYAML(o.stdout, configView{raw: o.raw}.config(cfg), o.output)
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

// configView builds the kubeconfig document that kubectl config view
// prints: entries sorted by name, empty fields left out and, unless raw,
// byte data as DATA+OMITTED and secrets as REDACTED. Its methods turn a
// value into its entry of the document, nil to leave it out.
type configView struct{ raw bool }

// config is the whole document.
func (v configView) config(cfg *kubeconfig.Config) map[string]any {
	prefs := map[string]any{}
	for k, val := range cfg.Preferences {
		prefs[k] = val
	}
	return map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"clusters":        namedList(cfg.Clusters, func(c kubeconfig.NamedCluster) string { return c.Name }, "cluster", v.cluster),
		"contexts":        namedList(cfg.Contexts, func(c kubeconfig.NamedContext) string { return c.Name }, "context", v.context),
		"users":           namedList(cfg.Users, func(u kubeconfig.NamedAuthInfo) string { return u.Name }, "user", v.user),
		"current-context": cfg.CurrentContext,
		"preferences":     prefs,
	}
}

// namedList is a list of named entries: sorted by name, each
// {"name": NAME, key: BODY} with BODY's nil fields left out.
func namedList[T any](xs []T, name func(T) string, key string, body func(T) map[string]any) []any {
	out := []any{}
	for _, x := range sortedByName(xs, name) {
		out = append(out, map[string]any{"name": name(x), key: compact(body(x))})
	}
	return out
}

// cluster is one entry of "clusters".
func (v configView) cluster(nc kubeconfig.NamedCluster) map[string]any {
	c := nc.Cluster
	return map[string]any{
		"server":                     optString(c.Server),
		"tls-server-name":            optString(c.TLSServerName),
		"insecure-skip-tls-verify":   optBool(c.InsecureSkipTLSVerify),
		"certificate-authority":      optString(c.CertificateAuthority),
		"certificate-authority-data": v.data(c.CertificateAuthorityData),
		"proxy-url":                  optString(c.ProxyURL),
		"disable-compression":        optBool(c.DisableCompression),
		"extensions":                 extensions(c.Extensions),
	}
}

// context is one entry of "contexts".
func (v configView) context(nc kubeconfig.NamedContext) map[string]any {
	c := nc.Context
	return map[string]any{
		"cluster":    optString(c.Cluster),
		"user":       optString(c.AuthInfo),
		"namespace":  optString(c.Namespace),
		"extensions": extensions(c.Extensions),
	}
}

// user is one entry of "users".
func (v configView) user(u kubeconfig.NamedAuthInfo) map[string]any {
	ai := u.AuthInfo
	m := map[string]any{
		"client-certificate":      optString(ai.ClientCertificate),
		"client-key":              optString(ai.ClientKey),
		"client-certificate-data": v.data(ai.ClientCertificateData),
		"client-key-data":         v.data(ai.ClientKeyData),
		"token":                   v.secret(ai.Token),
		"tokenFile":               optString(ai.TokenFile),
		"as":                      optString(ai.Impersonate),
		"as-uid":                  optString(ai.ImpersonateUID),
		"username":                optString(ai.Username),
		"password":                v.secret(ai.Password),
	}
	if len(ai.ImpersonateGroups) > 0 {
		m["as-groups"] = ai.ImpersonateGroups
	}
	if len(ai.ImpersonateUserExtra) > 0 {
		m["as-user-extra"] = ai.ImpersonateUserExtra
	}
	if p := ai.AuthProvider; p != nil {
		conf := map[string]any{}
		for k, val := range p.Config {
			conf[k] = val
			if !v.raw && (strings.Contains(k, "token") || strings.Contains(k, "secret")) {
				conf[k] = kubeconfig.Redacted
			}
		}
		m["auth-provider"] = map[string]any{"name": p.Name, "config": conf}
	}
	if e := ai.Exec; e != nil {
		m["exec"] = compact(v.exec(e))
	}
	return m
}

// exec is a user's credential plugin.
func (v configView) exec(e *kubeconfig.ExecConfig) map[string]any {
	var args, env any
	if len(e.Args) > 0 {
		args = e.Args
	}
	if len(e.Env) > 0 {
		var vars []any
		for _, ev := range e.Env {
			vars = append(vars, map[string]any{"name": ev.Name, "value": v.secret(ev.Value)})
		}
		env = vars
	}
	return map[string]any{
		"command": optString(e.Command), "args": args, "env": env,
		"apiVersion": optString(e.APIVersion), "installHint": optString(e.InstallHint),
		"provideClusterInfo": e.ProvideClusterInfo, "interactiveMode": optString(e.InteractiveMode),
	}
}

// data is certificate or key data: base64 with raw, else DATA+OMITTED.
func (v configView) data(b []byte) any {
	return v.hide(base64.StdEncoding.EncodeToString(b), "DATA+OMITTED")
}

// secret is a token or password: itself with raw, else REDACTED.
func (v configView) secret(s string) any { return v.hide(s, kubeconfig.Redacted) }

// hide is s with raw, else placeholder; nil when s is empty.
func (v configView) hide(s, placeholder string) any {
	if s == "" {
		return nil
	}
	if v.raw {
		return s
	}
	return placeholder
}

// optString leaves out an empty string.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// optBool leaves out false.
func optBool(b bool) any {
	if !b {
		return nil
	}
	return true
}

// extensions is a list of named extensions; none is left out.
func extensions(es []kubeconfig.NamedExtension) any {
	if len(es) == 0 {
		return nil
	}
	var out []any
	for _, e := range es {
		out = append(out, map[string]any{"name": e.Name, "extension": e.Extension})
	}
	return out
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

// sortedByName is a copy of xs sorted by name, stably.
func sortedByName[T any](xs []T, name func(T) string) []T {
	out := slices.Clone(xs)
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	return out
}
