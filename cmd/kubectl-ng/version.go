package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// versionOptions are the flags of version; run prints the versions.
type versionOptions struct {
	*app
	clientOnly bool
	output     string
}

func (a *app) versionCmd() *cobra.Command {
	o := &versionOptions{app: a}
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the client and server versions",
		Example: "  kubectl-ng version\n  kubectl-ng version --client -o json",
		Args:    cobra.NoArgs,
		RunE:    runWith(o.run),
	}
	outputFlag(cmd, &o.output, "", "yaml or json")
	cmd.Flags().BoolVar(&o.clientOnly, "client", false, "print the client version only; do not contact the server")
	return cmd
}

// run is version. A server that cannot be reached is an error after the
// client version is printed.
func (o *versionOptions) run(ctx context.Context, _ []string) error {
	out := map[string]any{"clientVersion": map[string]any{"gitVersion": clientVersion()}}
	var serverErr error
	if !o.clientOnly {
		c, err := o.client()
		if err != nil {
			return err
		}
		v, err := c.Version(ctx)
		if err != nil {
			serverErr = err
		} else {
			out["serverVersion"] = v
		}
	}
	if o.output == "" {
		fmt.Fprintf(o.stdout, "Client Version: %s\n", clientVersion())
		if sv, ok := out["serverVersion"]; ok {
			fmt.Fprintf(o.stdout, "Server Version: %s\n", sv)
		}
	} else if err := o.writeDocument(out, o.output); err != nil {
		return err
	}
	return serverErr
}

// whoamiOptions are the flags of whoami; run prints the user.
type whoamiOptions struct {
	*app
	output string
}

func (a *app) whoamiCmd() *cobra.Command {
	o := &whoamiOptions{app: a}
	cmd := &cobra.Command{
		Use:     "whoami",
		Short:   "Show who the server thinks you are",
		Long:    "Show who the server thinks you are, with the SelfSubjectReview API (kubectl auth whoami).",
		Example: "  kubectl-ng whoami\n  kubectl-ng whoami -o json",
		Args:    cobra.NoArgs,
		RunE:    runWith(o.run),
	}
	outputFlag(cmd, &o.output, "", "yaml or json")
	return cmd
}

// run is whoami: a table of the user's attributes, or the review as
// JSON or YAML.
func (o *whoamiOptions) run(ctx context.Context, _ []string) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	u, err := c.Whoami(ctx)
	if err != nil {
		return err
	}
	if o.output != "" {
		review := map[string]any{
			"kind":       "SelfSubjectReview",
			"apiVersion": "authentication.k8s.io/v1",
			"metadata":   map[string]any{},
			"status":     map[string]any{"userInfo": u},
		}
		return o.writeDocument(review, o.output)
	}
	tw := newTabWriter(o.stdout)
	fmt.Fprintln(tw, "ATTRIBUTE\tVALUE")
	fmt.Fprintf(tw, "Username\t%s\n", u.Username)
	if u.UID != "" {
		fmt.Fprintf(tw, "UID\t%s\n", u.UID)
	}
	if len(u.Groups) > 0 {
		fmt.Fprintf(tw, "Groups\t[%s]\n", strings.Join(u.Groups, " "))
	}
	for _, k := range slices.Sorted(maps.Keys(u.Extra)) {
		fmt.Fprintf(tw, "Extra: %s\t[%s]\n", k, strings.Join(u.Extra[k], " "))
	}
	return tw.Flush()
}

// writeDocument prints v as -o json or -o yaml asks, for the commands
// that print nothing else.
func (a *app) writeDocument(v any, output string) error {
	if output != "json" && output != "yaml" {
		return errors.New("--output must be 'yaml' or 'json'")
	}
	return writeJSONOrYAML(a.stdout, v, output)
}
