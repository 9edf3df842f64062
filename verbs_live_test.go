package kr8s_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// The kinds the verb tests read the server's state with, all as *Object.
var (
	verbConfigMaps  = kr8s.NewKind(kr8s.Kind{Version: "v1", Kind: "ConfigMap", Plural: "configmaps", Namespaced: true})
	verbPods        = kr8s.NewKind(kr8s.Kind{Version: "v1", Kind: "Pod", Plural: "pods", Namespaced: true})
	verbDeployments = kr8s.NewKind(kr8s.Kind{Group: "apps", Version: "v1", Kind: "Deployment", Plural: "deployments", Namespaced: true})
	verbReplicaSets = kr8s.NewKind(kr8s.Kind{Group: "apps", Version: "v1", Kind: "ReplicaSet", Plural: "replicasets", Namespaced: true})
)

// verbEnv is one test's namespace, the client under test, and a way to
// read the server's state with a client of its own.
type verbEnv struct {
	t   *testing.T
	ns  string
	kc  string
	c   *kr8s.Client
	ctx context.Context
}

func newVerbEnv(t *testing.T) *verbEnv {
	t.Helper()
	ns := testcluster.Namespace(t)
	kc := testcluster.Kubeconfig(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(kc), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return &verbEnv{t: t, ns: ns, kc: kc, c: c, ctx: ctx}
}

// fresh returns a new client, so that what it reads is the server's
// state and not anything cached by the client under test.
func (e *verbEnv) fresh() *kr8s.Client {
	e.t.Helper()
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(e.kc), kr8s.WithNamespace(e.ns))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// server reads an object with a fresh client.
func (e *verbEnv) server(k *kr8s.KindOf[*kr8s.Object], name string) (*kr8s.Object, error) {
	return k.Get(e.ctx, name, &kr8s.GetOptions{API: e.fresh()})
}

// mustServer reads an object with a fresh client and fails the test if
// it is missing.
func (e *verbEnv) mustServer(k *kr8s.KindOf[*kr8s.Object], name string) *kr8s.Object {
	e.t.Helper()
	o, err := e.server(k, name)
	if err != nil {
		e.t.Fatalf("read %s %s from the server: %v", k.Kind.Kind, name, err)
	}
	return o
}

// gone reports whether an object is missing on the server.
func (e *verbEnv) gone(k *kr8s.KindOf[*kr8s.Object], name string) (bool, error) {
	_, err := e.server(k, name)
	if errors.Is(err, kr8s.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// eventually polls cond until it holds or the deadline passes.
func (e *verbEnv) eventually(timeout time.Duration, what string, cond func() (bool, error)) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: not true after %v", what, timeout)
		}
		<-tick.C
	}
}

func (e *verbEnv) configMap(name string, data map[string]any) *kr8s.Object {
	e.t.Helper()
	cm, err := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": name}, "data": data}, kr8s.WithAPI(e.c))
	if err != nil {
		e.t.Fatal(err)
	}
	return cm.Object
}

func (e *verbEnv) createConfigMap(name string, data map[string]any) *kr8s.Object {
	e.t.Helper()
	cm := e.configMap(name, data)
	if err := cm.Create(e.ctx, nil); err != nil {
		e.t.Fatal(err)
	}
	return cm
}

// deployment builds a Deployment whose pods carry app=name.
func (e *verbEnv) deployment(name string, replicas int, containers ...string) *kr8s.Object {
	e.t.Helper()
	if len(containers) == 0 {
		containers = []string{"main"}
	}
	var cs []any
	for _, c := range containers {
		cs = append(cs, map[string]any{"name": c, "image": "registry.example/" + c + ":1"})
	}
	d, err := verbDeployments.New(map[string]any{
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"replicas": replicas,
			"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec":     map[string]any{"containers": cs},
			},
		},
	}, kr8s.WithAPI(e.c))
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// replicaSetsOf lists the ReplicaSets of the Deployment's pods.
func (e *verbEnv) replicaSetsOf(name string) ([]*kr8s.Object, error) {
	return verbReplicaSets.ListAll(e.ctx, &kr8s.ListOptions{API: e.fresh(), Labels: map[string]string{"app": name}})
}

func verbField(o *kr8s.Object, path ...string) any {
	var v any = o.Raw()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// ownsField reports whether manager's managedFields entry owns the
// field, given as its fieldsV1 path such as "f:data", "f:x".
func verbOwnsField(o *kr8s.Object, manager string, path ...string) bool {
	mf, _ := verbField(o, "metadata", "managedFields").([]any)
	for _, e := range mf {
		m, _ := e.(map[string]any)
		if m["manager"] != manager {
			continue
		}
		var v any = m["fieldsV1"]
		for _, p := range path {
			mm, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = mm[p]
		}
		if v != nil {
			return true
		}
	}
	return false
}

func TestVerbExistsAndRefresh(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	cm := e.configMap("exists", map[string]any{"a": "1"})
	if ok, err := cm.Exists(e.ctx); err != nil || ok {
		t.Fatalf("Exists before create = %v, %v; want false, nil", ok, err)
	}
	if err := cm.Refresh(e.ctx); !errors.Is(err, kr8s.ErrNotFound) {
		t.Fatalf("Refresh of a missing object = %v; want ErrNotFound", err)
	}
	if err := cm.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	cm.Raw()["data"].(map[string]any)["local"] = "unsaved"
	if ok, err := cm.Exists(e.ctx); err != nil || !ok {
		t.Fatalf("Exists after create = %v, %v; want true, nil", ok, err)
	}
	if verbField(cm, "data", "local") != "unsaved" {
		t.Fatal("Exists must leave the object as it is")
	}
	// Someone else changes it; Refresh sees the change.
	other := e.mustServer(verbConfigMaps, "exists")
	if err := other.Patch(e.ctx, `{"data":{"a":"2"}}`, nil); err != nil {
		t.Fatal(err)
	}
	if err := cm.Refresh(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := verbField(cm, "data", "a"); got != "2" {
		t.Fatalf("after Refresh .data.a = %v, want 2", got)
	}
	if verbField(cm, "data", "local") != nil {
		t.Fatal("Refresh must drop local changes")
	}
	if cm.Raw()["kind"] != "ConfigMap" || cm.Raw()["apiVersion"] != "v1" {
		t.Fatalf("Refresh lost kind/apiVersion: %v %v", cm.Raw()["kind"], cm.Raw()["apiVersion"])
	}
}

func TestReplace(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	e.createConfigMap("replaced", map[string]any{"a": "1"})
	mine, err := verbConfigMaps.Get(e.ctx, "replaced", &kr8s.GetOptions{API: e.c})
	if err != nil {
		t.Fatal(err)
	}
	theirs := e.mustServer(verbConfigMaps, "replaced")

	t.Run("fresh", func(t *testing.T) {
		mine.Raw()["data"] = map[string]any{"b": "2"}
		if err := mine.Replace(e.ctx, &kr8s.ReplaceOptions{FieldManager: "replacer"}); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbConfigMaps, "replaced")
		if !reflect.DeepEqual(got.Raw()["data"], map[string]any{"b": "2"}) {
			t.Fatalf("server .data = %v, want {b: 2}: a PUT replaces the whole object", got.Raw()["data"])
		}
		if !verbOwnsField(got, "replacer", "f:data", "f:b") {
			t.Fatalf("field manager not recorded: %v", verbField(got, "metadata", "managedFields"))
		}
		if mine.Raw()["metadata"].(map[string]any)["resourceVersion"] != got.Raw()["metadata"].(map[string]any)["resourceVersion"] {
			t.Fatal("Replace did not take the server's answer")
		}
	})
	t.Run("stale", func(t *testing.T) {
		theirs.Raw()["data"] = map[string]any{"c": "3"}
		err := theirs.Replace(e.ctx, nil)
		if !errors.Is(err, kr8s.ErrConflict) {
			t.Fatalf("Replace with a stale resourceVersion = %v; want ErrConflict", err)
		}
		if got := e.mustServer(verbConfigMaps, "replaced"); verbField(got, "data", "c") != nil {
			t.Fatalf("a conflicting Replace changed the server: %v", got.Raw()["data"])
		}
		// Refresh, change again, and it goes through.
		if err := theirs.Refresh(e.ctx); err != nil {
			t.Fatal(err)
		}
		theirs.Raw()["data"] = map[string]any{"c": "3"}
		if err := theirs.Replace(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got := e.mustServer(verbConfigMaps, "replaced"); verbField(got, "data", "c") != "3" {
			t.Fatalf("server .data = %v, want {c: 3}", got.Raw()["data"])
		}
	})
	t.Run("dry-run", func(t *testing.T) {
		cur := e.mustServer(verbConfigMaps, "replaced")
		cur.Raw()["data"] = map[string]any{"d": "4"}
		if err := cur.Replace(e.ctx, &kr8s.ReplaceOptions{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		if verbField(cur, "data", "d") != "4" {
			t.Fatalf("the dry run's answer = %v, want {d: 4}", cur.Raw()["data"])
		}
		if got := e.mustServer(verbConfigMaps, "replaced"); verbField(got, "data", "d") != nil {
			t.Fatalf("a dry-run Replace changed the server: %v", got.Raw()["data"])
		}
	})
	t.Run("no name", func(t *testing.T) {
		o := e.configMap("", nil)
		if err := o.Replace(e.ctx, nil); err == nil || !strings.Contains(err.Error(), "no name") {
			t.Fatalf("err = %v, want one saying the object has no name", err)
		}
	})
}

func TestPatch(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)

	t.Run("merge", func(t *testing.T) {
		cm := e.createConfigMap("merge", map[string]any{"a": "1", "b": "2"})
		// A struct, encoded as JSON; a nil pointer is null, which removes.
		patch := struct {
			Data map[string]*string `json:"data"`
		}{map[string]*string{"a": nil, "c": verbPtr("3")}}
		if err := cm.Patch(e.ctx, patch, nil); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"b": "2", "c": "3"}
		if got := e.mustServer(verbConfigMaps, "merge").Raw()["data"]; !reflect.DeepEqual(got, want) {
			t.Fatalf("server .data = %v, want %v", got, want)
		}
		if !reflect.DeepEqual(cm.Raw()["data"], want) {
			t.Fatalf("object .data = %v, want %v (the server's answer)", cm.Raw()["data"], want)
		}
	})

	t.Run("json", func(t *testing.T) {
		cm := e.createConfigMap("json", map[string]any{"a": "1", "b": "2"})
		ops := []map[string]any{
			{"op": "test", "path": "/data/a", "value": "1"},
			{"op": "replace", "path": "/data/a", "value": "10"},
			{"op": "remove", "path": "/data/b"},
			{"op": "add", "path": "/metadata/labels", "value": map[string]any{"patched": "yes"}},
		}
		if err := cm.Patch(e.ctx, ops, &kr8s.PatchOptions{Type: kr8s.JSONPatch}); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbConfigMaps, "json")
		if want := map[string]any{"a": "10"}; !reflect.DeepEqual(got.Raw()["data"], want) {
			t.Fatalf("server .data = %v, want %v", got.Raw()["data"], want)
		}
		if got.Labels()["patched"] != "yes" {
			t.Fatalf("server labels = %v", got.Labels())
		}
		// A failed test operation changes nothing.
		err := cm.Patch(e.ctx, `[{"op":"test","path":"/data/a","value":"1"},{"op":"remove","path":"/data/a"}]`, &kr8s.PatchOptions{Type: kr8s.JSONPatch})
		if err == nil {
			t.Fatal("a JSON patch whose test fails must fail")
		}
		if got := e.mustServer(verbConfigMaps, "json"); verbField(got, "data", "a") != "10" {
			t.Fatalf("a failed JSON patch changed the server: %v", got.Raw()["data"])
		}
	})

	t.Run("strategic keeps other containers", func(t *testing.T) {
		d := e.deployment("strategic", 0, "web", "sidecar")
		if err := d.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		patch := map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "web", "image": "registry.example/web:2"}},
		}}}}
		if err := d.Patch(e.ctx, patch, &kr8s.PatchOptions{Type: kr8s.StrategicMergePatch}); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbDeployments, "strategic")
		cs, _ := verbField(got, "spec", "template", "spec", "containers").([]any)
		images := map[string]any{}
		for _, c := range cs {
			m := c.(map[string]any)
			images[m["name"].(string)] = m["image"]
		}
		want := map[string]any{"web": "registry.example/web:2", "sidecar": "registry.example/sidecar:1"}
		if !reflect.DeepEqual(images, want) {
			t.Fatalf("containers on the server = %v, want %v", images, want)
		}

		// The same patch as a merge patch replaces the list: the contrast
		// is why strategic merge exists.
		if err := d.Patch(e.ctx, patch, &kr8s.PatchOptions{Type: kr8s.MergePatch}); err != nil {
			t.Fatal(err)
		}
		got = e.mustServer(verbDeployments, "strategic")
		if cs, _ := verbField(got, "spec", "template", "spec", "containers").([]any); len(cs) != 1 {
			t.Fatalf("a merge patch must replace the list; got %d containers", len(cs))
		}
	})

	t.Run("status subresource", func(t *testing.T) {
		d := e.deployment("status", 0)
		if err := d.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		cond := map[string]any{"type": "Kr8sTest", "status": "True", "reason": "Patched", "message": "by the test"}
		patch := map[string]any{"status": map[string]any{"conditions": []any{cond}}}
		// On the main resource the status is ignored...
		if err := d.Patch(e.ctx, patch, nil); err != nil {
			t.Fatal(err)
		}
		if verbHasCondition(e.mustServer(verbDeployments, "status"), "Kr8sTest") {
			t.Fatal("a status patch on the main resource must be ignored")
		}
		// ...on /status it is kept. A JSON patch appends to the
		// controller's conditions instead of replacing them.
		if err := d.Refresh(e.ctx); err != nil {
			t.Fatal(err)
		}
		op := []any{map[string]any{"op": "add", "path": "/status/conditions/-", "value": cond}}
		if _, ok := d.Status()["conditions"]; !ok {
			op = []any{map[string]any{"op": "add", "path": "/status/conditions", "value": []any{cond}}}
		}
		if err := d.Patch(e.ctx, op, &kr8s.PatchOptions{Type: kr8s.JSONPatch, Subresource: "status"}); err != nil {
			t.Fatal(err)
		}
		if !verbHasCondition(d, "Kr8sTest") {
			t.Fatalf("the object did not take the server's answer: %v", d.Status())
		}
		if !verbHasCondition(e.mustServer(verbDeployments, "status"), "Kr8sTest") {
			t.Fatal("the status patch did not reach the server")
		}
	})

	t.Run("scale subresource", func(t *testing.T) {
		d := e.deployment("scale-patch", 0)
		if err := d.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := d.Patch(e.ctx, `{"spec":{"replicas":2}}`, &kr8s.PatchOptions{Subresource: "scale"}); err != nil {
			t.Fatal(err)
		}
		// The answer is a Scale; the object is read again and stays a Deployment.
		if d.Raw()["kind"] != "Deployment" {
			t.Fatalf("after a scale patch the object is a %v", d.Raw()["kind"])
		}
		if n, ok := d.Replicas(); !ok || n != 2 {
			t.Fatalf("Replicas() = %d, %v; want 2, true", n, ok)
		}
		if n, _ := e.mustServer(verbDeployments, "scale-patch").Replicas(); n != 2 {
			t.Fatalf("server .spec.replicas = %d, want 2", n)
		}
	})

	t.Run("dry-run and field manager", func(t *testing.T) {
		cm := e.createConfigMap("dry", map[string]any{"a": "1"})
		if err := cm.Patch(e.ctx, map[string]any{"data": map[string]any{"a": "2"}}, &kr8s.PatchOptions{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		if verbField(cm, "data", "a") != "2" {
			t.Fatalf("the dry run's answer = %v", cm.Raw()["data"])
		}
		if got := e.mustServer(verbConfigMaps, "dry"); verbField(got, "data", "a") != "1" {
			t.Fatalf("a dry-run patch changed the server: %v", got.Raw()["data"])
		}
		if err := cm.Patch(e.ctx, `{"data":{"b":"1"}}`, &kr8s.PatchOptions{FieldManager: "patcher"}); err != nil {
			t.Fatal(err)
		}
		if got := e.mustServer(verbConfigMaps, "dry"); !verbOwnsField(got, "patcher", "f:data", "f:b") {
			t.Fatalf("field manager not recorded: %v", verbField(got, "metadata", "managedFields"))
		}
	})

	t.Run("errors", func(t *testing.T) {
		missing := e.configMap("missing", nil)
		if err := missing.Patch(e.ctx, `{"data":{"a":"1"}}`, nil); !errors.Is(err, kr8s.ErrNotFound) {
			t.Fatalf("patching a missing object = %v; want ErrNotFound", err)
		}
		if err := missing.Patch(e.ctx, `{}`, &kr8s.PatchOptions{Type: "application/yaml"}); err == nil || !strings.Contains(err.Error(), "kr8s.MergePatch") {
			t.Fatalf("unknown patch type: err = %v", err)
		}
	})
}

func verbPtr[T any](v T) *T { return &v }

func verbHasCondition(o *kr8s.Object, typ string) bool {
	cs, _ := o.Status()["conditions"].([]any)
	for _, c := range cs {
		if m, _ := c.(map[string]any); m["type"] == typ {
			return true
		}
	}
	return false
}

func TestApply(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)

	t.Run("creates when missing", func(t *testing.T) {
		cm := e.configMap("applied", map[string]any{"a": "1", "b": "2"})
		if err := cm.Apply(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbConfigMaps, "applied")
		if want := map[string]any{"a": "1", "b": "2"}; !reflect.DeepEqual(got.Raw()["data"], want) {
			t.Fatalf("server .data = %v, want %v", got.Raw()["data"], want)
		}
		if !verbOwnsField(got, kr8s.DefaultFieldManager, "f:data", "f:a") {
			t.Fatalf("%s does not own .data.a: %v", kr8s.DefaultFieldManager, verbField(got, "metadata", "managedFields"))
		}
		if cm.Metadata()["uid"] == nil {
			t.Fatal("Apply did not take the server's answer")
		}
	})

	t.Run("re-apply removes the fields left out", func(t *testing.T) {
		// Built anew, as from a manifest: the intent is only .data.a now.
		cm := e.configMap("applied", map[string]any{"a": "1"})
		if err := cm.Apply(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbConfigMaps, "applied")
		if want := map[string]any{"a": "1"}; !reflect.DeepEqual(got.Raw()["data"], want) {
			t.Fatalf("server .data = %v, want %v: the manager's removed field must go", got.Raw()["data"], want)
		}
	})

	t.Run("an object read from the server applies as is", func(t *testing.T) {
		cm := e.mustServer(verbConfigMaps, "applied") // has managedFields, uid, resourceVersion
		cm.Raw()["data"].(map[string]any)["c"] = "3"
		if err := cm.Apply(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got := e.mustServer(verbConfigMaps, "applied"); verbField(got, "data", "c") != "3" {
			t.Fatalf("server .data = %v", got.Raw()["data"])
		}
		if _, ok := cm.Metadata()["managedFields"]; !ok {
			t.Fatal("Apply must not strip managedFields from the object itself")
		}
	})

	t.Run("managers conflict and force resolves", func(t *testing.T) {
		alice := e.configMap("shared", map[string]any{"x": "1"})
		if err := alice.Apply(e.ctx, &kr8s.ApplyOptions{FieldManager: "alice"}); err != nil {
			t.Fatal(err)
		}
		bob := e.configMap("shared", map[string]any{"x": "2", "y": "2"})
		err := bob.Apply(e.ctx, &kr8s.ApplyOptions{FieldManager: "bob"})
		if !errors.Is(err, kr8s.ErrConflict) {
			t.Fatalf("conflicting apply = %v; want ErrConflict", err)
		}
		if msg := err.Error(); !strings.Contains(msg, ".data.x") || !strings.Contains(msg, `"alice"`) {
			t.Fatalf("the conflict error must name the field and its manager: %v", msg)
		}
		var se *kr8s.StatusError
		if !errors.As(err, &se) || se.Details == nil || len(se.Details.Causes) != 1 || se.Details.Causes[0].Field != ".data.x" {
			t.Fatalf("want one cause for .data.x in %#v", se)
		}
		got := e.mustServer(verbConfigMaps, "shared")
		if verbField(got, "data", "x") != "1" || verbField(got, "data", "y") != nil {
			t.Fatalf("a conflicting apply changed the server: %v", got.Raw()["data"])
		}

		if err := bob.Apply(e.ctx, &kr8s.ApplyOptions{FieldManager: "bob", Force: true}); err != nil {
			t.Fatal(err)
		}
		got = e.mustServer(verbConfigMaps, "shared")
		if want := map[string]any{"x": "2", "y": "2"}; !reflect.DeepEqual(got.Raw()["data"], want) {
			t.Fatalf("server .data = %v, want %v", got.Raw()["data"], want)
		}
		if !verbOwnsField(got, "bob", "f:data", "f:x") || verbOwnsField(got, "alice", "f:data", "f:x") {
			t.Fatalf("after force, bob must own .data.x and alice not: %v", verbField(got, "metadata", "managedFields"))
		}
	})

	t.Run("dry-run", func(t *testing.T) {
		cm := e.configMap("dry", map[string]any{"a": "1"})
		if err := cm.Apply(e.ctx, &kr8s.ApplyOptions{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		if verbField(cm, "metadata", "creationTimestamp") == nil {
			t.Fatalf("the dry run's answer = %v", cm.Raw())
		}
		if ok, err := e.gone(verbConfigMaps, "dry"); err != nil || !ok {
			t.Fatalf("a dry-run apply created the object (gone = %v, %v)", ok, err)
		}
		shared := e.configMap("applied", map[string]any{"a": "changed"})
		if err := shared.Apply(e.ctx, &kr8s.ApplyOptions{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		if got := e.mustServer(verbConfigMaps, "applied"); verbField(got, "data", "a") != "1" {
			t.Fatalf("a dry-run apply changed the server: %v", got.Raw()["data"])
		}
	})

	t.Run("keep resourceVersion", func(t *testing.T) {
		stale := e.mustServer(verbConfigMaps, "applied")
		if err := e.mustServer(verbConfigMaps, "applied").Label(e.ctx, map[string]string{"bump": "1"}); err != nil {
			t.Fatal(err)
		}
		err := stale.Apply(e.ctx, &kr8s.ApplyOptions{KeepResourceVersion: true})
		if !errors.Is(err, kr8s.ErrConflict) {
			t.Fatalf("apply with a stale resourceVersion = %v; want ErrConflict", err)
		}
	})

	t.Run("status subresource", func(t *testing.T) {
		d := e.deployment("apply-status", 0)
		if err := d.Apply(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		st := map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "apply-status"},
			"status": map[string]any{"conditions": []any{map[string]any{
				"type": "Kr8sApplied", "status": "True", "reason": "Applied", "message": "by the test",
			}}},
		}
		s, err := verbDeployments.New(st, kr8s.WithAPI(e.c))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(e.ctx, &kr8s.ApplyOptions{FieldManager: "status-writer", Subresource: "status"}); err != nil {
			t.Fatal(err)
		}
		if !verbHasCondition(e.mustServer(verbDeployments, "apply-status"), "Kr8sApplied") {
			t.Fatal("the status apply did not reach the server")
		}
	})
}

func TestDelete(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)

	t.Run("missing", func(t *testing.T) {
		err := e.configMap("missing", nil).Delete(e.ctx, nil)
		if !errors.Is(err, kr8s.ErrNotFound) {
			t.Fatalf("deleting a missing object = %v; want ErrNotFound", err)
		}
	})

	t.Run("plain", func(t *testing.T) {
		cm := e.createConfigMap("plain", nil)
		if err := cm.Delete(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.gone(verbConfigMaps, "plain"); err != nil || !ok {
			t.Fatalf("still there after Delete (gone = %v, %v)", ok, err)
		}
	})

	t.Run("dry-run", func(t *testing.T) {
		cm := e.createConfigMap("dry", nil)
		if err := cm.Delete(e.ctx, &kr8s.DeleteOptions{DryRun: true, Wait: true}); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbConfigMaps, "dry")
		if got.Metadata()["deletionTimestamp"] != nil {
			t.Fatal("a dry-run delete marked the object for deletion")
		}
	})

	t.Run("bad propagation policy", func(t *testing.T) {
		err := e.configMap("x", nil).Delete(e.ctx, &kr8s.DeleteOptions{PropagationPolicy: "orphan"})
		if err == nil || !strings.Contains(err.Error(), `"Orphan"`) {
			t.Fatalf("err = %v, want one listing the policies", err)
		}
	})

	t.Run("wait returns only when gone", func(t *testing.T) {
		cm := e.configMap("finalized", nil)
		cm.Raw()["metadata"].(map[string]any)["finalizers"] = []any{"kr8s.test/block"}
		if err := cm.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { // so that a failure cannot leave the namespace stuck
			if o, err := e.server(verbConfigMaps, "finalized"); err == nil {
				_ = o.Patch(context.Background(), `{"metadata":{"finalizers":null}}`, nil)
			}
		})
		done := make(chan error, 1)
		go func() { done <- cm.Delete(e.ctx, &kr8s.DeleteOptions{Wait: true}) }()
		e.eventually(30*time.Second, "deletionTimestamp set", func() (bool, error) {
			got, err := e.server(verbConfigMaps, "finalized")
			if err != nil {
				return false, err
			}
			return got.Metadata()["deletionTimestamp"] != nil, nil
		})
		select {
		case err := <-done:
			t.Fatalf("Delete with Wait returned (%v) while a finalizer holds the object", err)
		default:
		}
		blocker := e.mustServer(verbConfigMaps, "finalized")
		if err := blocker.Patch(e.ctx, `{"metadata":{"finalizers":null}}`, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Delete with Wait did not return after the object went")
		}
		if ok, err := e.gone(verbConfigMaps, "finalized"); err != nil || !ok {
			t.Fatalf("Delete with Wait returned before the object was gone (gone = %v, %v)", ok, err)
		}
	})

	t.Run("grace period", func(t *testing.T) {
		// Bound to a node that does not exist, so nothing finishes the
		// termination, and held by a finalizer against pod GC.
		pod, err := kr8s.NewPod(map[string]any{
			"metadata": map[string]any{"name": "graceful", "finalizers": []any{"kr8s.test/block"}},
			"spec": map[string]any{
				"nodeName":   "kr8s-no-such-node",
				"containers": []any{map[string]any{"name": "main", "image": "busybox"}},
			},
		}, kr8s.WithAPI(e.c))
		if err != nil {
			t.Fatal(err)
		}
		if err := pod.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			p, err := e.server(verbPods, "graceful")
			if err == nil {
				_ = p.Patch(context.Background(), `{"metadata":{"finalizers":null}}`, nil)
				_ = p.Delete(context.Background(), &kr8s.DeleteOptions{GracePeriodSeconds: verbPtr(int64(0))})
			}
		})
		if err := pod.Delete(e.ctx, &kr8s.DeleteOptions{GracePeriodSeconds: verbPtr(int64(7))}); err != nil {
			t.Fatal(err)
		}
		got := e.mustServer(verbPods, "graceful")
		if g, _ := got.Metadata()["deletionGracePeriodSeconds"].(float64); g != 7 {
			t.Fatalf("server deletionGracePeriodSeconds = %v, want 7", got.Metadata()["deletionGracePeriodSeconds"])
		}
	})

	// Each propagation policy against a Deployment and its ReplicaSet.
	rsOf := func(t *testing.T, name string) *kr8s.Object {
		t.Helper()
		var rs *kr8s.Object
		e.eventually(60*time.Second, "the Deployment's ReplicaSet exists", func() (bool, error) {
			l, err := e.replicaSetsOf(name)
			if len(l) > 0 {
				rs = l[0]
			}
			return len(l) > 0, err
		})
		return rs
	}
	rsGone := func(name string) func() (bool, error) {
		return func() (bool, error) {
			l, err := e.replicaSetsOf(name)
			return len(l) == 0, err
		}
	}

	t.Run("orphan keeps the ReplicaSet", func(t *testing.T) {
		d := e.deployment("orphan", 0)
		if err := d.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		rsOf(t, "orphan")
		if err := d.Delete(e.ctx, &kr8s.DeleteOptions{PropagationPolicy: "Orphan", Wait: true}); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.gone(verbDeployments, "orphan"); err != nil || !ok {
			t.Fatalf("Deployment still there after Delete with Wait (gone = %v, %v)", ok, err)
		}
		// The orphan finalizer ran before the Deployment went: the
		// ReplicaSet is there, with no owner.
		l, err := e.replicaSetsOf("orphan")
		if err != nil || len(l) != 1 {
			t.Fatalf("ReplicaSets after an orphaning delete: %d, %v; want 1", len(l), err)
		}
		if refs := verbField(l[0], "metadata", "ownerReferences"); refs != nil {
			t.Fatalf("the orphaned ReplicaSet still has owners: %v", refs)
		}
	})

	t.Run("background deletes the ReplicaSet", func(t *testing.T) {
		d := e.deployment("background", 0)
		if err := d.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		rsOf(t, "background")
		if err := d.Delete(e.ctx, &kr8s.DeleteOptions{PropagationPolicy: "Background"}); err != nil {
			t.Fatal(err)
		}
		e.eventually(60*time.Second, "the garbage collector deletes the ReplicaSet", rsGone("background"))
	})

	t.Run("foreground with wait deletes the ReplicaSet first", func(t *testing.T) {
		d := e.deployment("foreground", 0)
		if err := d.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		rsOf(t, "foreground")
		if err := d.Delete(e.ctx, &kr8s.DeleteOptions{PropagationPolicy: "Foreground", Wait: true}); err != nil {
			t.Fatal(err)
		}
		if ok, err := rsGone("foreground")(); err != nil || !ok {
			t.Fatalf("the ReplicaSet must be gone before its owner (gone = %v, %v)", ok, err)
		}
		if ok, err := e.gone(verbDeployments, "foreground"); err != nil || !ok {
			t.Fatalf("Deployment still there after Delete with Wait (gone = %v, %v)", ok, err)
		}
	})
}

func TestLabelAndAnnotate(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	cm := e.configMap("labelled", nil)
	cm.Raw()["metadata"].(map[string]any)["labels"] = map[string]any{"a": "1", "b": "2"}
	cm.Raw()["metadata"].(map[string]any)["annotations"] = map[string]any{"x": "1", "y": "2"}
	if err := cm.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}

	if err := cm.Label(e.ctx, map[string]string{"a": "9", "c": "3"}, "b", "absent"); err != nil {
		t.Fatal(err)
	}
	if err := cm.Annotate(e.ctx, map[string]string{"z": "3"}, "x"); err != nil {
		t.Fatal(err)
	}
	got := e.mustServer(verbConfigMaps, "labelled")
	if want := map[string]string{"a": "9", "c": "3"}; !reflect.DeepEqual(got.Labels(), want) {
		t.Fatalf("server labels = %v, want %v", got.Labels(), want)
	}
	if want := map[string]string{"y": "2", "z": "3"}; !reflect.DeepEqual(got.Annotations(), want) {
		t.Fatalf("server annotations = %v, want %v", got.Annotations(), want)
	}
	if want := map[string]string{"y": "2", "z": "3"}; !reflect.DeepEqual(cm.Annotations(), want) {
		t.Fatalf("object annotations = %v, want %v (the server's answer)", cm.Annotations(), want)
	}

	if err := cm.Label(e.ctx, map[string]string{"a": "1"}, "a"); err == nil {
		t.Fatal("setting and removing one label must fail")
	}
	if err := cm.Label(e.ctx, map[string]string{"bad key!": "1"}); !errors.Is(err, kr8s.ErrInvalid) {
		t.Fatalf("an invalid label key = %v; want ErrInvalid", err)
	}
}

func TestOwner(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	owner1 := e.createConfigMap("owner-1", nil)
	owner2 := e.createConfigMap("owner-2", nil)
	child := e.createConfigMap("child", nil)
	lone := e.createConfigMap("lone-child", nil)

	if err := owner1.Adopt(e.ctx, child); err != nil {
		t.Fatal(err)
	}
	if err := child.SetOwner(e.ctx, owner2, &kr8s.OwnerOptions{NotController: true, NoBlockOwnerDeletion: true}); err != nil {
		t.Fatal(err)
	}
	// Setting the same owner again updates its entry, not adds one.
	if err := owner1.Adopt(e.ctx, child); err != nil {
		t.Fatal(err)
	}
	if err := owner1.Adopt(e.ctx, lone); err != nil {
		t.Fatal(err)
	}

	got := e.mustServer(verbConfigMaps, "child")
	refs, _ := verbField(got, "metadata", "ownerReferences").([]any)
	want := []any{
		// Adopt writes what kr8s's adopt writes.
		map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "name": "owner-1", "uid": owner1.Metadata()["uid"], "controller": true, "blockOwnerDeletion": true},
		map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "name": "owner-2", "uid": owner2.Metadata()["uid"]},
	}
	if !reflect.DeepEqual(refs, want) {
		t.Fatalf("server ownerReferences = %v\nwant %v", refs, want)
	}

	t.Run("errors", func(t *testing.T) {
		unsaved := e.configMap("unsaved", nil)
		if err := child.SetOwner(e.ctx, unsaved, nil); err == nil || !strings.Contains(err.Error(), "no uid") {
			t.Fatalf("owner without a uid: err = %v", err)
		}
		elsewhere, _ := kr8s.NewConfigMap(map[string]any{"metadata": map[string]any{"name": "o", "namespace": "elsewhere", "uid": "1234"}}, kr8s.WithAPI(e.c))
		if err := child.SetOwner(e.ctx, elsewhere.Object, nil); err == nil || !strings.Contains(err.Error(), "namespace") {
			t.Fatalf("owner in another namespace: err = %v", err)
		}
		if err := child.SetOwner(e.ctx, lone, nil); err == nil || !strings.Contains(err.Error(), "one controller") {
			t.Fatalf("a second controller: err = %v", err)
		}
	})

	// Deleting the owners garbage-collects the children.
	if err := owner1.Delete(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.eventually(60*time.Second, "the lone child is garbage-collected", func() (bool, error) {
		return e.gone(verbConfigMaps, "lone-child")
	})
	if err := owner2.Delete(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.eventually(60*time.Second, "the child of two owners is garbage-collected", func() (bool, error) {
		return e.gone(verbConfigMaps, "child")
	})
}

func TestScale(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	d := e.deployment("scaled", 1)
	if err := d.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n, ok := d.Replicas(); !ok || n != 1 {
		t.Fatalf("Replicas() = %d, %v; want 1, true", n, ok)
	}
	for _, n := range []int{3, 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if err := d.Scale(e.ctx, n, &kr8s.ScaleOptions{Wait: true}); err != nil {
				t.Fatal(err)
			}
			// Wait returned: the server already says so, no polling needed.
			got := e.mustServer(verbDeployments, "scaled")
			if r, _ := got.Replicas(); r != n {
				t.Fatalf("server .spec.replicas = %d, want %d", r, n)
			}
			if r := verbField(got, "status", "replicas"); r != float64(n) {
				t.Fatalf("server .status.replicas = %v, want %d", r, n)
			}
			og, _ := verbField(got, "status", "observedGeneration").(float64)
			gen, _ := verbField(got, "metadata", "generation").(float64)
			if og < gen {
				t.Fatalf("observedGeneration %v < generation %v", og, gen)
			}
			if r, _ := d.Replicas(); r != n {
				t.Fatalf("object Replicas() = %d, want %d", r, n)
			}
			// The pods exist and run on the kwok nodes.
			e.eventually(60*time.Second, fmt.Sprintf("%d running pods", n), func() (bool, error) {
				pods, err := verbPods.ListAll(e.ctx, &kr8s.ListOptions{API: e.fresh(), Labels: map[string]string{"app": "scaled"}})
				running := 0
				for _, p := range pods {
					if verbField(p, "status", "phase") == "Running" && p.Metadata()["deletionTimestamp"] == nil {
						running++
					}
				}
				return running == n && len(pods) == n, err
			})
		})
	}

	t.Run("errors", func(t *testing.T) {
		if err := d.Scale(e.ctx, -1, nil); err == nil {
			t.Fatal("negative replicas must fail")
		}
		cm := e.createConfigMap("not-scalable", nil)
		if err := cm.Scale(e.ctx, 2, nil); !errors.Is(err, kr8s.ErrNotScalable) {
			t.Fatalf("scaling a ConfigMap = %v; want ErrNotScalable (kr8s says not scalable)", err)
		}
		// With a quota of no pods, the replicas can never be observed: the
		// wait ends with ctx.
		quota, err := kr8s.NewKind(kr8s.Kind{Version: "v1", Kind: "ResourceQuota", Plural: "resourcequotas", Namespaced: true}).New(map[string]any{
			"metadata": map[string]any{"name": "no-pods"},
			"spec":     map[string]any{"hard": map[string]any{"pods": "0"}},
		}, kr8s.WithAPI(e.c))
		if err != nil {
			t.Fatal(err)
		}
		if err := quota.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		e.eventually(30*time.Second, "the quota is in force", func() (bool, error) {
			if err := quota.Refresh(e.ctx); err != nil {
				return false, err
			}
			return verbField(quota, "status", "hard", "pods") != nil, nil
		})
		stuck := e.deployment("stuck", 0)
		if err := stuck.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(e.ctx, 3*time.Second)
		defer cancel()
		if err := stuck.Scale(ctx, 2, &kr8s.ScaleOptions{Wait: true}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a wait that cannot finish = %v; want context.DeadlineExceeded", err)
		}
	})
}

// Server-side apply: the object is the field manager's whole intent.
func ExampleObject_Apply() {
	ctx := context.Background()
	cm, err := kr8s.NewConfigMap(map[string]any{
		"metadata": map[string]any{"name": "settings"},
		"data":     map[string]any{"mode": "fast"},
	})
	if err != nil {
		log.Fatal(err)
	}
	err = cm.Apply(ctx, &kr8s.ApplyOptions{FieldManager: "my-tool"})
	if errors.Is(err, kr8s.ErrConflict) {
		log.Fatalf("another manager owns these fields: %v", err) // or retry with Force: true
	}
}

// A strategic merge patch changes one container and keeps the others.
func ExampleObject_Patch() {
	ctx := context.Background()
	d, err := kr8s.Deployments.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	patch := `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}`
	if err := d.Patch(ctx, patch, &kr8s.PatchOptions{Type: kr8s.StrategicMergePatch}); err != nil {
		log.Fatal(err)
	}
}

// Delete a Deployment and its ReplicaSets and pods, returning when all are gone.
func ExampleObject_Delete() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := kr8s.Deployments.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := d.Delete(ctx, &kr8s.DeleteOptions{PropagationPolicy: "Foreground", Wait: true}); err != nil {
		log.Fatal(err)
	}
}

// Scale and wait until the controller reports the new replica count.
func ExampleObject_Scale() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := kr8s.Deployments.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := d.Scale(ctx, 3, &kr8s.ScaleOptions{Wait: true}); err != nil {
		log.Fatal(err)
	}
}

// Label and annotate: set some keys and remove others, as kubectl label
// does with "key-".
func ExampleObject_Label() {
	ctx := context.Background()
	pod, err := kr8s.Pods.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := pod.Label(ctx, map[string]string{"tier": "frontend"}, "canary"); err != nil {
		log.Fatal(err)
	}
}
