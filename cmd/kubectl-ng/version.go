package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

func (a *app) versionCmd() *cobra.Command {
	var clientOnly bool
	var output string
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the client and server versions",
		Example: "  kubectl-ng version\n  kubectl-ng version --client -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := map[string]any{"clientVersion": map[string]any{"gitVersion": clientVersion()}}
			var serverErr error
			if !clientOnly {
				c, err := a.client()
				if err != nil {
					return err
				}
				v, err := c.Version(cmd.Context())
				if err != nil {
					serverErr = err
				} else {
					out["serverVersion"] = v
				}
			}
			switch output {
			case "":
				fmt.Fprintf(a.stdout, "Client Version: %s\n", clientVersion())
				if sv, ok := out["serverVersion"]; ok {
					fmt.Fprintf(a.stdout, "Server Version: %s\n", sv)
				}
			case "json", "yaml":
				if err := writeJSONOrYAML(a.stdout, out, output); err != nil {
					return err
				}
			default:
				return fmt.Errorf("--output must be 'yaml' or 'json'")
			}
			return serverErr
		},
	}
	cmd.Flags().BoolVar(&clientOnly, "client", false, "print the client version only; do not contact the server")
	cmd.Flags().StringVarP(&output, "output", "o", "", "yaml or json")
	return cmd
}

func (a *app) whoamiCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "whoami",
		Short:   "Show who the server thinks you are",
		Long:    "Show who the server thinks you are, with the SelfSubjectReview API (kubectl auth whoami).",
		Example: "  kubectl-ng whoami\n  kubectl-ng whoami -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			u, err := c.Whoami(cmd.Context())
			if err != nil {
				return err
			}
			switch output {
			case "":
				tw := newTabWriter(a.stdout)
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
			case "json", "yaml":
				review := map[string]any{
					"kind":       "SelfSubjectReview",
					"apiVersion": "authentication.k8s.io/v1",
					"metadata":   map[string]any{},
					"status":     map[string]any{"userInfo": u},
				}
				return writeJSONOrYAML(a.stdout, review, output)
			}
			return fmt.Errorf("--output must be 'yaml' or 'json'")
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "yaml or json")
	return cmd
}
