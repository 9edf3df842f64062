package kr8s_test

import (
	"encoding/json"
	"testing"

	"github.com/kr8s-go/kr8s"
)

func TestMarshalYAMLAndJSON(t *testing.T) {
	cm, err := kr8s.NewConfigMap(map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "a<b>"},
		"data":     map[string]any{"k": "x & y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	item, err := cm.JSON()
	if err != nil {
		t.Fatal(err)
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": []json.RawMessage{item}}
	y, err := kr8s.MarshalYAML(list)
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a<b>\n  data:\n    k: x & y\nkind: List\n"
	if string(y) != want {
		t.Errorf("MarshalYAML:\n%s\nwant:\n%s", y, want)
	}
	j, err := kr8s.MarshalJSON(map[string]any{"b": 1, "a": "<&>"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n    \"a\": \"<&>\",\n    \"b\": 1\n}\n"; string(j) != want {
		t.Errorf("MarshalJSON = %q, want %q", j, want)
	}
	if _, err := kr8s.MarshalYAML(func() {}); err == nil {
		t.Error("MarshalYAML(func) succeeded, want an error")
	}
}
