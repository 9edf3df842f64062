package kubeconfig

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParsePointer(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"/", []string{""}, false},
		{"/a/b", []string{"a", "b"}, false},
		{"/a~1b/m~0n", []string{"a/b", "m~n"}, false},
		{"/~01", []string{"~1"}, false}, // ~0 first, then the 1 stays
		{"/~10", []string{"/0"}, false},
		{"a/b", nil, true},
		{"/a~", nil, true},
		{"/a~2b", nil, true},
	} {
		got, err := parsePointer(tc.in)
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "bad JSON pointer") {
				t.Errorf("parsePointer(%q) = %q, %v; want a bad-pointer error", tc.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("parsePointer(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if back := pointerOf(got); back != tc.in {
			t.Errorf("pointerOf(%q) = %q, want %q", got, back, tc.in)
		}
	}
}

// Two files as in KUBECONFIG=first:second. second defines the context in
// use; first sets current-context and shadows the cluster "shared".
const (
	firstSrc = `# first file
apiVersion: v1
kind: Config
current-context: dev # chosen by hand
clusters:
- name: shared
  cluster: {server: "https://first.example"}
contexts:
- name: prod
  context: {cluster: shared, user: admin}
users:
- name: admin
  user:
    token: ` + secretToken + `
odd keys:
  a/b: slash
  m~n: tilde
`
	secondSrc = `current-context: dev
preferences: {colors: true}
clusters:
- name: shared
  cluster: {server: "https://second.example"}
- name: dev
  cluster: {server: "https://dev.example"}
contexts:
- name: dev   # second's own
  context:
    cluster: dev
    user: admin
`
)

// twoFiles writes first and second (mode 0640) and returns their paths.
func twoFiles(t *testing.T) (first, second string) {
	t.Helper()
	dir := t.TempDir()
	first, second = filepath.Join(dir, "first"), filepath.Join(dir, "second")
	for p, src := range map[string]string{first: firstSrc, second: secondSrc} {
		if err := os.WriteFile(p, []byte(src), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return first, second
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	return string(b)
}

func TestFilesGet(t *testing.T) {
	first, second := twoFiles(t)
	files := Files{first, filepath.Join(filepath.Dir(first), "missing"), second}
	for _, tc := range []struct {
		files   Files
		pointer string
		want    string // JSON
		err     string // part of the error, when one is expected
		missing bool   // the error matches ErrNotFound
	}{
		{files, "/current-context", `"dev"`, "", false},
		{files, "/clusters/0/cluster/server", `"https://first.example"`, "", false},
		{files, "/clusters/1/name", `"dev"`, "", false}, // second's "shared" is shadowed
		{files, "/clusters/2", ``, "nothing at /clusters/2: the list has 2 items", true},
		{files, "/contexts/1/context/cluster", `"dev"`, "", false},
		{files, "/preferences", `{"colors":true}`, "", false},
		{files, "/apiVersion", `"v1"`, "", false},
		{files, "/users/0/user/token", `"` + secretToken + `"`, "", false},
		{files, "/odd keys/a~1b", `"slash"`, "", false},
		{files, "/odd keys/m~0n", `"tilde"`, "", false},
		{files, "/odd keys/m~n", ``, "bad JSON pointer", false},
		{files, "/odd keys/a/b", ``, "nothing at /odd keys/a", true},
		{files, "/nope", ``, "nothing at /nope", true},
		{files, "/clusters/-", ``, "nothing at /clusters/-", true},
		{files, "/clusters/01", ``, "numbers without leading zeros", false},
		{files, "/users/0/user/token/x", ``, "/users/0/user/token is a string", true},
		{files, "/users/0/user/token/0", ``, "/users/0/user/token is a string", true},
		{files, "clusters", ``, "must be empty or start with /", false},
		{Files{second}, "/clusters/0/cluster/server", `"https://second.example"`, "", false},
		{Files{second}, "/contexts/0/name", `"dev"`, "", false},
		{Files{second}, "/users", ``, "nothing at /users", true},
	} {
		got, err := tc.files.Get(tc.pointer)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || errors.Is(err, ErrNotFound) != tc.missing {
				t.Errorf("Get(%q) = %v, %v; want an error with %q (ErrNotFound: %v)", tc.pointer, asJSON(got), err, tc.err, tc.missing)
			}
			if err != nil {
				assertNoSecret(t, "the error of Get("+tc.pointer+")", err.Error())
			}
			continue
		}
		if err != nil || asJSON(got) != tc.want {
			t.Errorf("Get(%q) = %s, %v; want %s", tc.pointer, asJSON(got), err, tc.want)
		}
	}

	// The whole merged document.
	doc, err := files.Get("")
	if err != nil {
		t.Fatal(err)
	}
	m := doc.(map[string]any)
	if len(m["clusters"].([]any)) != 2 || len(m["contexts"].([]any)) != 2 || m["kind"] != "Config" {
		t.Errorf("merged document: %s", asJSON(doc))
	}
	// Get returns a copy.
	m["current-context"] = "changed"
	if v, _ := files.Get("/current-context"); v != "dev" {
		t.Errorf("changing Get's result changed the next one: %v", v)
	}

	if _, err := (Files{filepath.Join(t.TempDir(), "none")}).Get(""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Get with no file: %v, want a not-exist error", err)
	}
	if _, err := (Files{first}).Get("/current-context"); err != nil {
		t.Error(err)
	}
}

func TestFilesSet(t *testing.T) {
	for _, tc := range []struct {
		pointer string
		value   any
		want    string // JSON read back, when different from value's
		readAt  string // where to read it back, when not at pointer
	}{
		{"/current-context", "b", "", ""},
		{"/contexts/0/context/namespace", "web", "", ""},    // a key added to a block mapping
		{"/contexts/1/context/cluster", "other", "", ""},    // replaced in a flow mapping
		{"/contexts/1/context/extensions", []any{}, "", ""}, // added to a flow mapping
		{"/contexts/2/context/namespace", "z", "", ""},      // the context mapping is created
		{"/contexts/0/name", "a: odd", "", ""},              // a string that needs quotes
		{"/users/0/user/token", "true", "", ""},             // stays a string
		{"/clusters/-", map[string]any{"name": "new", "cluster": map[string]any{"server": "https://n"}}, "", "/clusters/1"},
		{"/clusters/1", map[string]any{"name": "n1", "cluster": map[string]any{"server": "https://n"}}, "", ""}, // appends: index == length
		{"/clusters/0", map[string]any{"name": "c", "cluster": map[string]any{"server": "https://x"}}, "", ""},  // replaces
		{"/preferences/colors", true, "", ""}, // preferences is created
		{"/x~1y", "slash key", "", ""},
		{"/m~0n/-", int64(3), "3", "/m~0n/0"}, // a list is created for -
		{"/contexts/0/context/cluster", nil, "null", ""},
	} {
		t.Run(tc.pointer, func(t *testing.T) {
			path := writeTemp(t, writeSrc, 0o640)
			if err := (Files{path}).Set(tc.pointer, tc.value); err != nil {
				t.Fatal(err)
			}
			data, _, mode := readBack(t, path)
			keepsComments(t, data)
			if mode != 0o640 {
				t.Errorf("mode %v, want 0640", mode)
			}
			at := tc.pointer
			if tc.readAt != "" {
				at = tc.readAt
			}
			got, err := Files{path}.Get(at)
			want := tc.want
			if want == "" {
				want = asJSON(tc.value)
			}
			if err != nil || asJSON(got) != want {
				t.Errorf("read back %s, %v; want %s\n%s", asJSON(got), err, want, data)
			}
			// Everything else is as it was.
			if other, _ := (Files{path}).Get("/users/0/name"); other != "u" {
				t.Errorf("other content changed:\n%s", data)
			}
		})
	}
}

func TestFilesSetErrors(t *testing.T) {
	path := writeTemp(t, writeSrc, 0o600)
	for _, tc := range []struct {
		pointer string
		value   any
		err     string
	}{
		{"", "x", "whole document"},
		{"current-context", "x", "bad JSON pointer"},
		{"/clusters/0/cluster/server/x", secretToken, "cannot edit inside /clusters/0/cluster/server: it is a string"},
		{"/clusters/5/name", secretToken, "nothing at /clusters/5: the list has 1 items"},
		{"/clusters/x", secretToken, "numbers without leading zeros"},
		{"/contexts/0/name", "b", "refusing to write"},                    // a duplicate name
		{"/clusters", secretToken, "refusing to write"},                   // not a list
		{"/users/0/user/token", []byte(secretToken), "refusing to write"}, // YAML writes bytes as a list of numbers
	} {
		err := Files{path}.Set(tc.pointer, tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Set(%q) = %v, want an error with %q", tc.pointer, err, tc.err)
			continue
		}
		assertNoSecret(t, "the error of Set("+tc.pointer+")", err.Error())
	}
	if data, _, _ := readBack(t, path); data != writeSrc {
		t.Errorf("a failed Set changed the file:\n%s", data)
	}
}

func TestFilesSetDefaultFile(t *testing.T) {
	first, second := twoFiles(t)
	dir := filepath.Dir(first)
	missing := filepath.Join(dir, "missing")
	// The first file that exists gets the change...
	if err := (Files{missing, second, first}).Set("/current-context", "prod"); err != nil {
		t.Fatal(err)
	}
	if v, _ := (Files{second}).Get("/current-context"); v != "prod" {
		t.Errorf("second's current-context is %v", v)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing file was created: %v", err)
	}
	// ...else the last one listed is created, 0600.
	last := filepath.Join(dir, "new", "..", "last")
	if err := (Files{missing, last}).Set("/clusters/-", map[string]any{"name": "c", "cluster": map[string]any{"server": "https://c"}}); err != nil {
		t.Fatal(err)
	}
	_, cfg, mode := readBack(t, last)
	if mode != 0o600 || len(cfg.Clusters) != 1 || cfg.Clusters[0].Cluster.Server != "https://c" {
		t.Errorf("new file: mode %v, clusters %+v", mode, cfg.Clusters)
	}
	if err := (Files{"", ""}).Set("/current-context", "x"); err == nil {
		t.Error("Set with no file succeeded")
	}
}

func TestFilesUnset(t *testing.T) {
	first, second := twoFiles(t)
	files := Files{first, second}

	// current-context is in both files: both lose it.
	if err := files.Unset("/current-context"); err != nil {
		t.Fatal(err)
	}
	for _, p := range files {
		data, cfg, mode := readBack(t, p)
		if cfg.CurrentContext != "" || mode != 0o640 {
			t.Errorf("%s: current-context %q, mode %v:\n%s", p, cfg.CurrentContext, mode, data)
		}
	}
	if data, _, _ := readBack(t, first); !strings.Contains(data, "# first file") {
		t.Errorf("the comment was lost:\n%s", data)
	}

	// A list item: the items after it move up; the comment of another stays.
	path := writeTemp(t, writeSrc, 0o600)
	if err := (Files{path}).Unset("/contexts/0"); err != nil {
		t.Fatal(err)
	}
	data, cfg, _ := readBack(t, path)
	if len(cfg.Contexts) != 2 || cfg.Contexts[0].Name != "b" || !strings.Contains(data, "# my clusters") {
		t.Errorf("after removing the first context:\n%s", data)
	}
	// The only key of a block mapping: an empty mapping remains.
	if err := (Files{path}).Unset("/contexts/0/context"); err != nil {
		t.Fatal(err)
	}
	if err := (Files{path}).Unset("/users/0/user/token"); err != nil {
		t.Fatal(err)
	}
	data, cfg, _ = readBack(t, path)
	if cfg.User("u") == nil || cfg.User("u").AuthInfo.Token != "" || cfg.Context("b").Context.Cluster != "" {
		t.Errorf("after removing the token and b's context:\n%s", data)
	}
	// An emptied block mapping is written {} in its place.
	if err := (Files{path}).Set("/preferences/colors", true); err != nil {
		t.Fatal(err)
	}
	if err := (Files{path}).Unset("/preferences/colors"); err != nil {
		t.Fatal(err)
	}
	if data, _, _ := readBack(t, path); !strings.Contains(data, "\npreferences: {}\n") {
		t.Errorf("after emptying preferences:\n%s", data)
	}
	// The last item of a list.
	for range 2 {
		if err := (Files{path}).Unset("/contexts/0"); err != nil {
			t.Fatal(err)
		}
	}
	if _, cfg, _ := readBack(t, path); len(cfg.Contexts) != 0 {
		t.Errorf("contexts left: %+v", cfg.Contexts)
	}

	before, _, _ := readBack(t, path)
	for _, tc := range []struct {
		pointer string
		missing bool
	}{
		{"/nope", true},
		{"/contexts/0", true},
		{"/users/0/user/token/x", true},
		{"/clusters/0/cluster/server/x", true},
		{"", false},
		{"nope", false},
	} {
		err := Files{path}.Unset(tc.pointer)
		if err == nil || errors.Is(err, ErrNotFound) != tc.missing {
			t.Errorf("Unset(%q) = %v, want an error (ErrNotFound: %v)", tc.pointer, err, tc.missing)
		}
	}
	if after, _, _ := readBack(t, path); after != before {
		t.Errorf("a failed Unset changed the file:\n%s", after)
	}
}

func TestFilesContexts(t *testing.T) {
	first, second := twoFiles(t)
	files := Files{first, second}

	for _, tc := range []struct {
		list, name, path, pointer string
		missing                   bool
	}{
		{"contexts", "dev", second, "/contexts/0", false},
		{"contexts", "prod", first, "/contexts/0", false},
		{"clusters", "shared", first, "/clusters/0", false},
		{"clusters", "dev", second, "/clusters/1", false},
		{"users", "admin", first, "/users/0", false},
		{"users", "nope", "", "", true},
		{"things", "dev", "", "", false},
	} {
		path, ptr, err := files.Locate(tc.list, tc.name)
		if tc.path == "" {
			if err == nil || errors.Is(err, ErrNotFound) != tc.missing {
				t.Errorf("Locate(%s, %s) = %s, %s, %v; want an error (ErrNotFound: %v)", tc.list, tc.name, path, ptr, err, tc.missing)
			}
			continue
		}
		if err != nil || path != tc.path || ptr != tc.pointer {
			t.Errorf("Locate(%s, %s) = %s, %s, %v; want %s, %s", tc.list, tc.name, path, ptr, err, tc.path, tc.pointer)
		}
	}

	// The current context, dev, is defined in second only.
	if err := files.UseNamespace("team"); err != nil {
		t.Fatal(err)
	}
	if _, cfg, _ := readBack(t, second); cfg.Context("dev").Context.Namespace != "team" {
		t.Errorf("second's dev namespace: %+v", cfg.Context("dev"))
	}
	if _, cfg, _ := readBack(t, first); cfg.Context("dev") != nil {
		t.Error("dev appeared in first")
	}

	// Renaming the current context moves current-context in both files.
	if err := files.RenameContext("dev", "development"); err != nil {
		t.Fatal(err)
	}
	cfg, err := files.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "development" || cfg.Context("development").Source != second || cfg.Context("dev") != nil {
		t.Errorf("after the rename: current %q, contexts %+v", cfg.CurrentContext, cfg.Contexts)
	}
	for _, p := range files {
		if data, cfg, _ := readBack(t, p); cfg.CurrentContext != "development" {
			t.Errorf("%s: current-context %q:\n%s", p, cfg.CurrentContext, data)
		}
	}
	if data, _, _ := readBack(t, second); !strings.Contains(data, "# second's own") {
		t.Errorf("the comment was lost:\n%s", data)
	}
	for _, tc := range []struct {
		from, to string
		missing  bool
	}{
		{"prod", "development", false}, // defined in another file
		{"nope", "x", true},
		{"prod", "", false},
	} {
		if err := files.RenameContext(tc.from, tc.to); err == nil || errors.Is(err, ErrNotFound) != tc.missing {
			t.Errorf("RenameContext(%q, %q) = %v, want an error (ErrNotFound: %v)", tc.from, tc.to, err, tc.missing)
		}
	}

	// use-context goes to the first file.
	if err := files.UseContext("prod"); err != nil {
		t.Fatal(err)
	}
	if _, cfg, _ := readBack(t, first); cfg.CurrentContext != "prod" {
		t.Errorf("first's current-context %q", cfg.CurrentContext)
	}
	if _, cfg, _ := readBack(t, second); cfg.CurrentContext != "development" {
		t.Errorf("second's current-context changed to %q", cfg.CurrentContext)
	}
	if err := files.UseContext("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UseContext(nope) = %v", err)
	}

	// No current context: UseNamespace says so.
	if err := files.Unset("/current-context"); err != nil {
		t.Fatal(err)
	}
	if err := files.UseNamespace("x"); !errors.Is(err, ErrNoContext) {
		t.Errorf("UseNamespace without a current context = %v", err)
	}
	// A current context that no file defines.
	if err := files.Set("/current-context", "ghost"); err != nil {
		t.Fatal(err)
	}
	if err := files.UseNamespace("x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UseNamespace with an undefined current context = %v", err)
	}
}

// TestFilesSetAnchors checks edits next to and through YAML anchors.
func TestFilesSetAnchors(t *testing.T) {
	src := `clusters:
- name: a
  cluster: &c {server: "https://a"}
- name: b
  cluster: *c
`
	path := writeTemp(t, src, 0o600)
	if err := (Files{path}).Set("/clusters/0/cluster/server", "https://x"); err != nil {
		t.Fatal(err)
	}
	if v, _ := (Files{path}).Get("/clusters/1/cluster/server"); v != "https://x" {
		t.Errorf("the alias reads %v", v)
	}
	if err := (Files{path}).Set("/clusters/1/cluster/server", "https://y"); err == nil || !strings.Contains(err.Error(), "alias") {
		t.Errorf("edit through an alias: %v", err)
	}
}

// TestFilesSetLayout checks the text of edits that put a mapping or a list
// where there was null or a scalar, or add to a flow mapping.
func TestFilesSetLayout(t *testing.T) {
	path := writeTemp(t, `# top
contexts:
- name: a
  context:
- name: b # bee
  context: {cluster: c}
clusters:
note: none
`, 0o600)
	files := Files{path}
	for _, e := range []struct {
		pointer string
		value   any
	}{
		{"/contexts/0/context/namespace", "ns"},
		{"/contexts/1/context/user", "u"},
		{"/clusters/-", map[string]any{"name": "c", "cluster": map[string]any{"server": "https://c"}}},
		{"/note", map[string]any{"colors": true}},
	} {
		if err := files.Set(e.pointer, e.value); err != nil {
			t.Fatalf("Set(%s): %v", e.pointer, err)
		}
	}
	want := `# top
contexts:
- name: a
  context:
    namespace: ns
- name: b # bee
  context: {cluster: c, user: u}
clusters:
  - cluster:
      server: https://c
    name: c
note:
  colors: true
`
	if data, _, _ := readBack(t, path); data != want {
		t.Errorf("got:\n%s\nwant:\n%s", data, want)
	}
}
