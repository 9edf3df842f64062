package kr8s_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s"
)

func TestTable(t *testing.T) {
	ctx := context.Background()
	c, rc, ns := getClient(t)
	// The label is the namespace's name, so that pods of earlier runs,
	// in namespaces still being deleted, do not match.
	want := []string{"p1", "p2", "p3"}
	for _, name := range want {
		pod, err := kr8s.GenPod(name, "nginx", &kr8s.GenPodOptions{Labels: map[string]string{"app": ns}}, kr8s.WithAPI(c))
		if err != nil {
			t.Fatal(err)
		}
		if err := pod.Create(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}

	check := func(t *testing.T, tab *kr8s.Table, want []string) {
		t.Helper()
		var cols []string
		for _, col := range tab.Columns {
			if col.Priority == 0 {
				cols = append(cols, strings.ToUpper(col.Name))
			}
		}
		if want := []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}; !slices.Equal(cols, want) {
			t.Errorf("columns %v, want %v", cols, want)
		}
		var names []string
		for _, row := range tab.Rows {
			if len(row.Cells) != len(tab.Columns) {
				t.Errorf("row %v has %d cells for %d columns", row.Cells, len(row.Cells), len(tab.Columns))
			}
			name, _ := row.Cells[0].(string)
			names = append(names, name)
			if row.Object == nil || row.Object.Name() != name || row.Object.Namespace() != ns || row.Object.Kind() != &kr8s.Pods.Kind {
				t.Errorf("row %s: object %v", name, row.Object)
			}
			if ready, _ := row.Cells[1].(string); !strings.HasSuffix(ready, "/1") {
				t.Errorf("row %s: READY %q, want n/1", name, ready)
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("rows %v, want %v", names, want)
		}
	}

	t.Run("list paged", func(t *testing.T) {
		n := rc.count()
		tab, err := kr8s.Pods.Table(ctx, nil, &kr8s.ListOptions{API: c, Limit: 1, LabelSelector: "app=" + ns})
		if err != nil {
			t.Fatal(err)
		}
		check(t, tab, want)
		if got := rc.since(n); len(got) != 3 {
			t.Errorf("%d requests, want 3 pages of 1: %v", len(got), got)
		}
		if tab.ResourceVersion == "" {
			t.Error("no resourceVersion")
		}
	})
	t.Run("names", func(t *testing.T) {
		tab, err := kr8s.Pods.Table(ctx, []string{"p3", "p1"}, &kr8s.ListOptions{API: c})
		if err != nil {
			t.Fatal(err)
		}
		check(t, tab, []string{"p3", "p1"})
	})
	t.Run("all namespaces", func(t *testing.T) {
		tab, err := kr8s.Pods.Table(ctx, nil, &kr8s.ListOptions{API: c, Namespace: kr8s.AllNamespaces, LabelSelector: "app=" + ns})
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 3 {
			t.Errorf("%d rows, want 3", len(tab.Rows))
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := kr8s.Pods.Table(ctx, []string{"p1"}, &kr8s.ListOptions{API: c, LabelSelector: "a=b"}); err == nil {
			t.Error("names with a selector: no error")
		}
		if _, err := kr8s.Pods.Table(ctx, []string{"nope"}, &kr8s.ListOptions{API: c}); err == nil {
			t.Error("a missing pod: no error")
		}
	})
}

// TestTablePlainJSONFallback: a server that cannot print a kind answers
// with plain JSON; Table gives the default Name and Created At columns.
func TestTablePlainJSONFallback(t *testing.T) {
	var accept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept = r.Header.Get("Accept")
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/widgets/one") {
			fmt.Fprint(w, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"one","creationTimestamp":"2024-01-01T00:00:00Z"}}`)
			return
		}
		fmt.Fprint(w, `{"apiVersion":"example.com/v1","kind":"WidgetList","metadata":{"resourceVersion":"7"},"items":[
			{"metadata":{"name":"one","creationTimestamp":"2024-01-01T00:00:00Z"}},
			{"metadata":{"name":"two","creationTimestamp":"2024-01-02T00:00:00Z"}}]}`)
	}))
	defer srv.Close()
	c, err := kr8s.NewClient(kr8s.WithURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	widgets := kr8s.NewKind(kr8s.Kind{Group: "example.com", Version: "v1", Kind: "Widget", Plural: "widgets", Namespaced: true})
	tab, err := widgets.Table(context.Background(), nil, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(accept, "application/json;as=Table;v=v1;g=meta.k8s.io,") {
		t.Errorf("Accept %q", accept)
	}
	got := fmt.Sprint(tab.Columns[0].Name, tab.Columns[1].Name, tab.Rows[0].Cells, tab.Rows[1].Cells, tab.ResourceVersion)
	if want := "NameCreated At[one 2024-01-01T00:00:00Z] [two 2024-01-02T00:00:00Z]7"; got != want {
		t.Errorf("table %s, want %s", got, want)
	}
	tab, err = widgets.Table(context.Background(), []string{"one"}, &kr8s.ListOptions{API: c})
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0].Object.Name() != "one" {
		t.Errorf("table of one: %+v, %v", tab, err)
	}
}
