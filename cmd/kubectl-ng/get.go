package main

import (
	"fmt"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) getCmd() *cobra.Command {
	var (
		output       string
		sel          selection
		showKind     bool
		showLabels   bool
		noHeaders    bool
		labelColumns []string
	)
	cmd := &cobra.Command{
		Use:   "get TYPE[,TYPE...] [NAME...] | TYPE/NAME...",
		Short: "Display one or many resources",
		Long: `Display one or many resources. Columns come from the server's own printing,
so every kind, custom resources included, prints as kubectl prints it.`,
		Example: `  kubectl-ng get pods
  kubectl-ng get deploy,svc -n web -o wide
  kubectl-ng get pod/web -o jsonpath='{.status.phase}'
  kubectl-ng get nodes --show-labels`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f, err := parseOutput(output)
			if err != nil {
				return err
			}
			ts, err := a.targets(ctx, args)
			if err != nil {
				return err
			}
			c, _ := a.client()
			ns := c.Namespace()
			if sel.allNamespaces {
				ns = kr8s.AllNamespaces
			}
			named := false
			for _, t := range ts {
				if len(t.names) > 0 {
					named = true
					if sel.labelSelector != "" || sel.fieldSelector != "" {
						return fmt.Errorf("selectors cannot be used with names")
					}
				}
			}

			if f.name != "" && f.name != "wide" {
				var objs []*kr8s.Object
				for _, t := range ts {
					kind := kr8s.NewKind(*t.kind)
					if len(t.names) > 0 {
						for _, name := range t.names {
							o, err := kind.Get(ctx, name, &kr8s.GetOptions{API: c, Namespace: scope(t.kind, ns)})
							if err != nil {
								return err
							}
							objs = append(objs, o)
						}
						continue
					}
					list, err := kind.ListAll(ctx, &kr8s.ListOptions{
						API: c, Namespace: scope(t.kind, ns),
						LabelSelector: sel.labelSelector, FieldSelector: sel.fieldSelector,
					})
					if err != nil {
						return err
					}
					objs = append(objs, list...)
				}
				single := len(args) == 1 && len(ts) == 1 && len(ts[0].names) == 1 ||
					len(args) == 2 && len(ts) == 1 && len(ts[0].names) == 1
				if len(objs) == 0 && !named && f.name == "name" {
					a.noResources(scope(ts[0].kind, ns))
					return nil
				}
				return printObjects(a.stdout, f, objs, single)
			}

			opts := tableOptions{
				wide:          f.name == "wide",
				noHeaders:     noHeaders,
				showKind:      showKind || len(ts) > 1,
				allNamespaces: sel.allNamespaces,
				showLabels:    showLabels,
				labelColumns:  labelColumns,
			}
			printed := 0
			for _, t := range ts {
				table, err := c.Table(ctx, t.kind, scope(t.kind, ns), t.names, &kr8s.ListOptions{
					LabelSelector: sel.labelSelector, FieldSelector: sel.fieldSelector,
				})
				if err != nil {
					return err
				}
				if len(table.Rows) == 0 {
					continue
				}
				if printed > 0 {
					fmt.Fprintln(a.stdout)
				}
				printed++
				if err := printTable(a.stdout, table, t.kind, opts); err != nil {
					return err
				}
			}
			if printed == 0 && !named {
				a.noResources(scope(ts[0].kind, ns))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "output format: wide, yaml, json, name or jsonpath=TEMPLATE")
	fl.BoolVarP(&sel.allNamespaces, "all-namespaces", "A", false, "list across all namespaces")
	fl.StringVarP(&sel.labelSelector, "selector", "l", "", "label selector, such as app=web,tier!=db")
	fl.StringVar(&sel.fieldSelector, "field-selector", "", "field selector, such as status.phase=Running")
	fl.BoolVar(&showKind, "show-kind", false, "prefix names with their kind")
	fl.BoolVar(&showLabels, "show-labels", false, "add a LABELS column")
	fl.BoolVar(&noHeaders, "no-headers", false, "leave out the header line")
	fl.StringSliceVarP(&labelColumns, "label-columns", "L", nil, "add a column for each of these label keys")
	return cmd
}

// noResources tells stderr that a list came back empty, as kubectl does.
func (a *app) noResources(ns string) {
	if ns == kr8s.AllNamespaces || ns == "" {
		fmt.Fprintln(a.stderr, "No resources found")
		return
	}
	fmt.Fprintf(a.stderr, "No resources found in %s namespace.\n", ns)
}
