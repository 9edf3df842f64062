package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// chain returns {"a":{"a":...{"a":"leaf"}}} with depth maps.
func chain(depth int) any {
	var v any = "leaf"
	for range depth {
		v = map[string]any{"a": v}
	}
	return v
}

// wantBudgetError checks that err is the evaluation budget error for tmpl.
func wantBudgetError(t *testing.T, tmpl string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want the evaluation budget error", tmpl)
	}
	if !errors.Is(err, ErrBudget) {
		t.Errorf("%s: error %v does not wrap ErrBudget", tmpl, err)
	}
	want := fmt.Sprintf("jsonpath: template %q exceeds the evaluation budget of ", tmpl)
	if !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), " steps") {
		t.Errorf("%s: error %q, want %q N steps", tmpl, err, want)
	}
}

// TestNestedRangeBudget checks that nested ranges over recursive descent,
// whose evaluation grows with the cube of the data's depth, end with the
// budget error instead of running to completion. On a chain of 600 maps
// the template visits about 36 million bodies (and its fourfold version
// about 5 billion); the budget is about a million steps.
func TestNestedRangeBudget(t *testing.T) {
	data := chain(600)
	for _, tmpl := range []string{
		`{range ..}{range ..}{range ..}{end}{end}{end}`,
		`{range ..}{range ..}{range ..}{range ..}{.a}{end}{end}{end}{end}`,
	} {
		tp, err := Parse(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		err = tp.Execute(&buf, data)
		wantBudgetError(t, tmpl, err)
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes despite the error", tmpl, buf.Len())
		}
		_, err = tp.FindResults(data)
		wantBudgetError(t, tmpl, err)
	}
}

// TestRecursiveDescentBudget checks that the values recursive descent and
// wildcards produce are counted as they are produced: on a chain of 600
// maps, "...*...*.." (descendants, their children, and the descendants
// of those) would build a list of 36 million values (4 GiB allocated);
// it fails with the budget error after allocating under 64 MiB.
func TestRecursiveDescentBudget(t *testing.T) {
	data := chain(600)
	const tmpl = `{...*...*..}`
	tp, err := Parse(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var res [][]any
	n := testcluster.Allocated(func() { res, err = tp.FindResults(data) })
	t.Logf("%s on a 600-deep chain: %d result sets, %.1f MiB allocated, err %v", tmpl, len(res), float64(n)/(1<<20), err)
	wantBudgetError(t, tmpl, err)
	if n >= 64<<20 {
		t.Errorf("FindResults allocated %.1f MiB, want under 64 MiB", float64(n)/(1<<20))
	}
}

// TestOutputBudget checks that output counts towards the budget: "{..}"
// on a chain of 5000 maps selects only 5001 values (the maps and the leaf
// string), but printing each with its descendants would write 62 MB.
func TestOutputBudget(t *testing.T) {
	data := chain(5000)
	const tmpl = `{..}`
	tp, err := Parse(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n := testcluster.Allocated(func() { err = tp.Execute(&buf, data) })
	t.Logf("%s on a 5000-deep chain: %.1f MiB allocated, err %v", tmpl, float64(n)/(1<<20), err)
	wantBudgetError(t, tmpl, err)
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes despite the error", buf.Len())
	}
	if n >= 64<<20 {
		t.Errorf("Execute allocated %.1f MiB, want under 64 MiB", float64(n)/(1<<20))
	}
	// The selection alone is within the budget.
	if res, err := tp.FindResults(data); err != nil || len(res) != 1 || len(res[0]) != 5001 {
		t.Errorf("FindResults: %d sets, err %v; want 5001 values", len(res), err)
	}
}

// TestBudgetGrowsWithData checks that the budget is proportional to the
// data: ordinary templates over a list of 20000 objects (420003 values)
// still run, including one that needs far more than the fixed part of the
// budget, and the budget is per execution.
func TestBudgetGrowsWithData(t *testing.T) {
	items := make([]any, 20000)
	for i := range items {
		items[i] = map[string]any{
			"metadata": map[string]any{"name": fmt.Sprintf("pod-%d", i), "namespace": "default", "labels": map[string]any{"app": "web", "tier": "frontend"}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx", "ports": []any{map[string]any{"containerPort": 80.0}}}}},
			"status":   map[string]any{"phase": "Running", "conditions": []any{map[string]any{"type": "Ready", "status": "True"}}},
		}
	}
	data := map[string]any{"kind": "List", "items": items}
	for _, tc := range []struct {
		tmpl  string
		lines int
	}{
		{`{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`, 20000},
		{`{range .items[*]}{.metadata.name}{range .spec.containers[*]} {.image}{end}{"\n"}{end}`, 20000},
		{`{range ..containerPort}{@}{"\n"}{end}`, 20000},
		{`{range .items[*]}{...*}{"\n"}{end}`, 20000},
		{`{range .items[?(@.status.phase=="Running")]}{.metadata.labels.*}{"\n"}{end}`, 20000},
	} {
		tp, err := Parse(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			var buf bytes.Buffer
			if err := tp.Execute(&buf, data); err != nil {
				t.Fatalf("%s: %v", tc.tmpl, err)
			}
			if got := strings.Count(buf.String(), "\n"); got != tc.lines {
				t.Fatalf("%s: %d lines, want %d", tc.tmpl, got, tc.lines)
			}
		}
	}
	if n := countValues(data); n != 420003 {
		t.Errorf("countValues = %d, want 420003", n)
	}
	// Printing every descendant of each item takes more than baseSteps.
	const tmpl = `{range .items[*]}{...*}{"\n"}{end}`
	tp, err := Parse(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	tp.stepBudget = baseSteps
	wantBudgetError(t, tmpl, tp.Execute(&bytes.Buffer{}, data))
}

// TestWriteJSONString checks that writeJSONString, which writes plain
// ASCII strings without json.Marshal, writes what json.Marshal does.
func TestWriteJSONString(t *testing.T) {
	for _, s := range []string{
		"", "name", "app.kubernetes.io/name", "a b~!", `q"uote`, `back\slash`, "<html>", "a&b",
		"\x00\x1f\x7f", "tab\tnew\nline", "é日本", "\u2028\u2029", "\xff bad",
	} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := writeJSONString(&buf, s); err != nil || buf.String() != string(want) {
			t.Errorf("writeJSONString(%q) = %s, %v; want %s", s, buf.String(), err, want)
		}
	}
}
