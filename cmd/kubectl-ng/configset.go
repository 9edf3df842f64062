package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kr8s-go/kr8s/kubeconfig"
	"github.com/spf13/cobra"
)

// getNamesOptions are those of config get-clusters and get-users, which
// list the names of one list of the kubeconfig and have no flags.
type getNamesOptions struct {
	*app
	list string // "clusters" or "users"
}

// getNamesCmd builds config get-clusters or get-users.
func (a *app) getNamesCmd(list string) *cobra.Command {
	o := &getNamesOptions{app: a, list: list}
	return &cobra.Command{
		Use:     "get-" + list,
		Short:   "List the " + list + " of the kubeconfig",
		Long:    "List the names of the " + list + " of the kubeconfig, sorted.",
		Example: "  kubectl-ng config get-" + list,
		Args:    cobra.NoArgs,
		RunE:    runWith(o.run),
	}
}

// run prints a NAME header and the names, sorted (kubectl 1.32 prints
// clusters in random order).
func (o *getNamesOptions) run(context.Context, []string) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return err
	}
	var names []string
	if o.list == "clusters" {
		for _, c := range cfg.Clusters {
			names = append(names, c.Name)
		}
	} else {
		for _, u := range cfg.Users {
			names = append(names, u.Name)
		}
	}
	slices.Sort(names)
	fmt.Fprintln(o.stdout, "NAME")
	for _, n := range names {
		fmt.Fprintln(o.stdout, n)
	}
	return nil
}

// kubeconfigFiles are the files the config commands change: --kubeconfig,
// else those of $KUBECONFIG, else ~/.kube/config.
func (a *app) kubeconfigFiles() kubeconfig.Files {
	if a.kubeconfig != "" {
		return kubeconfig.Files{a.kubeconfig}
	}
	return kubeconfig.Files(kubeconfig.DefaultPaths())
}

// entryFields are the fields of a cluster, user and context entry that
// config set and unset address, by kubectl's names, with how set reads a
// value: "string", "bool" (true or false) or "bytes" (base64). Fields
// marked "" can only be unset, as in kubectl.
var entryFields = map[string]map[string]string{
	"clusters": {
		"server": "string", "tls-server-name": "string", "insecure-skip-tls-verify": "bool",
		"certificate-authority": "string", "certificate-authority-data": "bytes",
		"proxy-url": "string", "disable-compression": "bool", "extensions": "",
	},
	"users": {
		"client-certificate": "string", "client-certificate-data": "bytes",
		"client-key": "string", "client-key-data": "bytes", "token": "string", "tokenFile": "string",
		"act-as": "string", "act-as-uid": "string", "act-as-groups": "", "act-as-user-extra": "",
		"username": "string", "password": "string", "auth-provider": "", "exec": "", "extensions": "",
	},
	"contexts": {"cluster": "string", "user": "string", "namespace": "string", "extensions": ""},
}

// fileFields are the names in the file of the fields that kubectl names
// otherwise (its internal names).
var fileFields = map[string]string{"act-as": "as", "act-as-uid": "as-uid", "act-as-groups": "as-groups", "act-as-user-extra": "as-user-extra"}

// entryBodies are the keys of an entry's body: {name, cluster: {...}}.
var entryBodies = map[string]string{"clusters": "cluster", "users": "user", "contexts": "context"}

// configProperty is a PROPERTY_NAME of config set and unset, read as
// kubectl reads it: dot-separated, an entry's name running up to the first
// part that is a field of the entry, so "clusters.a.b.server" is the
// server of the cluster "a.b".
type configProperty struct {
	list    string // "clusters", "users" or "contexts"; "" for a top-level field
	entry   string // the entry's name; "" for the whole list
	field   string // the entry's field, in the file's spelling; "" for the whole entry
	pointer string // a top-level field's JSON pointer
	kind    string // how set reads a value (see entryFields)
}

// parseProperty reads a PROPERTY_NAME.
func parseProperty(s string) (*configProperty, error) {
	parts := strings.Split(s, ".")
	p := &configProperty{}
	switch parts[0] {
	case "current-context":
		p.pointer, p.kind = "/current-context", "string"
		if len(parts) > 1 {
			return nil, fmt.Errorf("unable to parse %q: current-context has no fields", s)
		}
	case "preferences":
		switch {
		case len(parts) == 1:
			p.pointer = "/preferences"
		case len(parts) == 2 && parts[1] == "colors":
			p.pointer, p.kind = "/preferences/colors", "bool"
		default:
			return nil, fmt.Errorf("unable to parse %q: the only field of preferences is colors", s)
		}
	case "clusters", "users", "contexts":
		p.list = parts[0]
		if len(parts) == 1 {
			return p, nil
		}
		fields := entryFields[p.list]
		end := len(parts)
		for i := 2; i < len(parts); i++ {
			if _, ok := fields[parts[i]]; ok {
				end = i
				break
			}
		}
		p.entry = strings.Join(parts[1:end], ".")
		if end == len(parts) {
			return p, nil
		}
		if end+1 < len(parts) {
			return nil, fmt.Errorf("unable to parse %q: kubectl-ng cannot address the parts of %s", s, parts[end])
		}
		p.kind = fields[parts[end]]
		p.field = parts[end]
		if f, ok := fileFields[p.field]; ok {
			p.field = f
		}
	default:
		return nil, fmt.Errorf("unable to parse %q: a property starts with current-context, preferences, clusters, users or contexts", s)
	}
	return p, nil
}

// value converts a PROPERTY_VALUE for the property; rawBytes is
// --set-raw-bytes. The value is never quoted in errors: it may be a token.
func (p *configProperty) value(name, s string, rawBytes bool) (any, error) {
	switch p.kind {
	case "string":
		return s, nil
	case "bool":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("cannot set %q: the value must be true or false", name)
		}
		return b, nil
	case "bytes":
		if rawBytes {
			return base64.StdEncoding.EncodeToString([]byte(s)), nil
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("error decoding input value: %v", err)
		}
		return base64.StdEncoding.EncodeToString(b), nil
	}
	if p.list != "" && p.field == "" {
		return nil, fmt.Errorf("cannot set %q to a value: name one of its fields, such as %s.%s.%s", name, p.list, orDefault(p.entry, "NAME"), firstField[p.list])
	}
	return nil, fmt.Errorf("cannot set %q: kubectl-ng config set changes text, boolean and base64 fields only (unset it, or edit the file)", name)
}

// firstField is a field of each list's entries, for messages.
var firstField = map[string]string{"clusters": "server", "users": "token", "contexts": "namespace"}

// configSetOptions are the flags of config set; run sets the property.
type configSetOptions struct {
	*app
	rawBytes bool
}

func (a *app) configSetCmd() *cobra.Command {
	o := &configSetOptions{app: a}
	cmd := &cobra.Command{
		Use:   "set PROPERTY_NAME PROPERTY_VALUE",
		Short: "Set a value in the kubeconfig file",
		Long: `Set a value in the kubeconfig file. PROPERTY_NAME is dot-separated, as in kubectl:
current-context, preferences.colors, or clusters.NAME.FIELD, users.NAME.FIELD and
contexts.NAME.FIELD, where NAME may contain dots. A field of an existing entry is
set in the file that defines the entry; a new entry and current-context go to the
first kubeconfig file that exists. Base64 fields (certificate-authority-data,
client-certificate-data, client-key-data) take base64 unless --set-raw-bytes.`,
		Example: `  kubectl-ng config set clusters.prod.server https://1.2.3.4:6443
  kubectl-ng config set contexts.prod.namespace web
  kubectl-ng config set users.admin.client-key-data "$(base64 -w0 key.pem)"
  kubectl-ng config set users.admin.client-key-data "$(cat key.pem)" --set-raw-bytes`,
		Args: cobra.ExactArgs(2),
		RunE: runWith(o.run),
	}
	cmd.Flags().BoolVar(&o.rawBytes, "set-raw-bytes", false, "take a base64 field's value as the bytes themselves")
	return cmd
}

// run sets args[0] to args[1].
func (o *configSetOptions) run(_ context.Context, args []string) error {
	name, s := args[0], args[1]
	if s == "" {
		return errors.New("you cannot use set to unset a property")
	}
	p, err := parseProperty(name)
	if err != nil {
		return err
	}
	v, err := p.value(name, s, o.rawBytes)
	if err != nil {
		return err
	}
	files := o.kubeconfigFiles()
	if p.list == "" {
		err = files.Set(p.pointer, v)
	} else {
		path, ptr, lerr := files.Locate(p.list, p.entry)
		switch {
		case errors.Is(lerr, kubeconfig.ErrNotFound):
			err = files.Set("/"+p.list+"/-", map[string]any{"name": p.entry, entryBodies[p.list]: map[string]any{p.field: v}})
		case lerr != nil:
			err = lerr
		default:
			err = kubeconfig.Files{path}.Set(ptr+"/"+entryBodies[p.list]+"/"+p.field, v)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "Property %q set.\n", name)
	return nil
}

// configUnsetOptions are config unset's, which has no flags of its own.
type configUnsetOptions struct{ *app }

func (a *app) configUnsetCmd() *cobra.Command {
	o := &configUnsetOptions{app: a}
	return &cobra.Command{
		Use:   "unset PROPERTY_NAME",
		Short: "Remove a value from the kubeconfig file",
		Long: `Remove a value from the kubeconfig file; PROPERTY_NAME is as for config set.
clusters.NAME removes a whole entry, from the file that defines it. Unlike kubectl,
which clears current-context in the first file that sets it (so a later file's may
then apply), unset current-context clears it in every file.`,
		Example: `  kubectl-ng config unset contexts.prod.namespace
  kubectl-ng config unset users.old-admin
  kubectl-ng config unset current-context`,
		Args: cobra.ExactArgs(1),
		RunE: runWith(o.run),
	}
}

// run removes args[0]. A field that has no value already counts as
// removed, as in kubectl; an entry that does not exist is an error.
func (o *configUnsetOptions) run(_ context.Context, args []string) error {
	name := args[0]
	p, err := parseProperty(name)
	if err != nil {
		return err
	}
	files := o.kubeconfigFiles()
	switch {
	case p.list == "":
		err = files.Unset(p.pointer)
	case p.entry == "":
		err = files.Unset("/" + p.list)
	default:
		path, ptr, lerr := files.Locate(p.list, p.entry)
		if lerr != nil {
			return lerr
		}
		if p.field != "" {
			ptr += "/" + entryBodies[p.list] + "/" + p.field
		}
		err = kubeconfig.Files{path}.Unset(ptr)
	}
	if err != nil && !errors.Is(err, kubeconfig.ErrNotFound) {
		return err
	}
	fmt.Fprintf(o.stdout, "Property %q unset.\n", name)
	return nil
}
