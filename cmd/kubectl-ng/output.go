package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/jsonpath"
)

// newTabWriter returns a tabwriter set up as kubectl's printers are
// (k8s.io/cli-runtime/pkg/printers/tabwriter.go): columns at least 6 wide,
// separated by 3 spaces.
func newTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
}

// tableOptions are the get flags that shape a table.
type tableOptions struct {
	wide          bool
	noHeaders     bool
	showKind      bool
	allNamespaces bool
	showLabels    bool
	labelColumns  []string
	color         bool // colour the STATUS column
}

// printTable writes a server-side Table the way kubectl get does.
func printTable(w io.Writer, t *kr8s.Table, kind *kr8s.Kind, o tableOptions) error {
	l := &tableLayout{tableOptions: o, kind: kind, columns: t.Columns, status: -1}
	for i, c := range t.Columns {
		if c.Priority == 0 || o.wide {
			l.cols = append(l.cols, i)
		}
	}
	if o.color {
		l.status = slices.IndexFunc(l.cols, func(i int) bool { return strings.EqualFold(t.Columns[i].Name, "status") })
	}
	tw := newTabWriter(w)
	if !o.noHeaders {
		fmt.Fprintln(tw, strings.Join(l.header(), "\t"))
	}
	for _, row := range t.Rows {
		fmt.Fprintln(tw, strings.Join(l.row(row), "\t"))
	}
	return tw.Flush()
}

// tableLayout is the columns of a table that get prints: the server's
// (those of priority 0, or all with -o wide), with NAMESPACE first for
// -A and label columns last.
type tableLayout struct {
	tableOptions
	kind    *kr8s.Kind
	columns []kr8s.TableColumn
	cols    []int // the indexes of the server's columns printed
	status  int   // the index in cols of the column to colour, or -1
}

// namespaced reports whether the table has a NAMESPACE column.
func (l *tableLayout) namespaced() bool { return l.allNamespaces && l.kind.Namespaced }

// header is the cells of the header line.
func (l *tableLayout) header() []string {
	var h []string
	if l.namespaced() {
		h = append(h, "NAMESPACE")
	}
	for n, i := range l.cols {
		cell := strings.ToUpper(l.columns[i].Name)
		if n == l.status {
			cell = paint(ansiDefault, cell) // the same invisible width as the cells below
		}
		h = append(h, cell)
	}
	for _, key := range l.labelColumns {
		h = append(h, labelHeader(key))
	}
	if l.showLabels {
		h = append(h, "LABELS")
	}
	return h
}

// row is the cells of one row.
func (l *tableLayout) row(row kr8s.TableRow) []string {
	var cells []string
	var labels map[string]string
	if row.Object != nil {
		labels = row.Object.Labels()
	}
	if l.namespaced() {
		ns := ""
		if row.Object != nil {
			ns = row.Object.Namespace()
		}
		cells = append(cells, ns)
	}
	for n, i := range l.cols {
		var cell any
		if i < len(row.Cells) {
			cell = row.Cells[i]
		}
		s := formatCell(cell)
		if n == 0 && l.showKind {
			s = kindRef(l.kind) + "/" + s
		}
		if n == l.status {
			s = paint(statusColor(s), s)
		}
		cells = append(cells, s)
	}
	for _, key := range l.labelColumns {
		cells = append(cells, labels[key])
	}
	if l.showLabels {
		cells = append(cells, formatLabels(labels))
	}
	return cells
}

// writeJSONOrYAML prints v as indented JSON or as YAML, the way kubectl's
// -o json and -o yaml print.
func writeJSONOrYAML(w io.Writer, v any, output string) error {
	marshal := kr8s.MarshalYAML
	if output == "json" {
		marshal = kr8s.MarshalJSON
	}
	b, err := marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// labelHeader is kubectl's -L column header: the key's last path segment,
// upper-cased.
func labelHeader(key string) string {
	return strings.ToUpper(lastSegment(key))
}

// lastSegment is what follows the last slash of a path, such as the name of
// "namespace/name" or of a prefixed label key "example.com/name".
func lastSegment(path string) string {
	return path[strings.LastIndex(path, "/")+1:]
}

// formatLabels prints labels as kubectl's LABELS column: sorted k=v pairs.
func formatLabels(labels map[string]string) string {
	if len(labels) == 0 {
		return "<none>"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ",")
}

// formatCell prints one table cell as kubectl does: strings up to the first
// line break, integral numbers without decimals, nil as nothing.
func formatCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if i := strings.IndexAny(v, "\f\n\r"); i >= 0 {
			return strings.ReplaceAll(v[:i], "\t", " ") + "..."
		}
		return strings.ReplaceAll(v, "\t", " ")
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return fmt.Sprintf("%d", int64(v))
		}
		return fmt.Sprint(v)
	default:
		return fmt.Sprint(v)
	}
}

// outputFormat is a parsed -o value.
type outputFormat struct {
	name    string // "", "wide", "yaml", "json", "name", "jsonpath", "custom-columns"
	tmpl    *jsonpath.Template
	columns []customColumn
}

// customColumn is one HEADER:JSONPATH of -o custom-columns.
type customColumn struct {
	header string
	path   *jsonpath.Template
}

// parseCustomColumns reads kubectl's custom-columns spec:
// HEADER:.json.path[,HEADER:.other.path...]. As in kubectl, a path without
// braces is wrapped in them.
func parseCustomColumns(spec string) ([]customColumn, error) {
	if spec == "" {
		return nil, fmt.Errorf("custom-columns format specified but no custom columns given")
	}
	var cols []customColumn
	for _, part := range strings.Split(spec, ",") {
		header, path, ok := strings.Cut(part, ":")
		if !ok || header == "" {
			return nil, fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part)
		}
		expr := strings.TrimSpace(path)
		if strings.HasPrefix(expr, "{") != strings.HasSuffix(expr, "}") {
			return nil, fmt.Errorf("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}': %s", path)
		}
		expr = strings.TrimSuffix(strings.TrimPrefix(expr, "{"), "}")
		if !strings.HasPrefix(expr, ".") && !strings.HasPrefix(expr, "@") && !strings.HasPrefix(expr, "$") {
			expr = "." + expr
		}
		t, err := jsonpath.Parse("{" + expr + "}")
		if err != nil {
			return nil, fmt.Errorf("error parsing jsonpath %s, %w", path, err)
		}
		cols = append(cols, customColumn{header: header, path: t})
	}
	return cols, nil
}

// printCustomColumns writes one row per object, as kubectl's custom-columns
// printer does: each column's results joined by commas, <none> for nothing.
func printCustomColumns(w io.Writer, cols []customColumn, objs []*kr8s.Object, noHeaders bool) error {
	tw := newTabWriter(w)
	if !noHeaders {
		var h []string
		for _, c := range cols {
			h = append(h, c.header)
		}
		fmt.Fprintln(tw, strings.Join(h, "\t"))
	}
	for _, o := range objs {
		data, err := plain(o)
		if err != nil {
			return err
		}
		var cells []string
		for _, c := range cols {
			results, err := c.path.FindResults(data)
			if err != nil {
				return err
			}
			var vals []string
			for _, r := range results {
				for _, v := range r {
					vals = append(vals, jsonpath.FormatValue(v))
				}
			}
			if len(vals) == 0 {
				cells = append(cells, "<none>")
				continue
			}
			cells = append(cells, strings.Join(vals, ","))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// parseOutput reads -o: wide, yaml, json, name, jsonpath=TEMPLATE or
// custom-columns=SPEC.
func parseOutput(s string) (outputFormat, error) {
	name, arg, _ := strings.Cut(s, "=")
	switch name {
	case "", "wide", "yaml", "json", "name":
		if arg != "" {
			break
		}
		return outputFormat{name: name}, nil
	case "jsonpath":
		if arg == "" {
			return outputFormat{}, fmt.Errorf("template format specified but no template given")
		}
		t, err := jsonpath.Parse(arg)
		if err != nil {
			return outputFormat{}, fmt.Errorf("error parsing jsonpath %s, %w", arg, err)
		}
		return outputFormat{name: name, tmpl: t}, nil
	case "custom-columns":
		cols, err := parseCustomColumns(arg)
		if err != nil {
			return outputFormat{}, err
		}
		return outputFormat{name: name, columns: cols}, nil
	}
	return outputFormat{}, fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: custom-columns,json,jsonpath,name,wide,yaml", s)
}

// printObjects writes objects as yaml, json, name or jsonpath. single is
// true when the user named exactly one object; kubectl then prints that
// object rather than a List.
func printObjects(w io.Writer, f outputFormat, objs []*kr8s.Object, single bool) error {
	for _, o := range objs {
		// kubectl hides managedFields unless --show-managed-fields.
		delete(o.Metadata(), "managedFields")
	}
	if f.name == "name" {
		for _, o := range objs {
			fmt.Fprintln(w, objRef(o))
		}
		return nil
	}
	doc, err := document(objs, single)
	if err != nil {
		return err
	}
	switch f.name {
	case "json", "yaml":
		return writeJSONOrYAML(w, doc, f.name)
	case "jsonpath":
		data, err := plain(doc)
		if err != nil {
			return err
		}
		return f.tmpl.Execute(w, data)
	}
	return fmt.Errorf("unknown output format %q", f.name)
}

// plain is v as encoding/json decodes its JSON (maps, slices, strings,
// float64s...), the values JSONPath templates read.
func plain(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var data any
	err = json.Unmarshal(b, &data)
	return data, err
}

// document is what -o json, yaml and jsonpath print for objs: the one
// object when single, else a List of them, as kubectl prints.
func document(objs []*kr8s.Object, single bool) (any, error) {
	if single && len(objs) == 1 {
		b, err := objs[0].JSON()
		return json.RawMessage(b), err
	}
	items := make([]json.RawMessage, 0, len(objs))
	for _, o := range objs {
		b, err := o.JSON()
		if err != nil {
			return nil, err
		}
		items = append(items, b)
	}
	return map[string]any{
		"apiVersion": "v1",
		"items":      items,
		"kind":       "List",
		"metadata":   map[string]any{"resourceVersion": ""},
	}, nil
}
