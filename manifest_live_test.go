package kr8s_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s"
)

// randomSuffix returns 6 random hex digits.
func randomSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestManifestRoundTrip writes objects out as YAML and JSON and reads them
// back unchanged, without a server.
func TestManifestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/manifests/widgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := kr8s.LoadObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.Kind().Kind)
	}
	if want := []string{"Widget", "ConfigMap", "CustomResourceDefinition", "Widget", "Namespace"}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if objs[1].Kind() != &kr8s.ConfigMaps.Kind || objs[2].Kind() != &kr8s.CustomResourceDefinitions.Kind {
		t.Error("built-in kinds did not get the typed kinds")
	}
	if k := objs[0].Kind(); k.Group != "GROUP" || k.Version != "v1" || k.Plural != "" {
		t.Errorf("custom kind %+v: want group GROUP, version v1, no plural until resolved", k)
	}
	// YAML 1.1 semantics, as kubectl: "yes" is true.
	if v := objs[0].Spec()["enabled"]; v != true {
		t.Errorf("spec.enabled = %#v, want true", v)
	}

	for _, o := range objs {
		y, err := o.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(y, []byte("apiVersion: ")) || !bytes.Contains(y, []byte("\nkind: "+o.Kind().Kind+"\nmetadata:\n")) {
			t.Errorf("YAML does not start with apiVersion, kind, metadata:\n%s", y)
		}
		j, err := o.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(j, []byte("{\n    \"apiVersion\": ")) || !bytes.HasSuffix(j, []byte("}\n")) {
			t.Errorf("JSON is not indented like kubectl's:\n%s", j)
		}
		for _, out := range [][]byte{y, j} {
			back, err := kr8s.LoadObjects(out)
			if err != nil {
				t.Fatalf("reading back %s: %v", out, err)
			}
			if len(back) != 1 || !reflect.DeepEqual(back[0].Raw(), o.Raw()) {
				t.Errorf("round trip changed %v:\n%s", o.Raw(), out)
			}
		}
	}
	cm, _ := objs[1].JSON()
	if !bytes.Contains(cm, []byte(`"echo <hello> & bye\n"`)) {
		t.Errorf("JSON escapes <, > or &:\n%s", cm)
	}

	if _, err := kr8s.LoadObjects([]byte("apiVersion: v1\nmetadata: {name: x}\n")); err == nil {
		t.Error("an object without kind: no error")
	}
	if _, err := kr8s.LoadObjects([]byte("kind: ConfigMap\napiVersion: a/b/c\n")); err == nil {
		t.Error("apiVersion a/b/c: no error")
	}
}

// TestManifestLoadFiles reads a directory tree, flat and recursive, and
// creates what it read.
func TestManifestLoadFiles(t *testing.T) {
	ctx := context.Background()
	c, _ := kindsClient(t)
	names := func(objs []*kr8s.Object) []string {
		var out []string
		for _, o := range objs {
			out = append(out, o.Name())
		}
		return out
	}
	flat, err := kr8s.LoadFiles([]string{"testdata/manifests/tree"}, false, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(flat), []string{"tree-a", "tree-a2", "tree-b"}; !slices.Equal(got, want) {
		t.Errorf("flat: %v, want %v", got, want)
	}
	deep, err := kr8s.LoadFiles([]string{"testdata/manifests/tree", "testdata/manifests/tree/b.json"}, true, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"tree-a", "tree-a2", "tree-b", "tree-c", "tree-d", "tree-b"}
	if got := names(deep); !slices.Equal(got, want) {
		t.Fatalf("recursive: %v, want %v", got, want)
	}
	if _, err := kr8s.LoadFiles([]string{"testdata/manifests/missing"}, true); err == nil {
		t.Error("a missing path: no error")
	}

	if err := kr8s.CreateAll(ctx, deep[:5], nil); err != nil {
		t.Fatal(err)
	}
	cms, err := kr8s.ConfigMaps.ListAll(ctx, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, cm := range cms {
		if strings.HasPrefix(cm.Name(), "tree-") {
			files[cm.Name()] = cm.Data()["file"]
		}
	}
	wantFiles := map[string]string{"tree-a": "a.yaml", "tree-a2": "a.yaml", "tree-b": "b.json", "tree-c": "sub/c.yml", "tree-d": "sub/deeper/d.yaml"}
	if !reflect.DeepEqual(files, wantFiles) {
		t.Errorf("on the server: %v, want %v", files, wantFiles)
	}
	// Creating the duplicate again fails, and says which object.
	err = kr8s.CreateAll(ctx, deep[5:], nil)
	if !errors.Is(err, kr8s.ErrAlreadyExists) || !strings.Contains(err.Error(), "tree-b") {
		t.Errorf("creating tree-b twice: %v; want ErrAlreadyExists naming it", err)
	}
}

// TestCreateAllCRDAndCustomResources applies a manifest whose custom
// resources come before their CRD and namespace, and reads everything back
// from the server.
func TestCreateAllCRDAndCustomResources(t *testing.T) {
	t.Setenv(kr8s.EnvCacheDir, t.TempDir())
	ctx := context.Background()
	c, _ := kindsClient(t)
	group := "kr8s-" + randomSuffix() + ".example.com"
	ns := "kr8s-createall-" + randomSuffix()
	data, err := os.ReadFile("testdata/manifests/widgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte("GROUP"), []byte(group))
	data = bytes.ReplaceAll(data, []byte("NAMESPACE"), []byte(ns))
	objs, err := kr8s.LoadObjects(data, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	// Read what was loaded before CreateAll replaces it with the server's
	// answers.
	want := map[string]map[string]any{}
	for _, o := range objs {
		if o.Kind().Kind == "Widget" {
			want[o.Name()] = jsonCopy(t, o.Spec())
		}
	}
	kindsCleanupDelete(t, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets."+group)
	kindsCleanupDelete(t, "/api/v1/namespaces/"+ns)

	if err := kr8s.CreateAll(ctx, objs, &kr8s.CreateAllOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.Raw()["metadata"].(map[string]any)["uid"] == nil {
			t.Errorf("%s: not updated with the server's answer", o)
		}
	}
	if k := objs[0].Kind(); k.Plural != "widgets" || !k.Namespaced || k.Group != group {
		t.Errorf("custom kind after CreateAll: %+v", k)
	}

	widgets, err := kr8s.Get(ctx, "widgets."+group, []string{"alpha", "beta"}, &kr8s.ListOptions{API: c, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range widgets {
		if got := jsonCopy(t, w.Spec()); !reflect.DeepEqual(got, want[w.Name()]) {
			t.Errorf("widget %s: server has spec %v, the manifest %v", w.Name(), got, want[w.Name()])
		}
	}
	cm, err := kr8s.ConfigMaps.Get(ctx, "settings", &kr8s.GetOptions{API: c, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data()["script"] != "echo <hello> & bye\n" || cm.Data()["mode"] != "fast" {
		t.Errorf("configmap data %v", cm.Data())
	}
}

func jsonCopy(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
