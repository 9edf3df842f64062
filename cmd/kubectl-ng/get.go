package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// getOptions are the flags of get; run lists the objects, prints them and,
// with -w, follows their changes.
type getOptions struct {
	*app
	output       string
	sel          selectionFlags
	showKind     bool
	showLabels   bool
	noHeaders    bool
	labelColumns []string
	watch        bool
	watchOnly    bool
}

func (a *app) getCmd() *cobra.Command {
	o := &getOptions{app: a}
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
		RunE: runWith(o.run),
	}
	outputFlag(cmd, &o.output, "", "wide, yaml, json, name, jsonpath=TEMPLATE or custom-columns=HEADER:PATH,...")
	o.sel.addTo(cmd, "list", bySelector|byFieldSelector|allNamespaces)
	noHeadersFlag(cmd, &o.noHeaders)
	fl := cmd.Flags()
	fl.BoolVarP(&o.watch, "watch", "w", false, "after listing, watch for changes and print them")
	fl.BoolVar(&o.watchOnly, "watch-only", false, "watch for changes without listing first")
	fl.BoolVar(&o.showKind, "show-kind", false, "prefix names with their kind")
	fl.BoolVar(&o.showLabels, "show-labels", false, "add a LABELS column")
	fl.StringSliceVarP(&o.labelColumns, "label-columns", "L", nil, "add a column for each of these label keys")
	return cmd
}

// run is get: the objects args name, printed as -o says, then with -w
// their changes.
func (o *getOptions) run(ctx context.Context, args []string) error {
	f, err := parseOutput(o.output)
	if err != nil {
		return err
	}
	ts, err := o.targets(ctx, args)
	if err != nil {
		return err
	}
	named := len(ts[0].names) > 0 // all targets have names, or none has
	if named && (o.sel.labelSelector != "" || o.sel.fieldSelector != "") {
		return errors.New("selectors cannot be used with names")
	}
	watching := o.watch || o.watchOnly
	if watching && (len(ts) != 1 || len(args) > 1 && strings.Contains(args[0], "/")) {
		return errors.New("watch is only supported on individual resources and resource collections, but a list of resources was given")
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	ns := o.sel.namespace(c)
	w := &getWatch{
		getOptions: o, target: ts[0], ns: scope(&ts[0].kind.Kind, ns), format: f,
		seen: map[string]string{}, rows: map[string]kr8s.TableRow{},
		table: tableOptions{
			wide:          f.name == "wide",
			noHeaders:     o.noHeaders,
			showKind:      o.showKind || len(ts) > 1,
			allNamespaces: o.sel.allNamespaces,
			showLabels:    o.showLabels,
			labelColumns:  o.labelColumns,
			color:         o.useColor(o.stdout),
		},
	}
	switch {
	case o.watchOnly:
	case f.name == "" || f.name == "wide":
		err = o.printTables(ctx, ts, ns, w)
	default:
		err = o.printDocuments(ctx, ts, ns, args, w)
	}
	if err != nil || !watching {
		return err
	}
	return w.run(ctx)
}

// printTables prints the server's table of each target, as get without -o
// or with -o wide does, and records in w what it printed.
func (o *getOptions) printTables(ctx context.Context, ts []target, ns string, w *getWatch) error {
	for _, t := range ts {
		table, err := t.kind.Table(ctx, t.names, &kr8s.ListOptions{
			Namespace: scope(&t.kind.Kind, ns), LabelSelector: o.sel.labelSelector, FieldSelector: o.sel.fieldSelector,
		})
		if err != nil {
			return err
		}
		w.rv, w.columns = table.ResourceVersion, table.Columns
		for _, row := range table.Rows {
			if row.Object != nil {
				key := objectKey(row.Object)
				w.seen[key] = metaString(row.Object, "resourceVersion")
				w.rows[key] = row
			}
		}
		if len(table.Rows) == 0 {
			continue
		}
		if w.printed {
			fmt.Fprintln(o.stdout)
		}
		w.printed = true
		if err := printTable(o.stdout, table, &t.kind.Kind, w.table); err != nil {
			return err
		}
	}
	if !w.printed && len(ts[0].names) == 0 {
		o.noResources(scope(&ts[0].kind.Kind, ns))
	}
	return nil
}

// printDocuments prints the objects as -o yaml, json, name, jsonpath or
// custom-columns asks, and records in w what it printed.
func (o *getOptions) printDocuments(ctx context.Context, ts []target, ns string, args []string, w *getWatch) error {
	objs, err := read(ctx, ts, ns, &o.sel)
	if err != nil {
		return err
	}
	for _, obj := range objs {
		w.seen[objectKey(obj)] = metaString(obj, "resourceVersion")
	}
	w.printed = len(objs) > 0
	f := w.format
	// kubectl prints one named object as itself, not as a List.
	single := len(ts) == 1 && len(ts[0].names) == 1 && (len(args) == 1 || len(args) == 2)
	switch {
	case len(objs) == 0 && len(ts[0].names) == 0 && (f.name == "name" || f.name == "custom-columns"):
		o.noResources(scope(&ts[0].kind.Kind, ns))
		return nil
	case f.name == "custom-columns":
		return printCustomColumns(o.stdout, f.columns, objs, o.noHeaders)
	}
	return printObjects(o.stdout, f, objs, single)
}

// noResources tells stderr that a list came back empty, as kubectl does.
func (a *app) noResources(ns string) {
	if ns == kr8s.AllNamespaces || ns == "" {
		fmt.Fprintln(a.stderr, "No resources found")
		return
	}
	fmt.Fprintf(a.stderr, "No resources found in %s namespace.\n", ns)
}

// getWatch is get -w: it follows the changes to one target's objects after
// get printed them, one line (or document) per change, as kubectl get -w
// does. The listing fills in where the watch starts.
type getWatch struct {
	*getOptions
	target target
	ns     string // the namespace listed; "" for a cluster-scoped kind
	format outputFormat
	table  tableOptions

	rv      string                   // the resourceVersion of the table listed
	columns []kr8s.TableColumn       // the columns of the last table
	seen    map[string]string        // namespace/name -> resourceVersion printed
	rows    map[string]kr8s.TableRow // namespace/name -> the last row, printed again on delete
	printed bool                     // something is printed: no more headers
}

// run prints each change that was not printed yet, until ctx ends.
func (w *getWatch) run(ctx context.Context) error {
	wo := &kr8s.WatchOptions{
		Namespace: w.ns, LabelSelector: w.sel.labelSelector, FieldSelector: w.sel.fieldSelector,
		ResourceVersion: w.rv,
	}
	if w.ns == "" && w.target.kind.Namespaced {
		wo.Namespace = kr8s.AllNamespaces
	}
	if len(w.target.names) == 1 {
		wo.Name = w.target.names[0]
	}
	for ev, err := range w.target.kind.Watch(ctx, wo) {
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		o := ev.Object
		if o == nil || ev.Type == kr8s.Relisted || len(w.target.names) > 0 && !slices.Contains(w.target.names, o.Name()) {
			continue
		}
		key, version := objectKey(o), metaString(o, "resourceVersion")
		if ev.Type != kr8s.Deleted && w.seen[key] == version {
			continue // already printed
		}
		w.seen[key] = version
		if err := w.print(ctx, o, ev.Type == kr8s.Deleted); err != nil || ctx.Err() != nil {
			return err
		}
		if ev.Type == kr8s.Deleted {
			delete(w.rows, key)
		}
	}
	return nil
}

// print prints one changed object in the get's format.
func (w *getWatch) print(ctx context.Context, o *kr8s.Object, deleted bool) error {
	switch w.format.name {
	case "", "wide":
		return w.printRow(ctx, o, deleted)
	case "custom-columns":
		err := printCustomColumns(w.stdout, w.format.columns, []*kr8s.Object{o}, w.noHeaders || w.printed)
		w.printed = true
		return err
	}
	if w.format.name == "yaml" && w.printed {
		fmt.Fprintln(w.stdout, "---") // as kubectl separates documents
	}
	w.printed = true
	return printObjects(w.stdout, w.format, []*kr8s.Object{o}, true)
}

// printRow prints o's table row: the server's current one, or for a
// deleted object the last one printed. Without a row it prints the
// object's name.
func (w *getWatch) printRow(ctx context.Context, o *kr8s.Object, deleted bool) error {
	key := objectKey(o)
	row, ok := w.rows[key]
	if !deleted {
		table, err := w.target.kind.Table(ctx, []string{o.Name()}, &kr8s.ListOptions{Namespace: o.Namespace()})
		switch {
		case err == nil && len(table.Rows) == 1:
			row, ok = table.Rows[0], true
			w.rows[key] = row
			w.columns = table.Columns
		case ctx.Err() != nil:
			return nil
		}
	}
	if !ok {
		fmt.Fprintln(w.stdout, objRef(o))
		return nil
	}
	opts := w.table
	opts.noHeaders = opts.noHeaders || w.printed
	w.printed = true
	return printTable(w.stdout, &kr8s.Table{Columns: w.columns, Rows: []kr8s.TableRow{row}}, &w.target.kind.Kind, opts)
}

// objectKey is "namespace/name", which tells objects apart in a watch.
func objectKey(o *kr8s.Object) string { return o.Namespace() + "/" + o.Name() }

// metaString reads a string field of an object's metadata.
func metaString(o *kr8s.Object, field string) string {
	s, _ := o.Field("metadata", field).(string)
	return s
}
