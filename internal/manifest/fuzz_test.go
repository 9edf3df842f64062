package manifest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecode checks that Decode never panics and that every document it
// returns is a JSON object with apiVersion and kind that survives a
// ToYAML/YAMLToJSON round trip. Seeds are in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"))
	f.Add([]byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"X"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Decode(data, "fuzz")
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			return
		}
		for _, d := range docs {
			if !json.Valid(d.JSON) || !bytes.HasPrefix(d.JSON, []byte("{")) {
				t.Fatalf("document %d is not a JSON object: %q", d.Index, d.JSON)
			}
			var obj map[string]any
			if err := json.Unmarshal(d.JSON, &obj); err != nil {
				continue // e.g. a number beyond float64; still valid JSON
			}
			if k, _ := obj["kind"].(string); k == "" {
				t.Fatalf("document without kind: %s", d.JSON)
			}
			y, err := ToYAML(d.JSON)
			if err != nil {
				t.Fatalf("ToYAML(%s): %v", d.JSON, err)
			}
			back, err := YAMLToJSON(y)
			if err != nil {
				t.Fatalf("YAMLToJSON(ToYAML(%s)): %v\n%s", d.JSON, err, y)
			}
			var obj2 map[string]any
			if err := json.Unmarshal(back, &obj2); err != nil || !reflect.DeepEqual(obj, obj2) {
				t.Fatalf("round trip changed %s into %s (%v)\n%s", d.JSON, back, err, y)
			}
		}
	})
}
