package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) apiResourcesCmd() *cobra.Command {
	var (
		output     string
		namespaced string
		group      string
		verbs      []string
		noHeaders  bool
	)
	cmd := &cobra.Command{
		Use:   "api-resources",
		Short: "Print the resource types the server serves",
		Example: `  kubectl-ng api-resources
  kubectl-ng api-resources --namespaced=false -o wide
  kubectl-ng api-resources --api-group=apps -o name`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "" && output != "wide" && output != "name" {
				return fmt.Errorf("--output %q is not available: use wide or name", output)
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			all, err := c.APIResources(cmd.Context())
			if err != nil {
				return err
			}
			// The first entry of each group and name is the preferred
			// version, the one kubectl shows.
			seen := map[string]bool{}
			var rs []kr8s.APIResource
			for _, r := range all {
				key := r.Group + "/" + r.Name
				if seen[key] {
					continue
				}
				seen[key] = true
				if namespaced != "" && fmt.Sprint(r.Namespaced) != namespaced {
					continue
				}
				if cmd.Flags().Changed("api-group") && r.Group != group {
					continue
				}
				if !hasVerbs(r.Verbs, verbs) {
					continue
				}
				rs = append(rs, r)
			}
			// kubectl sorts by group, stably (kubectl/pkg/cmd/apiresources).
			sort.SliceStable(rs, func(i, j int) bool { return rs[i].Group < rs[j].Group })
			if output == "name" {
				for _, r := range rs {
					fmt.Fprintln(a.stdout, resourceName(r))
				}
				return nil
			}
			tw := newTabWriter(a.stdout)
			if !noHeaders {
				h := "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"
				if output == "wide" {
					h += "\tVERBS\tCATEGORIES"
				}
				fmt.Fprintln(tw, h)
			}
			for _, r := range rs {
				line := fmt.Sprintf("%s\t%s\t%s\t%v\t%s", r.Name, strings.Join(r.ShortNames, ","), r.GroupVersion(), r.Namespaced, r.Kind)
				if output == "wide" {
					line += fmt.Sprintf("\t[%s]\t%s", strings.Join(r.Verbs, " "), strings.Join(r.Categories, ","))
				}
				fmt.Fprintln(tw, line)
			}
			return tw.Flush()
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "wide or name")
	fl.StringVar(&namespaced, "namespaced", "", "true for namespaced resources only, false for cluster-scoped ones only")
	fl.StringVar(&group, "api-group", "", "only resources in this API group (\"\" for the core group)")
	fl.StringSliceVar(&verbs, "verbs", nil, "only resources that support these verbs")
	fl.BoolVar(&noHeaders, "no-headers", false, "leave out the header line")
	return cmd
}

// resourceName is how api-resources -o name prints a resource:
// "pods", "deployments.apps".
func resourceName(r kr8s.APIResource) string {
	if r.Group == "" {
		return r.Name
	}
	return r.Name + "." + r.Group
}

func hasVerbs(have, want []string) bool {
	for _, v := range want {
		if !slices.Contains(have, v) {
			return false
		}
	}
	return true
}

func (a *app) apiVersionsCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "api-versions",
		Short:   "Print the group versions the server serves, as group/version",
		Example: "  kubectl-ng api-versions",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			vs, err := c.APIVersions(cmd.Context())
			if err != nil {
				return err
			}
			slices.Sort(vs)
			for _, v := range vs {
				fmt.Fprintln(a.stdout, v)
			}
			return nil
		},
	}
}
