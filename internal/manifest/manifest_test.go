package manifest

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"

func cmYAML(name string) string { return strings.ReplaceAll(cm, "%s", name) }

func cmJSON(name string) string {
	return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"` + name + `"}}`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []string // compact JSON, exact
		lines []int    // optional: Document.Line of each
	}{
		{"single", cmYAML("a"), []string{cmJSON("a")}, []int{1}},
		{"multi-doc", cmYAML("a") + "---\n" + cmYAML("b"), []string{cmJSON("a"), cmJSON("b")}, []int{1, 6}},
		{"leading separator", "---\n" + cmYAML("a"), []string{cmJSON("a")}, []int{2}},
		{"trailing separator", cmYAML("a") + "---\n", []string{cmJSON("a")}, nil},
		{"comments", "# header\n---\n# about a\n" + cmYAML("a") + "# trailing\n", []string{cmJSON("a")}, []int{4}},
		{"empty docs", "---\n---\n\n---\n# only a comment\n---\n" + cmYAML("a") + "---\n~\n---\nnull\n", []string{cmJSON("a")}, []int{7}},
		{"empty input", "", nil, nil},
		{"whitespace input", " \n\n\t\n", nil, nil},
		{"separator with comment", "--- # first\n" + cmYAML("a"), []string{cmJSON("a")}, nil},
		{"content after separator", "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", []string{cmJSON("a")}, nil},
		{"document end marker", cmYAML("a") + "...\n---\n" + cmYAML("b"), []string{cmJSON("a"), cmJSON("b")}, nil},
		{"directive", "%YAML 1.1\n---\n" + cmYAML("a"), []string{cmJSON("a")}, nil},
		{"key order kept", "kind: ConfigMap\nmetadata: {name: a}\napiVersion: v1\n", []string{`{"kind":"ConfigMap","metadata":{"name":"a"},"apiVersion":"v1"}`}, nil},
		{"list", "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(cmYAML("a"), "\n", "\n  ") + "\n- " + strings.ReplaceAll(cmYAML("b"), "\n", "\n  "), []string{cmJSON("a"), cmJSON("b")}, []int{1, 1}},
		{"empty list", "apiVersion: v1\nkind: List\nitems: []\n", nil, nil},
		{"null items", "apiVersion: v1\nkind: List\nitems:\n", nil, nil},
		{"typed list items inherit", "apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n", []string{`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`}, nil},
		{"any kind with items is a list", "apiVersion: v1\nkind: Thing\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", []string{cmJSON("a")}, nil},
		{"json", cmJSON("a"), []string{cmJSON("a")}, []int{1}},
		{"json indented", "\n  {\n \"apiVersion\": \"v1\",\n \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"a\"}\n}\n", []string{cmJSON("a")}, []int{2}},
		{"json concatenated", cmJSON("a") + "\n" + cmJSON("b") + cmJSON("c"), []string{cmJSON("a"), cmJSON("b"), cmJSON("c")}, []int{1, 2, 2}},
		{"json null skipped", cmJSON("a") + " null " + cmJSON("b"), []string{cmJSON("a"), cmJSON("b")}, nil},
		{"json numbers exact", `{"apiVersion":"v1","kind":"X","n":12345678901234567890123,"f":1.50,"e":1E+2}`, []string{`{"apiVersion":"v1","kind":"X","n":12345678901234567890123,"f":1.50,"e":1E+2}`}, nil},
		{"json duplicate keys last wins", `{"apiVersion":"v1","kind":"X","a":1,"a":2}`, []string{`{"apiVersion":"v1","kind":"X","a":2}`}, nil},
		{"json list", `{"apiVersion":"v1","kind":"List","items":[` + cmJSON("a") + `]}`, []string{cmJSON("a")}, nil},
		{"flow yaml starting with brace", "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", []string{cmJSON("a")}, nil},
		{"crlf", strings.ReplaceAll(cmYAML("a")+"data:\n  x: |\n    l1\n    l2\n---\n"+cmYAML("b"), "\n", "\r\n"),
			[]string{`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"l1\nl2\n"}}`, cmJSON("b")}, []int{1, 10}},
		{"bom yaml", "\ufeff" + cmYAML("a"), []string{cmJSON("a")}, nil},
		{"bom json", "\ufeff" + cmJSON("a"), []string{cmJSON("a")}, nil},
		{"html not escaped", "apiVersion: v1\nkind: X\ns: <a&b>\n", []string{`{"apiVersion":"v1","kind":"X","s":"<a&b>"}`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Decode([]byte(tt.in), "in.yaml")
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, string(d.JSON))
				if d.Source != "in.yaml" {
					t.Errorf("Source = %q", d.Source)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if tt.lines != nil {
				var lines []int
				for _, d := range docs {
					lines = append(lines, d.Line)
				}
				if !reflect.DeepEqual(lines, tt.lines) {
					t.Errorf("lines = %v, want %v", lines, tt.lines)
				}
			}
		})
	}
}

func TestDecodeIndexes(t *testing.T) {
	in := "# c\n---\n" + cmYAML("a") + "---\n---\napiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(cmYAML("b"), "\n", "\n  ") + "\n- " + strings.ReplaceAll(cmYAML("c"), "\n", "\n  ") + "\n---\n" + cmYAML("d")
	docs, err := Decode([]byte(in), "")
	if err != nil {
		t.Fatal(err)
	}
	type pos struct{ Index, Item int }
	var got []pos
	for _, d := range docs {
		got = append(got, pos{d.Index, d.Item})
	}
	want := []pos{{0, -1}, {1, 0}, {1, 1}, {2, -1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestYAMLToJSON checks scalar resolution; the expectations were taken from
// kubectl 1.32 (sigs.k8s.io/yaml) output.
func TestYAMLToJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a: 1", `{"a":1}`},
		{"a: -17", `{"a":-17}`},
		{"a: +5", `{"a":5}`},
		{"a: 0x1F", `{"a":31}`},
		{"a: 0o17", `{"a":15}`},
		{"a: 017", `{"a":15}`},
		{"a: 08", `{"a":8}`},
		{"a: 0b101", `{"a":5}`},
		{"a: 1_000", `{"a":1000}`},
		{"a: 9007199254740993", `{"a":9007199254740993}`},
		{"a: 12345678901234567890", `{"a":12345678901234567890}`},
		{"a: 1.0", `{"a":1}`},
		{"a: 1.5", `{"a":1.5}`},
		{"a: 1e3", `{"a":1000}`},
		{"a: 1.5e-10", `{"a":1.5e-10}`},
		{"a: .5", `{"a":0.5}`},
		{"a: 2.", `{"a":2}`},
		{"a: 1.2.3", `{"a":"1.2.3"}`},
		{"a: 190:20:30", `{"a":"190:20:30"}`},
		{"a: yes", `{"a":true}`},
		{"a: No", `{"a":false}`},
		{"a: on", `{"a":true}`},
		{"a: OFF", `{"a":false}`},
		{"a: y", `{"a":true}`},
		{"a: n", `{"a":false}`},
		{"a: True", `{"a":true}`},
		{"a: yess", `{"a":"yess"}`},
		{"a: 'yes'", `{"a":"yes"}`},
		{"a: \"1\"", `{"a":"1"}`},
		{"a: null", `{"a":null}`},
		{"a: ~", `{"a":null}`},
		{"a:", `{"a":null}`},
		{"a: NULL", `{"a":null}`},
		{"a: 2002-12-14", `{"a":"2002-12-14"}`},
		{"a: 2001-12-14t21:59:43.10-05:00", `{"a":"2001-12-14t21:59:43.10-05:00"}`},
		{"a: !!binary aGVsbG8=", `{"a":"hello"}`},
		{"a: !!str 12", `{"a":"12"}`},
		{"a: !!int \"12\"", `{"a":12}`},
		{"a: !!float 3", `{"a":3}`},
		{"a: !custom 12", `{"a":"12"}`},
		{"a: !!null ~", `{"a":null}`},
		{"a: &x {b: 1}\nc: *x", `{"a":{"b":1},"c":{"b":1}}`},
		{"a: &x 5\nb: *x", `{"a":5,"b":5}`},
		{"base: &b {x: 1, z: 2}\nm:\n  z: 9\n  <<: *b", `{"base":{"x":1,"z":2},"m":{"z":2,"x":1}}`},
		{"base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 9", `{"base":{"x":1,"z":2},"m":{"x":1,"z":9}}`},
		{"y: 1\nn: 2", `{"true":1,"false":2}`},
		{"m:\n  <<: [{a: 1}, {a: 2, b: 2}]", `{"m":{"a":1,"b":2}}`},
		{"m:\n  '<<': 1", `{"m":{"<<":1}}`},
		{"a: |\n  l1\n   l2\n", `{"a":"l1\n l2\n"}`},
		{"a: |-\n  l1\n", `{"a":"l1"}`},
		{"a: |+\n  l1\n\nb: 1", `{"a":"l1\n\n","b":1}`},
		{"a: >\n  f1\n  f2\n\n  f3\n", `{"a":"f1 f2\nf3\n"}`},
		{"a: plain\n  continued", `{"a":"plain continued"}`},
		{"a: \"esc\\t\\u00e9\\n\"", `{"a":"esc\té\n"}`},
		{"1: a\n2.5: b\ntrue: c\nyes: d\n0x10: e", `{"1":"a","2.5":"b","true":"d","16":"e"}`},
		{"a: 1\na: 2", `{"a":2}`},
		{"- 1\n- a", `[1,"a"]`},
		{"hello", `"hello"`},
		{"", `null`},
		{"# just a comment\n", `null`},
		{"a: []\nb: {}", `{"a":[],"b":{}}`},
		{"a: [yes, 1, x]", `{"a":[true,1,"x"]}`},
		{"a: \"<tag>\"", `{"a":"<tag>"}`},
	}
	for _, tt := range tests {
		got, err := YAMLToJSON([]byte(tt.in))
		if err != nil {
			t.Errorf("YAMLToJSON(%q): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("YAMLToJSON(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestYAMLToJSONErrors(t *testing.T) {
	for _, in := range []string{
		"a: .inf",
		"a: .nan",
		"~: 1",
		"a: *missing",
		"a: !!int abc",
		"a: !!binary '***'",
		"m:\n  <<: 5",
		"a: [1, 2",
		"a: 1\n---\nb: 2",
		"a: \xff\xfe",
	} {
		if got, err := YAMLToJSON([]byte(in)); err == nil {
			t.Errorf("YAMLToJSON(%q) = %s, want error", in, got)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		index     int
		line      int
		item      int
		contains  []string
		sentinels []error
	}{
		{"bad yaml", cmYAML("a") + "---\napiVersion: v1\nkind: X\nmetadata:\n  name: [unclosed\n", 1, 9, -1, []string{"f.yaml:9", "document 1"}, nil},
		{"bad indentation", cmYAML("a") + "  bad: : x\n", 0, 5, -1, []string{"f.yaml:5"}, nil},
		{"missing kind", cmYAML("a") + "---\napiVersion: v1\nmetadata: {name: b}\n", 1, 6, -1, []string{"document 1", "'Kind' is missing"}, []error{ErrMissingKind}},
		{"missing apiVersion", "kind: ConfigMap\nmetadata: {name: b}\n", 0, 1, -1, []string{"'apiVersion' is missing"}, []error{ErrMissingAPIVersion}},
		{"empty kind", "apiVersion: v1\nkind: ''\n", 0, 1, -1, []string{"'Kind' is missing"}, []error{ErrMissingKind}},
		{"kind not a string", "apiVersion: v1\nkind: 5\n", 0, 1, -1, []string{"kind is a number"}, nil},
		{"top-level scalar", cmYAML("a") + "---\nhello\n", 1, 6, -1, []string{"document 1", "a string, not an object"}, nil},
		{"top-level sequence", "- a\n- b\n", 0, 1, -1, []string{"a list, not an object"}, nil},
		{"json array", "[" + cmJSON("a") + "]", 0, 1, -1, []string{"a list, not an object"}, nil},
		{"bad json", cmJSON("a") + "\n{\"apiVersion\": }", 1, 2, -1, []string{"f.yaml:2", "document 1"}, nil},
		{"truncated json", cmJSON("a") + "\n{\"apiVersion\": \"v1\"", 1, 2, -1, []string{"document 1", "end of JSON input"}, nil},
		{"list item missing kind", "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n", 0, 1, 0, []string{"list item 0", "'Kind' is missing"}, []error{ErrMissingKind}},
		{"list item half typed", "apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  metadata: {name: a}\n", 0, 1, 0, []string{"'Kind' is missing"}, []error{ErrMissingKind}},
		{"list without kind", "apiVersion: v1\nitems: []\n", 0, 1, -1, []string{"'Kind' is missing"}, []error{ErrMissingKind}},
		{"list item scalar", "apiVersion: v1\nkind: List\nitems: [1]\n", 0, 1, 0, []string{"a number, not an object"}, nil},
		{"list items scalar", "apiVersion: v1\nkind: List\nitems: 5\n", 0, 1, -1, []string{"not a list"}, nil},
		{"nested list", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: List, items: []}\n", 0, 1, 0, []string{"nested"}, nil},
		{"infinity", "apiVersion: v1\nkind: X\nv: .inf\n", 0, 3, -1, []string{"f.yaml:3"}, nil},
		{"invalid utf-8", "apiVersion: v1\nkind: X\nv: \xff\n", 0, 3, -1, []string{"UTF-8"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Decode([]byte(tt.in), "f.yaml")
			if err == nil {
				t.Fatalf("no error; docs %v", docs)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if e.Source != "f.yaml" || e.Index != tt.index || e.Line != tt.line || e.Item != tt.item {
				t.Errorf("error %q: source %q index %d line %d item %d; want index %d line %d item %d", err, e.Source, e.Index, e.Line, e.Item, tt.index, tt.line, tt.item)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			for _, s := range tt.sentinels {
				if !errors.Is(err, s) {
					t.Errorf("error %q is not %v", err, s)
				}
			}
		})
	}
}

func TestExcessiveAliasing(t *testing.T) {
	in := "apiVersion: v1\nkind: X\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		in += n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = n
	}
	if _, err := Decode([]byte(in), ""); err == nil || !strings.Contains(err.Error(), "aliasing") {
		t.Fatalf("err = %v, want excessive aliasing", err)
	}
}

func TestDeepNesting(t *testing.T) {
	in := "apiVersion: v1\nkind: X\na: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
	if _, err := Decode([]byte(in), ""); err == nil {
		t.Error("no error for deep YAML nesting")
	}
	j := `{"apiVersion":"v1","kind":"X","a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}"
	if _, err := Decode([]byte(j), ""); err == nil {
		t.Error("no error for deep JSON nesting")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, docs []Document) []string {
	t.Helper()
	var out []string
	for _, d := range docs {
		var o struct {
			Metadata struct{ Name string }
		}
		if err := json.Unmarshal(d.JSON, &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Metadata.Name)
	}
	return out
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.yaml"), cmYAML("b"))
	writeFile(t, filepath.Join(dir, "a.yml"), cmYAML("a1")+"---\n"+cmYAML("a2"))
	writeFile(t, filepath.Join(dir, "c.json"), cmJSON("c"))
	writeFile(t, filepath.Join(dir, "d.txt"), cmYAML("ignored"))
	writeFile(t, filepath.Join(dir, "e.YAML"), cmYAML("ignored-case"))
	writeFile(t, filepath.Join(dir, "README.md"), "# not a manifest")
	writeFile(t, filepath.Join(dir, "sub", "s.yaml"), cmYAML("sub"))
	writeFile(t, filepath.Join(dir, "sub", "deeper", "x.json"), cmJSON("deeper"))
	writeFile(t, filepath.Join(dir, "aa", "z.yaml"), cmYAML("aa-z"))
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.txt")
	writeFile(t, other, cmYAML("explicit"))

	t.Run("flat", func(t *testing.T) {
		docs, err := ReadFiles([]string{dir}, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := names(t, docs), []string{"a1", "a2", "b", "c"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if docs[0].Source != filepath.Join(dir, "a.yml") || docs[1].Index != 1 || docs[2].Source != filepath.Join(dir, "b.yaml") {
			t.Errorf("bad source/index: %+v", docs)
		}
	})
	t.Run("recursive", func(t *testing.T) {
		docs, err := ReadFiles([]string{dir}, true)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"a1", "a2", "aa-z", "b", "c", "deeper", "sub"}
		if got := names(t, docs); !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("explicit file any extension, order of arguments", func(t *testing.T) {
		docs, err := ReadFiles([]string{other, filepath.Join(dir, "b.yaml")}, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := names(t, docs), []string{"explicit", "b"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("missing path", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.yaml")
		_, err := ReadFiles([]string{filepath.Join(dir, "b.yaml"), missing}, false)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
			t.Errorf("err = %v, want not-exist error naming %s", err, missing)
		}
	})
	t.Run("bad file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.yaml")
		writeFile(t, bad, cmYAML("x")+"---\nkind: X\n")
		_, err := ReadFiles([]string{bad}, false)
		var e *Error
		if !errors.As(err, &e) || e.Source != bad || e.Index != 1 {
			t.Errorf("err = %v, want *Error for %s document 1", err, bad)
		}
	})
	t.Run("empty dir", func(t *testing.T) {
		docs, err := ReadFiles([]string{t.TempDir()}, true)
		if err != nil || len(docs) != 0 {
			t.Errorf("docs %v err %v", docs, err)
		}
	})
}

func TestToYAML(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"a":"b"},"annotations":{}},` +
		`"data":{"yes":"yes","num":"1","multi":"l1\nl2\n","strip":"l1\nl2","empty":"","list":[]},` +
		`"spec":{"containers":[{"name":"c","args":["a","-b"],"ports":[{"containerPort":80}]}],"nested":[[1,2],[]],"n":null,"t":true,"f":1.5}}`
	want := `apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  labels:
    a: b
  annotations: {}
data:
  "yes": "yes"
  num: "1"
  multi: |
    l1
    l2
  strip: |-
    l1
    l2
  empty: ""
  list: []
spec:
  containers:
  - name: c
    args:
    - a
    - "-b"
    ports:
    - containerPort: 80
  nested:
  - - 1
    - 2
  - []
  "n": null
  t: true
  f: 1.5
`
	got, err := ToYAML([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("ToYAML:\n%s\nwant:\n%s", got, want)
	}
	for in, want := range map[string]string{`{}`: "{}\n", `[]`: "[]\n", `"s"`: "s\n", `1`: "1\n"} {
		if got, err := ToYAML([]byte(in)); err != nil || string(got) != want {
			t.Errorf("ToYAML(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ToYAML([]byte(`{"a":`)); err == nil {
		t.Error("ToYAML accepted bad JSON")
	}
}

// TestToYAMLRoundTrip checks YAML -> JSON -> YAML -> JSON gives the same
// JSON, for the fixtures and for strings that need quoting.
func TestToYAMLRoundTrip(t *testing.T) {
	var inputs [][]byte
	files, _ := filepath.Glob("testdata/kubectl/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := Decode(data, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			inputs = append(inputs, d.JSON)
		}
	}
	tricky := []string{"", " ", "yes", "No", "on", "y", "n", "~", "null", "true", "1", "0x1F", "017", "08", "1_000", "+5", "-5", ".5", "1e3", ".inf", "-.inf", ".nan",
		"2002-12-14", "12:30", "190:20:30", "1.2.3", "<<", "-", "- a", "? x", "a: b", "a:", "a #b", "#c", "'q'", "\"q\"", "&a", "*a", "!t", "%d", "@x", "`x`", "|", ">",
		"{a}", "[a]", "a,b", "---", "...", "--- x", "trailing ", " leading", "tab\tin", "multi\nline", "multi\nline\n", "two\n\n", "\nlead", " indented\nfirst", "trail \nspace",
		"\x00\x01", "é ü", "\u2028", "\u0085", "\ufeff", "http://x:80/a?b=c#d", "a\\b", "C:\\dir", "x: |", "中文", "line\r\nbreak", "a\n  b\n"}
	for _, s := range tricky {
		b, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "X", "v": s, "list": []any{s, map[string]string{s: s}}, s: s})
		inputs = append(inputs, b)
	}
	for _, j1 := range inputs {
		y, err := ToYAML(j1)
		if err != nil {
			t.Fatalf("ToYAML(%s): %v", j1, err)
		}
		j2, err := YAMLToJSON(y)
		if err != nil {
			t.Errorf("YAMLToJSON of ToYAML(%s): %v\n%s", j1, err, y)
			continue
		}
		var v1, v2 any
		if err := json.Unmarshal(j1, &v1); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(j2, &v2); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v1, v2) {
			t.Errorf("round trip changed value\n in: %s\nout: %s\nyaml:\n%s", j1, j2, y)
		}
	}
}

func TestToJSON(t *testing.T) {
	in := []byte(` {"b": 1, "a": {"x": [1, 2.50, {}], "y": []}, "s": "<&>", "n": 12345678901234567890} `)
	got, err := ToJSON(in, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"b":1,"a":{"x":[1,2.50,{}],"y":[]},"s":"<&>","n":12345678901234567890}`; string(got) != want {
		t.Errorf("compact = %s, want %s", got, want)
	}
	got, err = ToJSON(in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
    "b": 1,
    "a": {
        "x": [
            1,
            2.50,
            {}
        ],
        "y": []
    },
    "s": "<&>",
    "n": 12345678901234567890
}
`
	if string(got) != want {
		t.Errorf("indented =\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{``, `{`, `{"a":1} x`, `{"a":1}{}`, `{a:1}`} {
		if _, err := ToJSON([]byte(bad), false); err == nil {
			t.Errorf("ToJSON(%q) accepted bad JSON", bad)
		}
	}
}

func TestDecodeReader(t *testing.T) {
	docs, err := DecodeReader(strings.NewReader(cmYAML("a")), "stdin")
	if err != nil || len(docs) != 1 || docs[0].Source != "stdin" {
		t.Fatalf("docs %+v err %v", docs, err)
	}
}
