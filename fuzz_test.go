package kr8s

// Fuzz targets for kr8s's string parsers (issue 8, "Fuzzing"). Their seed
// corpora live in testdata/fuzz/<FuzzName>/ and run as ordinary tests.

import (
	"slices"
	"strings"
	"testing"
)

// FuzzRequestPath checks that Request.Path never panics and that a path
// it accepts is absolute and has no empty segment.
func FuzzRequestPath(f *testing.F) {
	for _, r := range []Request{
		{},
		{Version: "v1", Namespace: "default", URL: "pods/web/log"},
		{Version: "apps/v1", URL: "deployments?limit=1"},
		{Base: "/version"},
		{Base: "/apis/", Version: "apps/v1"},
		{Version: "v1", URL: "//pods"},
		{Base: "//", Version: "/v1"},
	} {
		f.Add(r.Version, r.Base, r.Namespace, r.URL)
	}
	f.Fuzz(func(t *testing.T, version, base, namespace, u string) {
		r := Request{Version: version, Base: base, Namespace: namespace, URL: u}
		p, err := r.Path()
		if err != nil {
			if p != "" {
				t.Fatalf("Path() = %q with error %v", p, err)
			}
			return
		}
		path, _, _ := strings.Cut(p, "?")
		if !strings.HasPrefix(path, "/") || strings.Contains(path, "//") {
			t.Fatalf("Path() of %+v = %q: want an absolute path without empty segments", r, p)
		}
		if namespace != "" && !strings.Contains(p, "/namespaces/"+namespace) {
			t.Fatalf("Path() of %+v = %q lost the namespace", r, p)
		}
	})
}

// FuzzSelector checks that selector never panics, rejects map entries
// that would change the selector's meaning, and puts every accepted entry
// in the result.
func FuzzSelector(f *testing.F) {
	f.Add("app=web", "tier", "db", "", "")
	f.Add("  ", "a", "", "b", "2")
	f.Add("x in (a,b)", "k,", "v", "k2", "v2")
	f.Add("", "a=b", "c", "", "")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, s, k1, v1, k2, v2 string) {
		m := map[string]string{}
		if k1 != "" || v1 != "" {
			m[k1] = v1
		}
		if k2 != "" || v2 != "" {
			m[k2] = v2
		}
		got, err := selector(s, m, "label selector")
		if err != nil {
			if !strings.Contains(err.Error(), "invalid label selector") {
				t.Fatalf("selector error %q does not say what was invalid", err)
			}
			return
		}
		again, _ := selector(s, m, "label selector")
		if again != got {
			t.Fatalf("selector is not stable: %q then %q", got, again)
		}
		if strings.TrimSpace(s) == "" && len(m) == 0 && got != "" {
			t.Fatalf("selector of nothing = %q", got)
		}
		if got != strings.TrimSpace(got) && strings.TrimSpace(s) == "" {
			t.Fatalf("selector = %q: surrounding space", got)
		}
		parts := strings.Split(got, ",")
		for k, v := range m {
			if k == "" || strings.ContainsAny(k+v, ",=! ") {
				t.Fatalf("selector accepted the entry %q=%q", k, v)
			}
			if !slices.Contains(parts, k+"="+v) {
				t.Fatalf("selector = %q lost %q=%q", got, k, v)
			}
		}
	})
}

// FuzzParseCondition checks that parseCondition never panics and that an
// accepted condition can be checked against an object and a deleted one.
func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"condition=Ready", "condition=Ready=false", "Condition=available=True", "delete", "DELETE",
		"jsonpath='{.status.phase}'=Running", "jsonpath={.status.containerStatuses[*].ready}",
		"jsonpath=.status.phase=Running", `jsonpath="{.metadata.labels.app}"=web`,
		"jsonpath='{.status.phase}", "jsonpath={{.a}", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}=True",
		"condition=", "jsonpath=", "ready",
	} {
		f.Add(s)
	}
	pod, err := Pods.New(map[string]any{
		"metadata": map[string]any{"name": "web", "namespace": "default", "labels": map[string]any{"app": "web"}},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx"}}},
		"status": map[string]any{
			"phase": "Running",
			"conditions": []any{
				map[string]any{"type": "Ready", "status": "True"},
				map[string]any{"type": "PodScheduled", "status": "False"},
				"not a map", nil, 42,
			},
			"containerStatuses": []any{map[string]any{"name": "c", "ready": true, "restartCount": 3.0}},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCondition(s)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid wait condition") {
				t.Fatalf("parseCondition(%q) error %q does not name the condition", s, err)
			}
			return
		}
		if c.check == nil {
			t.Fatalf("parseCondition(%q) accepted it without a check", s)
		}
		_, _ = c.check(pod.Object)
		gone, _ := c.check(nil)
		if gone != strings.EqualFold(s, "delete") {
			t.Fatalf("parseCondition(%q): check(nil) = %v", s, gone)
		}
	})
}

// FuzzParseTaint checks that parseTaint never panics and that an accepted
// taint splits the input as key[=value][:effect].
func FuzzParseTaint(f *testing.F) {
	for _, s := range []string{
		"dedicated=gpu:NoSchedule", "node.kubernetes.io/unreachable:NoExecute", "k:PreferNoSchedule",
		"k=v", "k-", "k=v:Bogus", ":NoSchedule", "=v:NoSchedule", "k=a=b:NoExecute", "k:No:Schedule", "",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, removal bool) {
		taint, err := parseTaint(s, removal)
		if err != nil {
			return
		}
		if taint.Key == "" || strings.ContainsAny(taint.Key, "=:") || strings.Contains(taint.Value, ":") {
			t.Fatalf("parseTaint(%q) = %+v", s, taint)
		}
		if taint.Effect == "" && !removal || taint.Effect != "" && !slices.Contains(taintEffects, taint.Effect) {
			t.Fatalf("parseTaint(%q, %v) effect %q", s, removal, taint.Effect)
		}
		want := taint.Key
		if taint.Value != "" || strings.HasPrefix(s[len(taint.Key):], "=") {
			want += "=" + taint.Value
		}
		if taint.Effect != "" {
			want += ":" + taint.Effect
		}
		if want != s {
			t.Fatalf("parseTaint(%q) = %+v, which reads back as %q", s, taint, want)
		}
	})
}
