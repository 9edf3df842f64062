package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/kr8s-go/kr8s/internal/jsonany"
)

// acceptTable asks for server-side printing, meta.k8s.io/v1 Table (or
// v1beta1 from old servers), falling back to plain JSON; it is kubectl's
// (k8s.io/kubectl/pkg/cmd/get/get.go, tableParam).
const acceptTable = "application/json;as=Table;v=v1;g=meta.k8s.io," +
	"application/json;as=Table;v=v1beta1;g=meta.k8s.io," +
	"application/json"

// Table is the server's printed form of a list of objects: the columns
// kubectl get shows and one row per object. It is kr8s's Table class,
// which is not a resource of its own: get one with Client.Table or a
// kind's Table method.
type Table struct {
	// Columns describe the cells, in order. Columns with Priority 0 are
	// those kubectl get shows; the others are added by -o wide.
	Columns []TableColumn
	// Rows hold one row per object.
	Rows []TableRow
	// ResourceVersion is the list's resourceVersion (of the last page).
	ResourceVersion string
}

// TableColumn describes one column of a Table (meta.k8s.io/v1
// TableColumnDefinition).
type TableColumn struct {
	// Name is the server's column name, such as "Name" or "Restarts";
	// kubectl prints it upper-cased.
	Name string `json:"name"`
	// Type is the OpenAPI type of the cells: "string", "integer",
	// "number", "boolean" or "date".
	Type string `json:"type"`
	// Format refines Type, such as "name" for the Name column.
	Format      string `json:"format"`
	Description string `json:"description"`
	// Priority 0 columns are always shown; higher ones only when wide.
	Priority int `json:"priority"`
}

// TableRow is one object's row of a Table.
type TableRow struct {
	// Cells hold one value per column: a string, a float64, a bool or
	// nil.
	Cells []any
	// Object holds the object's metadata only (a PartialObjectMetadata);
	// its Kind is the listed kind, so verbs such as Delete work on it.
	Object *Object
}

// Table reads the kind's objects as the server prints them (server-side
// printing, as kubectl get does): the named objects, one GET each, or
// without names the whole list, paged with limit and continue and merged
// into one Table. o's selectors apply to a list and are an error with
// names; o.API picks the client. o may be nil.
//
// A server that cannot print the kind (some aggregated API servers)
// answers with plain JSON; Table then gives kubectl's default columns,
// Name and Created At.
//
//	t, err := kr8s.Pods.Table(ctx, nil, &kr8s.ListOptions{Namespace: "default"})
func (k *KindOf[T]) Table(ctx context.Context, names []string, o *ListOptions) (*Table, error) {
	if _, err := k.wrapper(); err != nil {
		return nil, err
	}
	o = bind(o, k.api, listAPI)
	c, err := k.client(o.api())
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		if err := o.forNames("table", k.Plural); err != nil {
			return nil, err
		}
	}
	lo := ListOptions{}
	if o != nil {
		lo = *o
	}
	kind := &k.Kind
	t := &Table{}
	if len(names) > 0 {
		q := url.Values{"includeObject": {"Metadata"}}
		for _, name := range names {
			if name == "" {
				return nil, fmt.Errorf("table %s: empty name", kind.Plural)
			}
			r := kind.request(c, lo.Namespace, name)
			r.Query = q
			if _, err := c.tablePage(ctx, kind, r, t); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	q, err := lo.pagedQuery()
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", kind.Plural, err)
	}
	q.Set("includeObject", "Metadata")
	err = paginate(q, func(q url.Values) (string, bool, error) {
		r := kind.collection(c, lo.Namespace)
		r.Query = q
		cont, err := c.tablePage(ctx, kind, r, t)
		return cont, false, err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// tablePage reads one Table response into t and returns its continue
// token. Rows are decoded one by one; their objects stay undecoded until
// read (see rawJSON).
func (c *Client) tablePage(ctx context.Context, kind *Kind, r Request, t *Table) (string, error) {
	r.Header = http.Header{"Accept": {acceptTable}}
	resp, err := c.Call(ctx, http.MethodGet, r)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	text, err := readBody(resp)
	var page *rawJSON
	if err == nil {
		page, err = newRawJSON(text)
	}
	if err == nil {
		err = t.add(c, kind, page)
	}
	if err != nil {
		return "", decodeFailed("table", r, resp, err)
	}
	var meta struct {
		ResourceVersion string `json:"resourceVersion"`
		Continue        string `json:"continue"`
	}
	if m := page.member("metadata"); m != "" {
		if err := json.Unmarshal([]byte(m), &meta); err != nil {
			return "", decodeFailed("table", r, resp, fmt.Errorf("metadata: %w", err))
		}
	}
	t.ResourceVersion = meta.ResourceVersion
	return meta.Continue, nil
}

// add appends a page's rows to t: a Table's, or else those of the plain
// JSON (a list or one object) a server that cannot print the kind sends,
// with the columns the API server's default table convertor prints
// (k8s.io/apiserver/pkg/registry/rest/table.go).
func (t *Table) add(c *Client, kind *Kind, page *rawJSON) error {
	pageKind, _ := page.field([]string{"kind"})
	if pageKind != "Table" {
		if t.Columns == nil {
			t.Columns = []TableColumn{
				{Name: "Name", Type: "string", Format: "name", Description: "Name must be unique within a namespace."},
				{Name: "Created At", Type: "date", Description: "CreationTimestamp is a timestamp representing the server time when this object was created."},
			}
		}
		var objects []*Object
		if k, _ := pageKind.(string); k != "" && !strings.HasSuffix(k, "List") && page.member("items") == "" {
			objects = []*Object{{api: c, kind: kind, src: page}} // one object
		} else {
			items, _ := jsonany.Elements(page.member("items"))
			for _, item := range items {
				src, err := newItemRawJSON([]byte(item), kind)
				if err != nil {
					return fmt.Errorf("items: %w", err)
				}
				objects = append(objects, &Object{api: c, kind: kind, src: src})
			}
		}
		for _, obj := range objects {
			created, _ := obj.Field("metadata", "creationTimestamp").(string)
			t.Rows = append(t.Rows, TableRow{Cells: []any{obj.Name(), created}, Object: obj})
		}
		return nil
	}
	if t.Columns == nil {
		if err := json.Unmarshal([]byte(page.member("columnDefinitions")), &t.Columns); err != nil {
			return fmt.Errorf("columnDefinitions: %w", err)
		}
	}
	rows, _ := jsonany.Elements(page.member("rows"))
	for _, text := range rows {
		row, err := checkedRawJSON(text) // the page was checked whole
		if err != nil {
			return fmt.Errorf("rows: %w", err)
		}
		var tr TableRow
		cells, _ := jsonany.Decode(row.member("cells"))
		tr.Cells, _ = cells.([]any)
		if obj := row.member("object"); obj != "" && obj != "null" {
			src, err := checkedRawJSON(obj)
			if err != nil {
				return fmt.Errorf("rows: object: %w", err)
			}
			tr.Object = &Object{api: c, kind: kind, src: src}
		}
		t.Rows = append(t.Rows, tr)
	}
	return nil
}
