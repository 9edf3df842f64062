package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
		watch        bool
		watchOnly    bool
	)
	cmd := &cobra.Command{
		Use:   "get TYPE[,TYPE...] [NAME...] | TYPE/NAME...",
		Short: "Display one or many resources",
		Long: `Display one or many resources. Columns come from the server's own printing,
so every kind, custom resources included, prints as kubectl prints it.`,
		Example: `  kubectl-ng get pods
  kubectl-ng get deploy,svc -n web -o wide
  kubectl-ng get pod/web -o jsonpath='{.status.phase}'
  kubectl-ng get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName
  kubectl-ng get pods -w
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

			if (watch || watchOnly) && (len(ts) != 1 || len(args) > 1 && strings.Contains(args[0], "/")) {
				return errors.New("watch is only supported on individual resources and resource collections, but a list of resources was given")
			}

			var (
				printed int
				seen    = map[string]string{} // namespace/name -> resourceVersion printed
				rows    = map[string]kr8s.TableRow{}
				rv      string
				columns []kr8s.TableColumn
			)
			opts := tableOptions{
				wide:          f.name == "wide",
				noHeaders:     noHeaders,
				showKind:      showKind || len(ts) > 1,
				allNamespaces: sel.allNamespaces,
				showLabels:    showLabels,
				labelColumns:  labelColumns,
				color:         a.useColor(a.stdout),
			}
			switch {
			case watchOnly:
			case f.name != "" && f.name != "wide":
				var objs []*kr8s.Object
				for _, t := range ts {
					kind := t.kind
					if len(t.names) > 0 {
						for _, name := range t.names {
							o, err := kind.Get(ctx, name, &kr8s.GetOptions{API: c, Namespace: scope(&t.kind.Kind, ns)})
							if err != nil {
								return err
							}
							objs = append(objs, o)
						}
						continue
					}
					list, err := kind.ListAll(ctx, &kr8s.ListOptions{
						API: c, Namespace: scope(&t.kind.Kind, ns),
						LabelSelector: sel.labelSelector, FieldSelector: sel.fieldSelector,
					})
					if err != nil {
						return err
					}
					objs = append(objs, list...)
				}
				for _, o := range objs {
					seen[o.Namespace()+"/"+o.Name()] = metaString(o, "resourceVersion")
				}
				single := len(args) == 1 && len(ts) == 1 && len(ts[0].names) == 1 ||
					len(args) == 2 && len(ts) == 1 && len(ts[0].names) == 1
				if len(objs) == 0 && !named && (f.name == "name" || f.name == "custom-columns") {
					a.noResources(scope(&ts[0].kind.Kind, ns))
					if !watch {
						return nil
					}
				} else if f.name == "custom-columns" {
					if err := printCustomColumns(a.stdout, f.columns, objs, noHeaders); err != nil {
						return err
					}
				} else if err := printObjects(a.stdout, f, objs, single); err != nil {
					return err
				}
				printed = len(objs)
			default:
				for _, t := range ts {
					table, err := t.kind.Table(ctx, t.names, &kr8s.ListOptions{
						API: c, Namespace: scope(&t.kind.Kind, ns), LabelSelector: sel.labelSelector, FieldSelector: sel.fieldSelector,
					})
					if err != nil {
						return err
					}
					rv, columns = table.ResourceVersion, table.Columns
					for _, row := range table.Rows {
						if row.Object != nil {
							key := row.Object.Namespace() + "/" + row.Object.Name()
							seen[key] = metaString(row.Object, "resourceVersion")
							rows[key] = row
						}
					}
					if len(table.Rows) == 0 {
						continue
					}
					if printed > 0 {
						fmt.Fprintln(a.stdout)
					}
					printed++
					if err := printTable(a.stdout, table, &t.kind.Kind, opts); err != nil {
						return err
					}
				}
				if printed == 0 && !named {
					a.noResources(scope(&ts[0].kind.Kind, ns))
				}
			}
			if !watch && !watchOnly {
				return nil
			}
			return a.watchGet(ctx, c, ts[0], scope(&ts[0].kind.Kind, ns), sel, f, opts, rv, columns, seen, rows, printed > 0)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "output format: wide, yaml, json, name, jsonpath=TEMPLATE or custom-columns=HEADER:PATH,...")
	fl.BoolVarP(&watch, "watch", "w", false, "after listing, watch for changes and print them")
	fl.BoolVar(&watchOnly, "watch-only", false, "watch for changes without listing first")
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

// watchGet follows changes to the target's objects after get printed them,
// one line (or document) per change, as kubectl get -w does. seen holds the
// resourceVersions already printed, so the initial state is not repeated;
// rows holds the last table row of each object, printed again when it is
// deleted. It returns when ctx ends.
func (a *app) watchGet(ctx context.Context, c *kr8s.Client, t target, ns string, sel selection, f outputFormat,
	opts tableOptions, rv string, columns []kr8s.TableColumn, seen map[string]string, rows map[string]kr8s.TableRow, headerDone bool) error {
	wo := &kr8s.WatchOptions{
		API: c, Namespace: ns, LabelSelector: sel.labelSelector, FieldSelector: sel.fieldSelector,
		ResourceVersion: rv,
	}
	if ns == "" && t.kind.Namespaced {
		wo.Namespace = kr8s.AllNamespaces
	}
	want := map[string]bool{}
	for _, n := range t.names {
		want[n] = true
	}
	if len(t.names) == 1 {
		wo.Name = t.names[0]
	}
	rowOpts := opts
	rowOpts.noHeaders = headerDone || opts.noHeaders
	docs := 0
	for ev, err := range t.kind.Watch(ctx, wo) {
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		o := ev.Object
		if o == nil || ev.Type == kr8s.Relisted || (len(want) > 0 && !want[o.Name()]) {
			continue
		}
		key := o.Namespace() + "/" + o.Name()
		version := metaString(o, "resourceVersion")
		if ev.Type != kr8s.Deleted && seen[key] == version {
			continue // already printed
		}
		seen[key] = version
		switch f.name {
		case "", "wide":
			row, ok := rows[key]
			if ev.Type != kr8s.Deleted {
				table, err := t.kind.Table(ctx, []string{o.Name()}, &kr8s.ListOptions{API: c, Namespace: o.Namespace()})
				switch {
				case err == nil && len(table.Rows) == 1:
					row, ok = table.Rows[0], true
					rows[key] = row
					columns = table.Columns
				case ctx.Err() != nil:
					return nil
				}
			}
			if !ok {
				fmt.Fprintln(a.stdout, objRef(o))
				continue
			}
			if err := printTable(a.stdout, &kr8s.Table{Columns: columns, Rows: []kr8s.TableRow{row}}, &t.kind.Kind, rowOpts); err != nil {
				return err
			}
			rowOpts.noHeaders = true
		case "custom-columns":
			if err := printCustomColumns(a.stdout, f.columns, []*kr8s.Object{o}, rowOpts.noHeaders); err != nil {
				return err
			}
			rowOpts.noHeaders = true
		default:
			if f.name == "yaml" && (docs > 0 || headerDone) {
				fmt.Fprintln(a.stdout, "---") // as kubectl separates documents
			}
			docs++
			if err := printObjects(a.stdout, f, []*kr8s.Object{o}, true); err != nil {
				return err
			}
		}
		if ev.Type == kr8s.Deleted {
			delete(rows, key)
		}
	}
	return nil
}

// metaString reads a string field of an object's metadata.
func metaString(o *kr8s.Object, field string) string {
	s, _ := o.Field("metadata", field).(string)
	return s
}
