package kr8s

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const podItem = `{"metadata":{"name":"web","namespace":"shop","labels":{"app":"web"},"annotations":{"a":"b"}},` +
	`"spec":{"containers":[{"name":"main","image":"nginx"}]},"status":{"phase":"Running"}}`

func listedPod(t *testing.T, text string) *Object {
	t.Helper()
	src, err := newItemRawJSON([]byte(text), &Pods.Kind)
	if err != nil {
		t.Fatal(err)
	}
	return &Object{kind: &Pods.Kind, src: src}
}

// TestSourceReadsWithoutDecoding checks that field reads on a listed
// object answer from the text and leave the maps unbuilt.
func TestSourceReadsWithoutDecoding(t *testing.T) {
	o := listedPod(t, podItem)
	if o.Name() != "web" || o.Namespace() != "shop" || o.Field("status", "phase") != "Running" {
		t.Fatalf("got %q %q %v", o.Name(), o.Namespace(), o.Field("status", "phase"))
	}
	if !reflect.DeepEqual(o.Labels(), map[string]string{"app": "web"}) || o.Annotations()["a"] != "b" {
		t.Fatalf("labels %v annotations %v", o.Labels(), o.Annotations())
	}
	if o.Field("spec", "nope") != nil || o.Field("nope") != nil || o.Field("status", "phase", "deeper") != nil {
		t.Fatal("missing fields must be nil")
	}
	if o.String() != "Pod/shop/web" {
		t.Fatalf("String() = %q", o)
	}
	if o.src.decoded.Load() {
		t.Fatal("reading fields decoded the whole object")
	}
	// A list item gets the kind and apiVersion it lacks, first.
	b, err := o.MarshalJSON()
	if err != nil || !strings.HasPrefix(string(b), `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"`) || !json.Valid(b) {
		t.Fatalf("MarshalJSON = %s, %v", b, err)
	}
	if o.Field("kind") != "Pod" || o.Field("apiVersion") != "v1" {
		t.Fatalf("kind %v apiVersion %v", o.Field("kind"), o.Field("apiVersion"))
	}
	if allocs := testing.AllocsPerRun(50, func() { _ = o.Name() }); allocs > 1 {
		t.Errorf("Name() on an undecoded object made %v allocations, want at most 1", allocs)
	}
}

// TestSourceChangesAfterDecode checks that once the maps exist, they are
// the truth: changes through Raw show in every reader.
func TestSourceChangesAfterDecode(t *testing.T) {
	o := listedPod(t, podItem)
	o.Metadata()["name"] = "renamed"
	o.Status()["phase"] = "Failed"
	o.Raw()["extra"] = true
	if o.Name() != "renamed" || o.Field("status", "phase") != "Failed" || o.Field("extra") != true {
		t.Fatalf("after changes: %q %v %v", o.Name(), o.Field("status", "phase"), o.Field("extra"))
	}
	b, err := o.MarshalJSON()
	if err != nil || !strings.Contains(string(b), `"renamed"`) || !strings.Contains(string(b), `"extra":true`) {
		t.Fatalf("MarshalJSON after changes = %s, %v", b, err)
	}
	var typed struct {
		Metadata struct{ Name string }
		Status   struct{ Phase string }
	}
	if err := o.Decode(&typed); err != nil || typed.Metadata.Name != "renamed" || typed.Status.Phase != "Failed" {
		t.Fatalf("Decode after changes = %+v, %v", typed, err)
	}
}

func TestSourceDecodeUndecoded(t *testing.T) {
	o := listedPod(t, podItem)
	var typed struct {
		Kind   string
		Spec   struct{ Containers []struct{ Image string } }
		Status struct{ Phase string }
	}
	if err := o.Decode(&typed); err != nil || typed.Kind != "Pod" || typed.Spec.Containers[0].Image != "nginx" || typed.Status.Phase != "Running" {
		t.Fatalf("Decode = %+v, %v", typed, err)
	}
}

// TestSourceKeepsOwnKind checks that items with their own kind, as custom
// resources' list items have, keep it and are not rewritten.
func TestSourceKeepsOwnKind(t *testing.T) {
	text := `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`
	o := listedPod(t, text)
	if o.src.text != text || o.Field("kind") != "Widget" {
		t.Fatalf("text %s kind %v", o.src.text, o.Field("kind"))
	}
	// Only one of the two: ours replace it, so the text has no duplicates.
	o = listedPod(t, `{"kind":"Pod","metadata":{"name":"p"}}`)
	if o.src.text != `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}` || o.Name() != "p" {
		t.Fatalf("text %s", o.src.text)
	}
	// An empty object still becomes valid JSON with kind added.
	o = listedPod(t, `{}`)
	if o.src.text != `{"apiVersion":"v1","kind":"Pod"}` || !reflect.DeepEqual(o.Raw(), map[string]any{"apiVersion": "v1", "kind": "Pod"}) {
		t.Fatalf("empty item: %s %v", o.src.text, o.Raw())
	}
	// Duplicate keys: the last one counts, as in a decoded map.
	o = listedPod(t, `{"metadata":{"name":"a"},"metadata":{"name":"b"}}`)
	if o.Name() != "b" {
		t.Fatalf("Name() = %q, want the last metadata's", o.Name())
	}
	if o.Metadata()["name"] != "b" {
		t.Fatalf("decoded name = %v", o.Metadata()["name"])
	}
}

func TestSourceRejectsBadJSON(t *testing.T) {
	for _, text := range []string{`[1]`, `{"a":tru}`, `{"a":1`, `{"a":1} x`, `"s"`} {
		if _, err := newItemRawJSON([]byte(text), &Pods.Kind); err == nil {
			t.Errorf("newRawJSON(%q) accepted it", text)
		}
	}
}

// TestSourceConcurrentReads checks, under -race, that goroutines may read
// one object at once, as they could when it was only maps.
func TestSourceConcurrentReads(t *testing.T) {
	o := listedPod(t, podItem)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				_ = o.Metadata()["name"]
			case 1:
				_ = o.Name()
			case 2:
				_, _ = o.MarshalJSON()
			default:
				_ = o.Field("status", "phase")
			}
		})
	}
	wg.Wait()
	if o.Name() != "web" {
		t.Fatal(o.Name())
	}
}
