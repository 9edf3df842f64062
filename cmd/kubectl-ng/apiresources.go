package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// apiResourcesOptions are the flags of api-resources; run prints the
// resources.
type apiResourcesOptions struct {
	*app
	output     string
	namespaced string
	group      string
	groupSet   bool // --api-group was given: "" is the core group
	verbs      []string
	noHeaders  bool
}

func (a *app) apiResourcesCmd() *cobra.Command {
	o := &apiResourcesOptions{app: a}
	cmd := &cobra.Command{
		Use:   "api-resources",
		Short: "Print the resource types the server serves",
		Example: `  kubectl-ng api-resources
  kubectl-ng api-resources --namespaced=false -o wide
  kubectl-ng api-resources --api-group=apps -o name`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.groupSet = cmd.Flags().Changed("api-group")
			return o.run(cmd.Context(), args)
		},
	}
	outputFlag(cmd, &o.output, "", "wide or name")
	noHeadersFlag(cmd, &o.noHeaders)
	fl := cmd.Flags()
	fl.StringVar(&o.namespaced, "namespaced", "", "true for namespaced resources only, false for cluster-scoped ones only")
	fl.StringVar(&o.group, "api-group", "", "only resources in this API group (\"\" for the core group)")
	fl.StringSliceVar(&o.verbs, "verbs", nil, "only resources that support these verbs")
	return cmd
}

// run is api-resources: the served resources that the flags pick, as a
// table or names.
func (o *apiResourcesOptions) run(ctx context.Context, _ []string) error {
	if o.output != "" && o.output != "wide" && o.output != "name" {
		return fmt.Errorf("--output %q is not available: use wide or name", o.output)
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	all, err := c.APIResources(ctx)
	if err != nil {
		return err
	}
	rs := o.pick(all)
	if o.output == "name" {
		for _, r := range rs {
			fmt.Fprintln(o.stdout, resourceName(r))
		}
		return nil
	}
	tw := newTabWriter(o.stdout)
	if !o.noHeaders {
		h := "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"
		if o.output == "wide" {
			h += "\tVERBS\tCATEGORIES"
		}
		fmt.Fprintln(tw, h)
	}
	for _, r := range rs {
		line := fmt.Sprintf("%s\t%s\t%s\t%v\t%s", r.Name, strings.Join(r.ShortNames, ","), r.GroupVersion(), r.Namespaced, r.Kind)
		if o.output == "wide" {
			line += fmt.Sprintf("\t[%s]\t%s", strings.Join(r.Verbs, " "), strings.Join(r.Categories, ","))
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

// pick keeps the preferred version of each resource, if the flags want
// it, sorted by group as kubectl sorts.
func (o *apiResourcesOptions) pick(all []kr8s.APIResource) []kr8s.APIResource {
	// The first entry of each group and name is the preferred version,
	// the one kubectl shows.
	seen := map[string]bool{}
	var rs []kr8s.APIResource
	for _, r := range all {
		key := r.Group + "/" + r.Name
		if seen[key] {
			continue
		}
		seen[key] = true
		if o.namespaced != "" && fmt.Sprint(r.Namespaced) != o.namespaced ||
			o.groupSet && r.Group != o.group || !hasVerbs(r.Verbs, o.verbs) {
			continue
		}
		rs = append(rs, r)
	}
	// kubectl sorts by group, stably (kubectl/pkg/cmd/apiresources).
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Group < rs[j].Group })
	return rs
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

// apiVersionsOptions are api-versions', which has no flags of its own.
type apiVersionsOptions struct{ *app }

func (a *app) apiVersionsCmd() *cobra.Command {
	o := &apiVersionsOptions{app: a}
	return &cobra.Command{
		Use:     "api-versions",
		Short:   "Print the group versions the server serves, as group/version",
		Example: "  kubectl-ng api-versions",
		Args:    cobra.NoArgs,
		RunE:    runWith(o.run),
	}
}

// run is api-versions: the group versions, sorted.
func (o *apiVersionsOptions) run(ctx context.Context, _ []string) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	vs, err := c.APIVersions(ctx)
	if err != nil {
		return err
	}
	slices.Sort(vs)
	for _, v := range vs {
		fmt.Fprintln(o.stdout, v)
	}
	return nil
}
