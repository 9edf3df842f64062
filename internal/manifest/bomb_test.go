package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// aliasBomb returns a manifest of a few KB in which a base value is aliased
// fan ways at each of levels levels, so that its JSON would hold
// fan^levels copies of the base. shape selects how a level refers to the
// one below:
//
//	seq      l1: &l1 [*l0, *l0, ...]
//	map      l1: &l1 {k0: *l0, k1: *l0, ...}
//	merge    l1: &l1 {k0: {<<: *l0}, k1: {<<: *l0}, ...} (l0 is a mapping)
//	mergeseq l1: &l1 {k0: {<<: [*l0, {k0: *l0}]}, ...} (l0 is a mapping)
//
// base is the l0 value.
func aliasBomb(shape, base string, fan, levels int) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n")
	switch shape {
	case "merge", "mergeseq":
		fmt.Fprintf(&b, "l0: &l0 {s: %s}\n", base)
	default:
		fmt.Fprintf(&b, "l0: &l0 %s\n", base)
	}
	for l := 1; l <= levels; l++ {
		fmt.Fprintf(&b, "l%d: &l%d ", l, l)
		open, end := "{", "}"
		if shape == "seq" {
			open, end = "[", "]"
		}
		b.WriteString(open)
		for i := range fan {
			if i > 0 {
				b.WriteString(", ")
			}
			switch shape {
			case "seq":
				fmt.Fprintf(&b, "*l%d", l-1)
			case "map":
				fmt.Fprintf(&b, "k%d: *l%d", i, l-1)
			case "merge":
				fmt.Fprintf(&b, "k%d: {<<: *l%d}", i, l-1)
			case "mergeseq":
				fmt.Fprintf(&b, "k%d: {<<: [*l%d, {k%d: *l%d}]}", i, l-1, i, l-1)
			}
		}
		b.WriteString(end + "\n")
	}
	fmt.Fprintf(&b, "data: *l%d\n", levels)
	return b.String()
}

// TestAliasBombBoundedBySize checks that YAML documents whose aliases
// expand a few KB of text into a huge value fail with the alias-expansion
// error, located at an alias, before the expansion is built: Decode
// allocates under 64 MiB for each. The old bound counted values, not
// bytes, so the long-string bombs loaded (4 levels: 200 MB of JSON, 1.1
// GiB allocated) or ran out of memory (5 levels: 3.2 GB of JSON, 16 GiB
// allocated). The escaped string (250 bytes that are 1.5 KB as JSON, 2 MB
// expanded unescaped but 12 MB as JSON) and the short sequence of numbers
// (5 MB of JSON, but 2 million values) check that the charge is for JSON
// text, escapes included, plus a cost per value.
func TestAliasBombBoundedBySize(t *testing.T) {
	long := strings.Repeat("x", 1500)
	escaped := `"` + strings.Repeat(`\u0001`, 250) + `"`
	small := "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]"
	tests := []struct {
		shape, base string
		fan, levels int
	}{
		{"seq", long, 16, 4},
		{"seq", long, 16, 5},
		{"map", long, 16, 4},
		{"map", long, 16, 5},
		{"merge", long, 16, 4},
		{"merge", long, 16, 5},
		{"mergeseq", long, 16, 4},
		{"seq", escaped, 16, 3},
		{"seq", small, 16, 4},
		{"seq", small, 16, 5},
		{"map", small, 16, 5},
		{"seq", "1", 10, 9},
	}
	const limit = 64 << 20
	for _, tt := range tests {
		in := aliasBomb(tt.shape, tt.base, tt.fan, tt.levels)
		name := fmt.Sprintf("%s-%dx%d-base%dB", tt.shape, tt.fan, tt.levels, len(tt.base))
		t.Run(name, func(t *testing.T) {
			if len(in) > 4<<10 {
				t.Fatalf("bomb is %d bytes, want a few KB", len(in))
			}
			var err error
			var docs []Document
			n := testcluster.Allocated(func() { docs, err = Decode([]byte(in), "bomb.yaml") })
			size := 0
			for _, d := range docs {
				size += len(d.JSON)
			}
			t.Logf("%d bytes of YAML: Decode allocated %.1f MiB, JSON %d bytes, err %v", len(in), float64(n)/(1<<20), size, err)
			if err == nil {
				t.Fatalf("Decode of a %d-byte alias bomb succeeded with %d bytes of JSON", len(in), size)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if !strings.Contains(err.Error(), "document expands aliases to more than") || !strings.Contains(err.Error(), "billion laughs") {
				t.Errorf("error %q does not name alias expansion", err)
			}
			if e.Source != "bomb.yaml" || e.Index != 0 || e.Line < 6 || e.Column == 0 {
				t.Errorf("error %q: source %q index %d line %d column %d; want bomb.yaml, document 0, the line and column of an alias", err, e.Source, e.Index, e.Line, e.Column)
			}
			if n >= limit {
				t.Errorf("Decode allocated %d bytes (%.1f MiB), want under %d MiB", n, float64(n)/(1<<20), limit>>20)
			}
		})
	}

	t.Run("YAMLToJSON", func(t *testing.T) {
		in := aliasBomb("seq", long, 16, 5)
		var err error
		if n := testcluster.Allocated(func() { _, err = YAMLToJSON([]byte(in)) }); err == nil || !strings.Contains(err.Error(), "billion laughs") || n >= limit {
			t.Errorf("YAMLToJSON: err %v after allocating %d bytes; want the alias expansion error under %d MiB", err, n, limit>>20)
		}
	})
}

// TestAliasExpansionWithinBudget checks where the budget lies: it is on
// expanded bytes, not on the number of aliases, and a document expanding
// to just under it still loads, exactly expanded, with Decode allocating
// under 64 MiB, while a little more fails.
func TestAliasExpansionWithinBudget(t *testing.T) {
	// l1 is n copies of a 1000-byte string, data n copies of l1: each
	// string alias is charged 1002+32 bytes of JSON and value cost, each
	// l1 alias 34+n*1035. n=88 adds 8.02 MB (7.9 MB of JSON), n=92 adds
	// 8.86 MB, and the budget is 8 MiB = 8.39 MB.
	doc := func(n int) string {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: X\nl0: &l0 " + strings.Repeat("y", 1000) + "\nl1: &l1 [")
		b.WriteString(strings.Repeat("*l0, ", n-1) + "*l0]\ndata: [")
		b.WriteString(strings.Repeat("*l1, ", n-1) + "*l1]\n")
		return b.String()
	}
	var docs []Document
	var err error
	n := testcluster.Allocated(func() { docs, err = Decode([]byte(doc(88)), "") })
	if err != nil {
		t.Fatalf("88x88 copies of 1000 bytes: %v", err)
	}
	t.Logf("88x88 copies of 1000 bytes: %d bytes of JSON, Decode allocated %.1f MiB", len(docs[0].JSON), float64(n)/(1<<20))
	if n >= 64<<20 {
		t.Errorf("Decode allocated %.1f MiB, want under 64 MiB", float64(n)/(1<<20))
	}
	var o struct {
		Data [][]string `json:"data"`
	}
	if err := json.Unmarshal(docs[0].JSON, &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Data) != 88 || len(o.Data[87]) != 88 || o.Data[87][87] != strings.Repeat("y", 1000) {
		t.Errorf("data not expanded 88x88: %d", len(o.Data))
	}
	if _, err := Decode([]byte(doc(92)), ""); err == nil || !strings.Contains(err.Error(), "more than 8 MiB") {
		t.Errorf("92x92 copies of 1000 bytes: err %v, want the alias expansion error", err)
	}

	// Many aliases of a small anchor are cheap: 20000 aliases of a
	// three-key mapping are charged 165 bytes each, 3.3 MB in all.
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: X\nbase: &b {name: a, value: b, other: c}\nshared:\n")
	for range 20000 {
		b.WriteString("- *b\n")
	}
	if _, err := Decode([]byte(b.String()), ""); err != nil {
		t.Errorf("20000 aliases of a small mapping: %v", err)
	}
}

// TestAnchorsInRealisticManifest checks that a Deployment sharing labels
// through an anchor and env vars and resources through aliases and merge
// keys (testdata/kubectl/12-anchored-deployment.yaml, which
// TestDifferentialKubectl also compares with kubectl) loads to the exact
// JSON of the same document written out in full.
func TestAnchorsInRealisticManifest(t *testing.T) {
	in, err := os.ReadFile("testdata/kubectl/12-anchored-deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	full := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/part-of: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
      app.kubernetes.io/part-of: shop
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/part-of: shop
    spec:
      containers:
      - name: web
        image: example.com/web:1.0
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: REGION, value: eu-west-1}
        resources:
          limits: {cpu: 500m, memory: 128Mi}
          requests: {memory: 128Mi, cpu: 100m}
      - name: sidecar
        image: example.com/sidecar:1.0
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: REGION, value: eu-west-1}
        resources:
          limits: {cpu: 500m, memory: 64Mi}
          requests: {memory: 128Mi, cpu: 100m}
`
	got, err := Decode(in, "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode([]byte(full), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(want) != 1 {
		t.Fatalf("got %d documents, want 1", len(got))
	}
	// Merge keys put the merged keys first; explicit keys then replace
	// their values in place, so "requests" is {cpu: 100m, memory: 128Mi}
	// in merge order (cpu, memory).
	var g, w any
	if err := json.Unmarshal(got[0].JSON, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want[0].JSON, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("anchored manifest\n got %s\nwant %s", got[0].JSON, want[0].JSON)
	}
	const wantJSON = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app.kubernetes.io/name":"web","app.kubernetes.io/part-of":"shop"}},` +
		`"spec":{"replicas":2,"selector":{"matchLabels":{"app.kubernetes.io/name":"web","app.kubernetes.io/part-of":"shop"}},` +
		`"template":{"metadata":{"labels":{"app.kubernetes.io/name":"web","app.kubernetes.io/part-of":"shop"}},"spec":{"containers":[` +
		`{"name":"web","image":"example.com/web:1.0","env":[{"name":"LOG_LEVEL","value":"info"},{"name":"REGION","value":"eu-west-1"}],` +
		`"resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}},` +
		`{"name":"sidecar","image":"example.com/sidecar:1.0","env":[{"name":"LOG_LEVEL","value":"info"},{"name":"REGION","value":"eu-west-1"}],` +
		`"resources":{"limits":{"cpu":"500m","memory":"64Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}}]}}}}`
	if string(got[0].JSON) != wantJSON {
		t.Errorf("anchored manifest JSON\n got %s\nwant %s", got[0].JSON, wantJSON)
	}
}

// TestJSONStringLen checks that jsonStringLen, which sizes aliased strings,
// gives the length appendJSONString writes, escapes included.
func TestJSONStringLen(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted" \ back`, "\n\r\t", "\x00\x01\x1f\x7f", "<a&b>",
		"é ü 日本 🙂", "\xff\xfe bad", "\u0085 \u2028 \u2029 \ufeff \u0080 \u009f \u00a0",
		strings.Repeat("\x01", 100), "a\xc3", "\xed\xa0\x80",
	} {
		if got, want := jsonStringLen(s), len(appendJSONString(nil, s)); got != want {
			t.Errorf("jsonStringLen(%q) = %d, want %d (%s)", s, got, want, appendJSONString(nil, s))
		}
	}
}

// TestLongTypeMetaRefused: items of a typed List copy the List's
// apiVersion, so a 35 KB manifest with a 20 KB apiVersion and 5001 empty
// items would load as 100 MB of objects; an apiVersion or kind longer
// than any the API server can serve is refused first.
func TestLongTypeMetaRefused(t *testing.T) {
	long := strings.Repeat("g", 20000)
	var b strings.Builder
	b.WriteString("apiVersion: " + long + "/v1\nkind: XList\nitems:\n")
	for range 5001 {
		b.WriteString("- {}\n")
	}
	var err error
	if alloc := testcluster.Allocated(func() { _, err = Decode([]byte(b.String()), "list.yaml") }); alloc > 64<<20 {
		t.Errorf("allocated %d MiB", alloc>>20)
	}
	if err == nil || !strings.Contains(err.Error(), "apiVersion is 20003 bytes long") {
		t.Errorf("err = %v, want the apiVersion refused for its length", err)
	}
	if _, err := Decode([]byte("apiVersion: v1\nkind: "+long+"\n"), ""); err == nil || !strings.Contains(err.Error(), "kind is 20000 bytes long") {
		t.Errorf("err = %v, want the kind refused for its length", err)
	}
	group := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
	ok := "apiVersion: " + group + "/" + strings.Repeat("v", 63) + "\nkind: Thing\nmetadata: {name: x}\n"
	if _, err := Decode([]byte(ok), ""); err != nil {
		t.Errorf("the longest valid apiVersion (%d bytes) was refused: %v", len(group)+64, err)
	}
}
