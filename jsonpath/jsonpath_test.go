package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func loadFixture(t testing.TB, name string, useNumber bool) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if useNumber {
		dec.UseNumber()
	}
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func execute(tmpl string, data any, allowMissing bool) (string, error) {
	t, err := Parse(tmpl)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = t.AllowMissingKeys(allowMissing).Execute(&buf, data)
	return buf.String(), err
}

type tableCase struct {
	name     string
	tmpl     string
	want     string
	wantErr  string // substring of the expected error
	strict   bool   // AllowMissingKeys(false)
	fixture  string // default pods.json
	parseErr bool
}

var tableCases = []tableCase{
	{name: "names", tmpl: `{.items[*].metadata.name}`, want: "web-7d4b9c8f6-abcde web-7d4b9c8f6-fghij db-0"},
	{name: "kind", tmpl: `{.kind}`, want: "List"},
	{name: "literal text", tmpl: `kind={.kind}!`, want: "kind=List!"},
	{name: "dollar root", tmpl: `{$.items[0].metadata.name}`, want: "web-7d4b9c8f6-abcde"},
	{name: "at root", tmpl: `{@.items[2].metadata.namespace}`, want: "data"},
	{name: "index", tmpl: `{.items[1].spec.nodeName}`, want: "node-b"},
	{name: "negative index", tmpl: `{.items[-1].metadata.name}`, want: "db-0"},
	{name: "slice", tmpl: `{.items[0:2].metadata.name}`, want: "web-7d4b9c8f6-abcde web-7d4b9c8f6-fghij"},
	{name: "slice open end", tmpl: `{.items[1:].metadata.name}`, want: "web-7d4b9c8f6-fghij db-0"},
	{name: "slice negative end", tmpl: `{.items[:-1].metadata.name}`, want: "web-7d4b9c8f6-abcde web-7d4b9c8f6-fghij"},
	{name: "slice step", tmpl: `{.items[::2].metadata.name}`, want: "web-7d4b9c8f6-abcde db-0"},
	{name: "empty slice", tmpl: `{.items[1:1].metadata.name}`, want: ""},
	{name: "union indexes", tmpl: `{.items[0,2].metadata.name}`, want: "web-7d4b9c8f6-abcde db-0"},
	{name: "union keys", tmpl: `{.items[0].metadata['name','namespace']}`, want: "web-7d4b9c8f6-abcde default"},
	{name: "union paths in key", tmpl: `{.items[2]['metadata.name', 'status.phase']}`, want: "db-0 Pending"},
	{name: "quoted key", tmpl: `{.items[0]['kind']}`, want: "Pod"},
	{name: "escaped dots", tmpl: `{.items[*].metadata.labels.app\.kubernetes\.io/name}`, want: "web web"},
	{name: "escaped dots in quoted key", tmpl: `{.items[0].metadata.labels['app\.kubernetes\.io/name']}`, want: "web"},
	{name: "dots in quoted key are separators", tmpl: `{.items[0].metadata.labels['app.kubernetes.io/name']}`, want: ""},
	{name: "integer", tmpl: `{.items[*].spec.terminationGracePeriodSeconds}`, want: "30 30 120"},
	{name: "large integer", tmpl: `{.items[2].spec.priority}`, want: "1000000"},
	{name: "bool", tmpl: `{.items[0].status.containerStatuses[0].ready}`, want: "true"},
	{name: "map as json", tmpl: `{.items[0].spec.containers[0].resources.requests}`, want: `{"cpu":"100m","memory":"128Mi"}`},
	{name: "slice as json", tmpl: `{.items[0].spec.containers[1].args}`, want: `["--config","/etc/fb.conf"]`},
	{name: "html escaped in json", tmpl: `{.items[2].status.conditions}`, want: `[{"message":"0/3 nodes are available: 3 Insufficient memory \u0026 \u003ccpu\u003e.","reason":"Unschedulable","status":"False","type":"PodScheduled"}]`},
	{name: "no escaping in text", tmpl: `{.items[2].status.conditions[0].message}`, want: "0/3 nodes are available: 3 Insufficient memory & <cpu>."},
	{name: "wildcard", tmpl: `{.items[0].spec.containers[*].name}`, want: "nginx log-shipper"},
	{name: "map wildcard sorted", tmpl: `{.items[0].metadata.labels.*}`, want: "web web 7d4b9c8f6 frontend"},
	{name: "recursive", tmpl: `{..containerPort}`, want: "80 80 5432"},
	{name: "recursive field chain", tmpl: `{.items[0]..running.startedAt}`, want: "2024-05-01T10:00:05Z 2024-05-01T10:00:04Z"},
	{name: "filter eq", tmpl: `{.items[?(@.status.phase=="Pending")].metadata.name}`, want: "db-0"},
	{name: "filter ne single quotes", tmpl: `{.items[?(@.status.phase!='Pending')].metadata.name}`, want: "web-7d4b9c8f6-abcde web-7d4b9c8f6-fghij"},
	{name: "filter nested", tmpl: `{.items[*].status.conditions[?(@.type=="Ready")].status}`, want: "True False"},
	{name: "filter gt", tmpl: `{.items[*].status.containerStatuses[?(@.restartCount>1)].name}`, want: "nginx nginx"},
	{name: "filter le", tmpl: `{.items[?(@.spec.terminationGracePeriodSeconds<=30)].metadata.name}`, want: "web-7d4b9c8f6-abcde web-7d4b9c8f6-fghij"},
	{name: "filter bool", tmpl: `{.items[*].status.containerStatuses[?(@.ready==false)].restartCount}`, want: "7"},
	{name: "filter exists", tmpl: `{.items[?(@.spec.nodeName)].spec.nodeName}`, want: "node-a node-b"},
	{name: "filter field vs field", tmpl: `{.items[*].spec.containers[?(@.name==@.name)].name}`, want: "nginx log-shipper nginx postgres"},
	{name: "filter incompatible types", tmpl: `{.items[?(@.status.phase==1)].metadata.name}`, wantErr: "incompatible types for comparison"},
	{name: "range", tmpl: `{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`, want: "web-7d4b9c8f6-abcde\tRunning\nweb-7d4b9c8f6-fghij\tRunning\ndb-0\tPending\n"},
	{name: "nested range", tmpl: `{range .items[*]}{.metadata.name}:{range .spec.containers[*]} {.name}{end};{end}`, want: "web-7d4b9c8f6-abcde: nginx log-shipper;web-7d4b9c8f6-fghij: nginx;db-0: postgres;"},
	{name: "range then text", tmpl: `{range .items[*]}[{.metadata.name}]{end} done`, want: "[web-7d4b9c8f6-abcde][web-7d4b9c8f6-fghij][db-0] done"},
	{name: "empty range", tmpl: `{range .items[?(@.kind=="Node")]}{.metadata.name}{end}x`, want: "x"},
	{name: "range over filter", tmpl: `{range .items[*].status.conditions[?(@.status=="False")]}{.type}={.reason}{"\n"}{end}`, want: "Ready=ContainersNotReady\nPodScheduled=Unschedulable\n"},
	{name: "range without end repeats body", tmpl: `{range .items[0].spec.containers[*]}<{.name}>`, want: "<nginx><log-shipper><>"},
	{name: "string literal escapes", tmpl: `{"a\tb\u00e9\\x"}{'\n'}`, want: "a\tbé\\x\n"},
	{name: "escaped backslash before quote", tmpl: `{"a\\"}`, parseErr: true, wantErr: "unterminated quoted string at 7"},
	{name: "number literal", tmpl: `{1}{2.50}{-3}`, want: "12.5-3"},
	{name: "bool literal", tmpl: `{true}`, want: "true"},
	{name: "missing allowed", tmpl: `{.items[0].metadata.nope}x`, want: "x"},
	{name: "missing strict", tmpl: `{.items[0].metadata.nope}`, strict: true, wantErr: "nope is not found"},
	{name: "missing strict some found", tmpl: `{.items[*].spec.nodeName}`, strict: true, want: "node-a node-b"},
	{name: "out of range", tmpl: `{.items[5]}`, wantErr: "array index out of bounds: index 5, length 3"},
	{name: "not array", tmpl: `{.kind[0]}`, wantErr: "string is not array or slice"},
	{name: "step zero", tmpl: `{.items[::0]}`, wantErr: "step must be > 0"},
	{name: "end without range", tmpl: `{.kind}{end}`, wantErr: "not in range, nothing to end"},
	{name: "string wildcard bytes", tmpl: `{.items[2].metadata.name.*}`, want: "100 98 45 48"},
	{name: "null prints null", tmpl: `{.spec.template.metadata.creationTimestamp}`, fixture: "null.json", want: "null"},
	{name: "deployment ready", tmpl: `{.status.readyReplicas}/{.spec.replicas}`, fixture: "deployment.json", want: "2/3"},
	{name: "deployment condition", tmpl: `{.status.conditions[?(@.type=="Available")].status}`, fixture: "deployment.json", want: "False"},
	{name: "deployment probe", tmpl: `{.spec.template.spec.containers[0].readinessProbe}`, fixture: "deployment.json", want: `{"httpGet":{"path":"/healthz","port":80},"periodSeconds":10}`},
	{name: "deployment annotation html", tmpl: `{.metadata.annotations}`, fixture: "deployment.json", want: `{"deployment.kubernetes.io/revision":"3","note":"a \u003cb\u003e \u0026 c"}`},

	{name: "unclosed action", tmpl: `{.items`, parseErr: true, wantErr: "unclosed action at 7"},
	{name: "bad character", tmpl: `{.a,.b}`, parseErr: true, wantErr: "unrecognized character in action: U+002C ',' at 3"},
	{name: "unknown identifier", tmpl: `x{items[0]}`, parseErr: true, wantErr: "unrecognized identifier items at 2"},
	{name: "unterminated array", tmpl: `{.items[0}`, parseErr: true, wantErr: "unterminated array at 10"},
	{name: "invalid index", tmpl: `{.items[a]}`, parseErr: true, wantErr: "invalid array index a at 8"},
	{name: "unterminated filter", tmpl: `{.items[?(@.a=="x"}`, parseErr: true, wantErr: "unterminated filter at 19"},
	{name: "unterminated string", tmpl: `{"abc}`, parseErr: true, wantErr: "unterminated quoted string at 6"},
	{name: "bad filter operator", tmpl: `{.items[?(@.a=1)]}`, parseErr: true, wantErr: "unrecognized filter operator = at 13"},
	{name: "error in union part", tmpl: `{.items[0, x]}`, parseErr: true, wantErr: "invalid array index x at 11"},
	{name: "double recursive", tmpl: `{.a....b}`, parseErr: true, wantErr: "invalid multiple recursive descent at 5"},
}

func TestTable(t *testing.T) {
	if len(tableCases) < 40 {
		t.Fatalf("only %d cases", len(tableCases))
	}
	fixtures := map[string][2]any{}
	for _, tc := range tableCases {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.fixture
			if name == "" {
				name = "pods.json"
			}
			if _, ok := fixtures[name]; !ok {
				fixtures[name] = [2]any{loadFixture(t, name, false), loadFixture(t, name, true)}
			}
			for i, data := range fixtures[name] {
				got, err := execute(tc.tmpl, data, !tc.strict)
				if tc.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("variant %d: error = %v, want %q", i, err, tc.wantErr)
					}
					var pe *ParseError
					if errors.As(err, &pe) != tc.parseErr {
						t.Fatalf("variant %d: parse error = %v, want %v", i, errors.As(err, &pe), tc.parseErr)
					}
					if got != "" {
						t.Fatalf("variant %d: wrote %q on error", i, got)
					}
					continue
				}
				if err != nil {
					t.Fatalf("variant %d: unexpected error: %v", i, err)
				}
				if got != tc.want {
					t.Fatalf("variant %d:\n got %q\nwant %q", i, got, tc.want)
				}
			}
		})
	}
}

func TestFindResults(t *testing.T) {
	data := loadFixture(t, "deployment.json", false)
	tmpl, err := Parse(`{.status.conditions[?(@.type=="Progressing")].status}`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tmpl.FindResults(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(res[0]) != 1 || res[0][0] != "True" {
		t.Fatalf("got %#v", res)
	}

	tmpl, _ = Parse(`x{.spec.replicas}{range .spec.template.spec.containers[*]}{.name}{end}`)
	res, err = tmpl.FindResults(data)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"x"}, {3.0}, {"nginx"}, {"sidecar"}}
	if len(res) != len(want) {
		t.Fatalf("got %#v", res)
	}
	for i := range want {
		if len(res[i]) != 1 || res[i][0] != want[i][0] {
			t.Fatalf("set %d: got %#v want %#v", i, res[i], want[i])
		}
	}
	if got := FormatValue(res[1][0]); got != "3" {
		t.Fatalf("FormatValue = %q", got)
	}
}

func TestFormatValue(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{"s", "s"}, {nil, "null"}, {true, "true"}, {2.0, "2"}, {1.5, "1.5"}, {1e21, "1e+21"},
		{json.Number("1.0e2"), "100"}, {json.Number("12345678901234567890"), "1.2345678901234567e+19"},
		{json.Number("-0.0000001"), "-1e-07"}, {int64(7), "7"},
		{map[string]any{"b": 1.0, "a": []any{"<", json.Number("2.50")}}, `{"a":["\u003c",2.5],"b":1}`},
		{map[string]string{"k": "v"}, `{"k":"v"}`},
	}
	for _, c := range cases {
		if got := FormatValue(c.in); got != c.want {
			t.Errorf("FormatValue(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNullRange(t *testing.T) {
	data := map[string]any{"a": []any{1.0, nil, "x"}}
	got, err := execute(`{range .a[*]}<{@}>{end}`, data, true)
	if err != nil || got != "<1><<no value>><x>" {
		t.Fatalf("got %q, %v", got, err)
	}
	got, err = execute(`{.a[*]}`, data, true)
	if err != nil || got != "1 null x" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestConcurrentExecute(t *testing.T) {
	data := loadFixture(t, "pods.json", false)
	tmpl, err := Parse(`{range .items[*]}{.metadata.name}{range .status.conditions[*]} {.type}{end}{"\n"}{end}`)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := tmpl.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				var buf bytes.Buffer
				if err := tmpl.Execute(&buf, data); err != nil || buf.String() != want.String() {
					t.Errorf("got %q, %v", buf.String(), err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
