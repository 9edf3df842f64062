package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

const fuzzData = `{"kind":"List","items":[{"metadata":{"name":"a","labels":{"x.y/z":"1"}},"n":1,"f":1.5,"b":true,"z":null,
"s":["p","q"],"c":[{"type":"Ready","status":"True"}]},{"metadata":{"name":"b"},"n":2,"e":[],"o":{}},null,"str",7]}`

// FuzzParse checks that parsing and executing arbitrary templates never
// panics and that parse errors carry a position inside the template.
func FuzzParse(f *testing.F) {
	for _, tc := range tableCases {
		f.Add(tc.tmpl)
	}
	for _, tmpl := range differentialTemplates {
		f.Add(tmpl)
	}
	var floats, numbers any
	if err := json.Unmarshal([]byte(fuzzData), &floats); err != nil {
		f.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(fuzzData)))
	dec.UseNumber()
	if err := dec.Decode(&numbers); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		tp, err := Parse(tmpl)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) returned %T, want *ParseError", tmpl, err)
			}
			if pe.Pos < 0 || pe.Pos > len(tmpl) {
				t.Fatalf("Parse(%q): position %d outside template", tmpl, pe.Pos)
			}
			return
		}
		tp.stepBudget = 100000 // bound pathological nesting of ranges
		for _, data := range []any{floats, numbers, nil, "s", []any{}} {
			for _, allow := range []bool{true, false} {
				tp.AllowMissingKeys(allow)
				var buf bytes.Buffer
				if err := tp.Execute(&buf, data); err != nil && buf.Len() != 0 {
					t.Fatalf("Execute(%q) wrote output despite error %v", tmpl, err)
				}
				_, _ = tp.FindResults(data)
			}
		}
	})
}
