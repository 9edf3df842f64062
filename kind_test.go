package kr8s_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s"
)

// widget is a user's own object type: KindOf builds it without a wrap
// function.
type widget struct{ *kr8s.Object }

// TestKindOfZeroValues: a zero, nil or hand-filled KindOf returns errors
// that say what is missing, never panics, and builds user types.
func TestKindOfZeroValues(t *testing.T) {
	ctx := context.Background()
	c, err := kr8s.NewClient(kr8s.WithURL("https://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", what, err, want)
		}
	}
	zero := &kr8s.KindOf[*kr8s.Object]{}
	_, err = zero.Get(ctx, "x", &kr8s.GetOptions{API: c})
	check("zero Get", err, "Version and Plural must be set")
	_, err = zero.ListAll(ctx, &kr8s.ListOptions{API: c})
	check("zero ListAll", err, "Version and Plural must be set")
	for _, err := range zero.List(ctx, &kr8s.ListOptions{API: c}) {
		check("zero List", err, "Version and Plural must be set")
	}
	for _, err := range zero.Watch(ctx, &kr8s.WatchOptions{API: c}) {
		check("zero Watch", err, "Version and Plural must be set")
	}
	_, err = zero.Table(ctx, nil, &kr8s.ListOptions{API: c})
	check("zero Table", err, "Version and Plural must be set")
	_, err = zero.New(map[string]any{})
	check("zero New", err, "Version and Plural must be set")

	var nilKind *kr8s.KindOf[*kr8s.Pod]
	_, err = nilKind.Get(ctx, "x", nil)
	check("nil Get", err, "nil *KindOf")

	k := kr8s.Kind{Group: "example.com", Version: "v1", Kind: "Widget", Plural: "widgets", Namespaced: true}
	bad := &kr8s.KindOf[string]{Kind: k}
	_, err = bad.New(map[string]any{})
	check("KindOf[string]", err, "pointer to a struct embedding *kr8s.Object")

	objs := &kr8s.KindOf[*kr8s.Object]{Kind: k}
	o, err := objs.New(map[string]any{"metadata": map[string]any{"name": "a"}})
	if err != nil || o.Name() != "a" || o.Kind().Plural != "widgets" {
		t.Fatalf("KindOf[*Object]{Kind: k}.New = %v, %v", o, err)
	}
	widgets := &kr8s.KindOf[*widget]{Kind: k}
	w, err := widgets.New([]byte(`{"metadata":{"name":"b"}}`))
	if err != nil || w.Name() != "b" || w.Object == nil {
		t.Fatalf("KindOf[*widget].New = %v, %v", w, err)
	}
}

// TestLookupKindVerbs: the kind LookupKind returns has the verbs of a
// typed kind and uses the client it was looked up with.
func TestLookupKindVerbs(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	e.createConfigMap("lk-a", map[string]any{"k": "v"})
	k, err := e.c.LookupKind(e.ctx, "cm")
	if err != nil {
		t.Fatal(err)
	}
	// No API in the options: the lookup's client, whose namespace is the
	// test's, is used, not API().
	got, err := k.Get(e.ctx, "lk-a", nil)
	if err != nil || got.Field("data", "k") != "v" {
		t.Fatalf("Get = %v, %v", got, err)
	}
	all, err := k.ListAll(e.ctx, &kr8s.ListOptions{FieldSelector: "metadata.name!=kube-root-ca.crt"})
	if err != nil || len(all) != 1 || all[0].Name() != "lk-a" {
		t.Fatalf("ListAll = %v, %v; want [lk-a]", all, err)
	}
	tab, err := k.Table(e.ctx, nil, &kr8s.ListOptions{FieldSelector: "metadata.name!=kube-root-ca.crt"})
	if err != nil || len(tab.Rows) != 1 {
		t.Fatalf("Table = %+v, %v", tab, err)
	}
	o, err := k.New(map[string]any{"metadata": map[string]any{"name": "lk-b"}, "data": map[string]any{"x": "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Create(e.ctx, nil); err != nil {
		t.Fatalf("create from a looked-up kind: %v", err)
	}
	if s := e.mustServer(kr8s.NewKind(kr8s.ConfigMaps.Kind), "lk-b"); s.Namespace() != e.ns {
		t.Fatalf("created in %q, want %q", s.Namespace(), e.ns)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	var seen []string
	for ev, err := range k.Watch(ctx, &kr8s.WatchOptions{FieldSelector: "metadata.name!=kube-root-ca.crt"}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, ev.Object.Name())
		if len(seen) == 2 {
			break
		}
	}
	slices.Sort(seen)
	if !slices.Equal(seen, []string{"lk-a", "lk-b"}) {
		t.Fatalf("Watch saw %v", seen)
	}

	// An unknown name is a typed error with suggestions.
	_, err = e.c.LookupKind(e.ctx, "confgimap")
	var uk *kr8s.UnknownKindError
	if !errors.Is(err, kr8s.ErrUnknownKind) || !errors.As(err, &uk) {
		t.Fatalf("LookupKind(confgimap) = %v, want an *UnknownKindError", err)
	}
	if uk.Name != "confgimap" || !slices.Contains(uk.Suggestions, "configmap") {
		t.Fatalf("UnknownKindError = %+v, want Name confgimap and the suggestion configmap", uk)
	}
}

// TestCreateOptions: DryRun checks without saving; FieldManager names the
// writer in managedFields.
func TestCreateOptions(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	dry := e.configMap("dry", map[string]any{"a": "1"})
	if err := dry.Create(e.ctx, &kr8s.CreateOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if dry.Field("metadata", "uid") == nil {
		t.Error("a dry-run create did not take the server's answer (no uid)")
	}
	if gone, err := e.gone(kr8s.NewKind(kr8s.ConfigMaps.Kind), "dry"); err != nil || !gone {
		t.Fatalf("after a dry-run create: gone=%v err=%v, want not saved", gone, err)
	}
	fm := e.configMap("fm", map[string]any{"a": "1"})
	if err := fm.Create(e.ctx, &kr8s.CreateOptions{FieldManager: "kr8s-shape-test"}); err != nil {
		t.Fatal(err)
	}
	mf, _ := e.mustServer(kr8s.NewKind(kr8s.ConfigMaps.Kind), "fm").Field("metadata", "managedFields").([]any)
	var managers []string
	for _, m := range mf {
		mm, _ := m.(map[string]any)
		s, _ := mm["manager"].(string)
		managers = append(managers, s)
	}
	if !slices.Equal(managers, []string{"kr8s-shape-test"}) {
		t.Fatalf("managers %v, want [kr8s-shape-test]", managers)
	}
}

// TestCreateWithoutResourceVersion: an object read from the server, then
// deleted, is created again as it is (kr8s's create sends raw_template,
// which drops .metadata.resourceVersion); creating it while it exists is
// ErrAlreadyExists, not a 500.
func TestCreateWithoutResourceVersion(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	e.createConfigMap("again", map[string]any{"a": "1"})
	read, err := kr8s.ConfigMaps.Get(e.ctx, "again", &kr8s.GetOptions{API: e.c})
	if err != nil {
		t.Fatal(err)
	}
	rv := read.Field("metadata", "resourceVersion")
	if err := read.Create(e.ctx, nil); !errors.Is(err, kr8s.ErrAlreadyExists) {
		t.Fatalf("create of an existing object read from the server: %v, want ErrAlreadyExists", err)
	}
	if read.Field("metadata", "resourceVersion") != rv {
		t.Fatal("a failed create changed the object's resourceVersion")
	}
	if err := read.Delete(e.ctx, &kr8s.DeleteOptions{Wait: true}); err != nil {
		t.Fatal(err)
	}
	if err := read.Create(e.ctx, nil); err != nil {
		t.Fatalf("create again after delete: %v", err)
	}
	if got := e.mustServer(kr8s.NewKind(kr8s.ConfigMaps.Kind), "again"); got.Field("data", "a") != "1" {
		t.Fatalf("re-created object %v", got.Raw())
	}
}

// TestNamespaceFallback: a namespaced object with no namespace is in its
// client's (kr8s's namespace property); a cluster-scoped one has none.
func TestNamespaceFallback(t *testing.T) {
	c, err := kr8s.NewClient(kr8s.WithURL("https://127.0.0.1:1"), kr8s.WithNamespace("team"))
	if err != nil {
		t.Fatal(err)
	}
	cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "a"}}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if got := cm.Namespace(); got != "team" {
		t.Errorf("ConfigMap without a namespace: Namespace() = %q, want the client's, team", got)
	}
	cm2, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "a", "namespace": "other"}}, kr8s.WithAPI(c))
	if got := cm2.Namespace(); got != "other" {
		t.Errorf("Namespace() = %q, want other", got)
	}
	ns, _ := kr8s.NewNamespace(map[string]any{"metadata": map[string]any{"name": "x"}}, kr8s.WithAPI(c))
	if got := ns.Namespace(); got != "" {
		t.Errorf("a Namespace object: Namespace() = %q, want none", got)
	}
}

// TestScaleJobsAndNotScalable ports kr8s's scaling of a kind with a
// scalable_spec: a Job's .spec.parallelism is set by Scale, through the
// typed kind and through a kind found by name; a kind that does not scale
// is ErrNotScalable.
func TestScaleJobsAndNotScalable(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	job, err := kr8s.NewJob(map[string]any{
		"metadata": map[string]any{"name": "work"},
		"spec": map[string]any{
			"parallelism": 1, "completions": 10, "suspend": true,
			"template": map[string]any{"spec": map[string]any{
				"restartPolicy": "Never",
				"containers":    []any{map[string]any{"name": "c", "image": "busybox"}},
			}},
		},
	}, kr8s.WithAPI(e.c))
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := job.Scale(e.ctx, 3, &kr8s.ScaleOptions{Wait: true}); err != nil {
		t.Fatal(err)
	}
	if n, ok := job.Replicas(); !ok || n != 3 {
		t.Fatalf("Replicas() = %d, %v; want 3 (.spec.parallelism)", n, ok)
	}
	k, err := e.c.LookupKind(e.ctx, "jobs")
	if err != nil {
		t.Fatal(err)
	}
	byName, err := k.Get(e.ctx, "work", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := byName.Scale(e.ctx, 2, nil); err != nil {
		t.Fatalf("scale a Job found by name: %v", err)
	}
	if got := e.mustServer(kr8s.NewKind(kr8s.Jobs.Kind), "work").Field("spec", "parallelism"); got != float64(2) {
		t.Fatalf("server's parallelism %v, want 2", got)
	}
	cm := e.createConfigMap("flat", nil)
	if err := cm.Scale(e.ctx, 2, nil); !errors.Is(err, kr8s.ErrNotScalable) {
		t.Fatalf("scale a ConfigMap: %v, want ErrNotScalable", err)
	}
}

// TestWithKubeconfigList: WithKubeconfig takes a KUBECONFIG-style list
// (kr8s's kubeconfig= takes several paths), merged as kubectl merges.
func TestWithKubeconfigList(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	b := filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("apiVersion: v1\nkind: Config\ncurrent-context: two\n"+
		"clusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:6443\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("apiVersion: v1\nkind: Config\n"+
		"contexts:\n- name: two\n  context: {cluster: c, user: u, namespace: team}\n"+
		"users:\n- name: u\n  user: {token: secret-token}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(a + string(os.PathListSeparator) + b))
	if err != nil {
		t.Fatal(err)
	}
	if c.Server() != "https://127.0.0.1:6443" || c.Namespace() != "team" {
		t.Fatalf("server %q namespace %q; want the merge of both files", c.Server(), c.Namespace())
	}
	_, err = kr8s.NewClient(kr8s.WithKubeconfig(a + string(os.PathListSeparator) + filepath.Join(dir, "missing")))
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing file in the list: %v, want an error naming it", err)
	}
}
