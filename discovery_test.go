package kr8s

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeResource is one resource of the fake API server.
type fakeResource struct {
	plural, singular, kind string
	namespaced             bool
	short, categories      []string
	subresources           []string
}

type fakeVersion struct {
	version   string
	stale     bool
	resources []fakeResource
}

type fakeGroup struct {
	name     string // "" for core
	versions []fakeVersion
}

// fakeCluster is a small but realistic discovery fixture: core with
// events, apps, autoscaling with two versions (v2 preferred), events.k8s.io
// clashing with core, and a CRD group whose kind differs from its
// singular.
func fakeCluster() []fakeGroup {
	return []fakeGroup{
		{"", []fakeVersion{{version: "v1", resources: []fakeResource{
			{"pods", "pod", "Pod", true, []string{"po"}, []string{"all"}, []string{"status", "log", "exec"}},
			{"services", "service", "Service", true, []string{"svc"}, []string{"all"}, []string{"status", "proxy"}},
			{"configmaps", "configmap", "ConfigMap", true, []string{"cm"}, nil, nil},
			{"events", "event", "Event", true, []string{"ev"}, nil, nil},
			{"namespaces", "namespace", "Namespace", false, []string{"ns"}, nil, []string{"status", "finalize"}},
			{"nodes", "node", "Node", false, []string{"no"}, nil, []string{"status", "proxy"}},
			{"bindings", "binding", "Binding", true, nil, nil, nil},
		}}}},
		{"apps", []fakeVersion{{version: "v1", resources: []fakeResource{
			{"deployments", "deployment", "Deployment", true, []string{"deploy"}, []string{"all"}, []string{"status", "scale"}},
			{"statefulsets", "statefulset", "StatefulSet", true, []string{"sts"}, []string{"all"}, []string{"status", "scale"}},
		}}}},
		{"events.k8s.io", []fakeVersion{{version: "v1", resources: []fakeResource{
			{"events", "event", "Event", true, []string{"ev"}, nil, nil},
		}}}},
		{"autoscaling", []fakeVersion{
			{version: "v2", resources: []fakeResource{
				{"horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, []string{"hpa"}, []string{"all"}, []string{"status"}},
			}},
			{version: "v1", resources: []fakeResource{
				{"horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, []string{"hpa"}, []string{"all"}, []string{"status"}},
			}},
		}},
		{"rbac.authorization.k8s.io", []fakeVersion{{version: "v1", resources: []fakeResource{
			{"clusterroles", "clusterrole", "ClusterRole", false, nil, nil, nil},
			{"roles", "role", "Role", true, nil, nil, nil},
		}}}},
		{"metrics.k8s.io", []fakeVersion{{version: "v1beta1", stale: true, resources: []fakeResource{
			{"podmetrics", "podmetrics", "PodMetrics", true, nil, nil, nil},
		}}}},
		{"apps.example.com", []fakeVersion{{version: "v1alpha1", resources: []fakeResource{
			{"statefulsets", "statefulset", "StatefulSet", true, []string{"asts"}, nil, nil},
			{"gizmos", "gadget", "Gizmo", true, []string{"gz"}, nil, nil},
		}}}},
	}
}

// fakeAPIServer serves discovery for groups, aggregated or legacy, and
// counts requests.
type fakeAPIServer struct {
	mu          sync.Mutex
	groups      []fakeGroup
	aggregated  bool
	requests    []string // paths, in order
	notModified int
	hook        func(w http.ResponseWriter, r *http.Request) bool // true: handled
}

func (f *fakeAPIServer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func (f *fakeAPIServer) setGroups(g []fakeGroup) {
	f.mu.Lock()
	f.groups = g
	f.mu.Unlock()
}

func (f *fakeAPIServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path)
	groups, aggregated, hook := f.groups, f.aggregated, f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	wantAgg := aggregated && strings.Contains(r.Header.Get("Accept"), "g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	var body any
	switch p := r.URL.Path; {
	case p == "/api" && wantAgg:
		body = aggregatedJSON(groups[:1])
	case p == "/apis" && wantAgg:
		body = aggregatedJSON(groups[1:])
	case p == "/api":
		body = map[string]any{"kind": "APIVersions", "versions": []string{"v1"}}
	case p == "/apis":
		body = groupListJSON(groups[1:])
	case p == "/api/v1":
		body = resourceListJSON("v1", groups[0].versions[0])
	case strings.HasPrefix(p, "/apis/"):
		g, v, _ := strings.Cut(strings.TrimPrefix(p, "/apis/"), "/")
		for _, grp := range groups {
			for _, ver := range grp.versions {
				if grp.name == g && ver.version == v {
					if ver.stale {
						http.Error(w, "service unavailable", http.StatusServiceUnavailable)
						return
					}
					body = resourceListJSON(g+"/"+v, ver)
				}
			}
		}
	}
	if body == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"the server could not find the requested resource"}`)
		return
	}
	b, _ := json.Marshal(body)
	if wantAgg {
		sum := sha256.Sum256(b)
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			f.mu.Lock()
			f.notModified++
			f.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Write(b)
}

func aggregatedJSON(groups []fakeGroup) any {
	var items []any
	for _, g := range groups {
		var versions []any
		for _, v := range g.versions {
			var res []any
			for _, r := range v.resources {
				scope := "Cluster"
				if r.namespaced {
					scope = "Namespaced"
				}
				var subs []any
				for _, s := range r.subresources {
					subs = append(subs, map[string]any{"subresource": s, "verbs": []string{"get"}})
				}
				res = append(res, map[string]any{
					"resource": r.plural, "singularResource": r.singular, "scope": scope,
					"responseKind": map[string]any{"group": "", "version": "", "kind": r.kind},
					"verbs":        []string{"get", "list", "watch"}, "shortNames": r.short,
					"categories": r.categories, "subresources": subs,
				})
			}
			fresh := "Current"
			if v.stale {
				fresh = "Stale"
			}
			versions = append(versions, map[string]any{"version": v.version, "freshness": fresh, "resources": res})
		}
		items = append(items, map[string]any{"metadata": map[string]any{"name": g.name}, "versions": versions})
	}
	return map[string]any{"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": map[string]any{}, "items": items}
}

func groupListJSON(groups []fakeGroup) any {
	var gs []any
	for _, g := range groups {
		var vs []any
		for _, v := range g.versions {
			vs = append(vs, map[string]any{"groupVersion": g.name + "/" + v.version, "version": v.version})
		}
		gs = append(gs, map[string]any{"name": g.name, "versions": vs, "preferredVersion": vs[0]})
	}
	return map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": gs}
}

func resourceListJSON(gv string, v fakeVersion) any {
	var res []any
	for _, r := range v.resources {
		res = append(res, map[string]any{
			"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
			"verbs": []string{"get", "list", "watch"}, "shortNames": r.short, "categories": r.categories,
		})
		for _, s := range r.subresources {
			res = append(res, map[string]any{"name": r.plural + "/" + s, "singularName": "", "namespaced": r.namespaced, "kind": r.kind, "verbs": []string{"get"}})
		}
	}
	return map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res}
}

// discoveryClient returns a client of a new fake server whose disk cache
// lives in dir ("" for none).
func discoveryClient(t *testing.T, aggregated bool, dir string) (*Client, *fakeAPIServer) {
	t.Helper()
	f := &fakeAPIServer{groups: fakeCluster(), aggregated: aggregated}
	_, c := newTestServer(t, f)
	discoveryFor(c).setCacheRoot(dir)
	return c, f
}

func clientFor(t *testing.T, url, dir string) *Client {
	t.Helper()
	c, err := NewClient(WithURL(url), WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	discoveryFor(c).setCacheRoot(dir)
	return c
}

func TestDiscoveryAggregatedRequestCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	c, f := discoveryClient(t, true, dir)

	res, err := c.APIResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 2 {
		t.Fatalf("cold discovery took %d requests (%v), want 2", n, f.requests)
	}
	if _, err := c.LookupKind(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 2 {
		t.Fatalf("warm discovery made %d more requests, want 0", n-2)
	}

	// A new client of the same server reads the disk cache.
	c2 := clientFor(t, c.Server(), dir)
	res2, err := c2.APIResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 2 {
		t.Fatalf("a fresh client with a warm disk cache made %d requests, want 0", n-2)
	}
	if !reflect.DeepEqual(res, res2) {
		t.Fatalf("disk cache changed the resources:\n%v\n%v", res, res2)
	}

	// Order and content.
	if res[0].Group != "" || res[0].Name != "pods" || !res[0].Preferred {
		t.Fatalf("first resource %+v, want core pods", res[0])
	}
	var hpa []string
	for _, r := range res {
		if r.Name == "horizontalpodautoscalers" {
			hpa = append(hpa, fmt.Sprintf("%s/%v", r.Version, r.Preferred))
		}
		if r.Group == "metrics.k8s.io" {
			t.Fatalf("stale group version listed: %+v", r)
		}
		if strings.Contains(r.Name, "/") {
			t.Fatalf("subresource listed as a resource: %+v", r)
		}
	}
	if want := []string{"v2/true", "v1/false"}; !reflect.DeepEqual(hpa, want) {
		t.Fatalf("hpa versions %v, want %v", hpa, want)
	}
	dep, _ := c.LookupResource(ctx, "deployments.apps")
	if want := []string{"status", "scale"}; !reflect.DeepEqual(dep.Subresources, want) {
		t.Fatalf("deployment subresources %v, want %v", dep.Subresources, want)
	}
}

func TestDiscoveryLegacyFallback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	agg, _ := discoveryClient(t, true, "")
	leg, f := discoveryClient(t, false, "")
	want, err := agg.APIResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := leg.APIResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("legacy discovery differs from aggregated:\n got %+v\nwant %+v", got, want)
	}
	// /api, /apis, /api/v1, and one per group version: 6, plus the
	// unavailable metrics.k8s.io/v1beta1, which the client retries (503).
	f.mu.Lock()
	var n, metrics int
	for _, p := range f.requests {
		if strings.HasPrefix(p, "/apis/metrics.k8s.io/") {
			metrics++
		} else {
			n++
		}
	}
	total := len(f.requests)
	f.mu.Unlock()
	if n != 9 || metrics == 0 {
		t.Fatalf("legacy discovery took %d requests and %d for metrics (%v), want 9 and some", n, metrics, f.requests)
	}
	if _, err := leg.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != total {
		t.Fatalf("warm legacy discovery made %d requests, want 0", n-total)
	}
	if un := discoveryFor(leg).cur.Load().unavailable(); !reflect.DeepEqual(un, []string{"metrics.k8s.io/v1beta1"}) {
		t.Fatalf("unavailable = %v", un)
	}
	k, err := leg.LookupKind(ctx, "hpa")
	if err != nil || k.GroupVersion() != "autoscaling/v2" {
		t.Fatalf("LookupKind(hpa) = %+v, %v", k, err)
	}
}

func TestDiscoveryTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	c, f := discoveryClient(t, true, dir)
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	d := discoveryFor(c)
	fi, err := os.Stat(d.file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(d.dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir mode %v, want 0700", di.Mode().Perm())
	}

	// An expired disk cache is revalidated with If-None-Match: two
	// requests, two 304s, and the file is fresh again.
	old := time.Now().Add(-7 * time.Hour)
	if err := os.Chtimes(d.file, old, old); err != nil {
		t.Fatal(err)
	}
	c2 := clientFor(t, c.Server(), dir)
	if _, err := c2.LookupKind(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 4 || f.notModified != 2 {
		t.Fatalf("expired cache: %d requests, %d not modified; want 2 and 2", n-2, f.notModified)
	}
	if fi, _ := os.Stat(d.file); time.Since(fi.ModTime()) > time.Hour {
		t.Fatalf("cache file not renewed: mtime %v", fi.ModTime())
	}

	// Within the TTL the disk cache is used as is.
	old = time.Now().Add(-5 * time.Hour)
	os.Chtimes(d.file, old, old)
	c3 := clientFor(t, c.Server(), dir)
	if _, err := c3.LookupKind(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 4 {
		t.Fatalf("a 5h old cache made %d requests, want 0", n-4)
	}

	// The memory cache expires too, for long-running processes.
	d.now = func() time.Time { return time.Now().Add(7 * time.Hour) }
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 6 {
		t.Fatalf("expired memory cache made %d requests, want 2", n-4)
	}
}

func TestDiscoveryCorruptCacheIgnored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	c, f := discoveryClient(t, true, dir)
	d := discoveryFor(c)
	for i, junk := range []string{
		"{not json",
		"",
		`{"format":1,"server":"https://other.example.com","core":{"resources":[{"name":"pods","version":"v1"}]}}`,
		`{"format":99}`,
		`{"format":1,"server":"` + d.server + `","core":{"resources":[]}}`,
		`{"format":1,"server":"` + d.server + `","core":{"resources":[{"name":"../etc","version":"v1"}]}}`,
	} {
		if err := os.MkdirAll(d.dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(d.file, []byte(junk), 0o600); err != nil {
			t.Fatal(err)
		}
		c := clientFor(t, c.Server(), dir)
		before := f.count()
		if _, err := c.LookupKind(ctx, "deploy"); err != nil {
			t.Fatalf("junk %d: %v", i, err)
		}
		if n := f.count() - before; n != 2 {
			t.Fatalf("junk %d: %d requests, want 2", i, n)
		}
		if _, _, ok := discoveryFor(c).readDisk(); !ok {
			t.Fatalf("junk %d: cache file not rewritten", i)
		}
	}
}

func TestLookupMissRefreshesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, f := discoveryClient(t, true, t.TempDir())

	// Cold: the first fetch is fresh, so a miss does not fetch again.
	_, err := c.LookupKind(ctx, "widgets")
	if !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("LookupKind(widgets) = %v, want ErrUnknownKind", err)
	}
	if n := f.count(); n != 2 {
		t.Fatalf("cold miss took %d requests, want 2", n)
	}
	// Warm: a miss refreshes exactly once (2 requests), then errors.
	_, err = c.LookupKind(ctx, "widgets")
	if !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("LookupKind(widgets) = %v, want ErrUnknownKind", err)
	}
	if n := f.count(); n != 4 {
		t.Fatalf("warm miss took %d requests, want 2", n-2)
	}
	// A CRD appears: the next lookup refreshes once and finds it.
	groups := fakeCluster()
	groups = append(groups, fakeGroup{"example.com", []fakeVersion{{version: "v1", resources: []fakeResource{
		{"widgets", "widget", "Widget", true, []string{"wd"}, nil, nil},
	}}}})
	f.setGroups(groups)
	k, err := c.LookupKind(ctx, "wd")
	if err != nil {
		t.Fatal(err)
	}
	if k.GroupVersion() != "example.com/v1" || k.Plural != "widgets" {
		t.Fatalf("LookupKind(wd) = %+v", k)
	}
	if n := f.count(); n != 6 {
		t.Fatalf("lookup of a new CRD took %d requests, want 2", n-4)
	}
	// And the refreshed discovery reached the disk cache.
	c2 := clientFor(t, c.Server(), discoveryFor(c).dirRoot(t))
	if _, err := c2.LookupKind(ctx, "widget"); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 6 {
		t.Fatalf("fresh client made %d requests, want 0", n-6)
	}
}

// dirRoot recovers the cache root from the discovery directory.
func (d *discoverer) dirRoot(t *testing.T) string {
	t.Helper()
	return filepath.Dir(filepath.Dir(d.dir))
}

func TestDiscoveryConcurrentColdLookups(t *testing.T) {
	t.Parallel()
	c, f := discoveryClient(t, true, "")
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			names := []string{"po", "deploy", "hpa", "ev", "Gizmo.apps.example.com"}
			if _, err := c.LookupKind(context.Background(), names[i%len(names)]); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := f.count(); n != 2 {
		t.Fatalf("32 concurrent cold lookups made %d requests (%v), want 2", n, f.requests)
	}
}

func TestRefreshDiscovery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	c, f := discoveryClient(t, true, dir)
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.RefreshDiscovery(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count(); n != 4 || f.notModified != 0 {
		t.Fatalf("refresh: %d requests, %d not modified; want 4 and 0 (no ETag after a drop)", n, f.notModified)
	}
	if _, _, ok := discoveryFor(c).readDisk(); !ok {
		t.Fatal("refresh did not rewrite the cache")
	}
}

func TestDiscoveryServersNeverMix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	// One host and port, two API servers behind path prefixes.
	a := &fakeAPIServer{groups: fakeCluster(), aggregated: true}
	b := &fakeAPIServer{groups: fakeCluster()[:1], aggregated: true}
	mux := http.NewServeMux()
	mux.Handle("/a/", http.StripPrefix("/a", a))
	mux.Handle("/b/", http.StripPrefix("/b", b))
	srv, _ := newTestServer(t, mux)
	ca := clientFor(t, srv.URL+"/a", dir)
	cb := clientFor(t, srv.URL+"/b", dir)
	if _, err := ca.LookupKind(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.LookupKind(ctx, "deploy"); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("server b has no deployments, got %v", err)
	}
	if discoveryFor(ca).file == discoveryFor(cb).file {
		t.Fatal("two servers share a cache file")
	}
	ca2 := clientFor(t, srv.URL+"/a", dir)
	if _, err := ca2.LookupKind(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	if a.count() != 2 {
		t.Fatalf("server a: %d requests, want 2", a.count())
	}
}

func TestDiscoveryCacheHoldsNoCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &fakeAPIServer{groups: fakeCluster(), aggregated: true}
	var sawToken atomic.Bool
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") == "Bearer s3cr3t-t0ken" {
			sawToken.Store(true)
		}
		return false
	}
	_, c := newTestServer(t, f, asUser(map[string]any{"token": "s3cr3t-t0ken"}))
	dir := t.TempDir()
	discoveryFor(c).setCacheRoot(dir)
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	if !sawToken.Load() {
		t.Fatal("the fake server never saw the token; the test is not testing anything")
	}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		for _, secret := range []string{"s3cr3t"} {
			if strings.Contains(string(b)+p, secret) {
				t.Errorf("%s holds %q", p, secret)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestServerKeyDropsCredentials(t *testing.T) {
	t.Parallel()
	c := clientFor(t, "https://user:pa55@example.com:6443/k8s/?q=1#f", t.TempDir())
	d := discoveryFor(c)
	if d.server != "https://example.com:6443/k8s" {
		t.Fatalf("server key %q", d.server)
	}
	if strings.Contains(d.file, "pa55") {
		t.Fatalf("cache path %q holds the password", d.file)
	}
}

func TestDiscoveryHostileDocuments(t *testing.T) {
	t.Parallel()
	aggCT := "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
	tests := []struct {
		name    string
		ct      string
		body    string
		wantErr bool
	}{
		{"not json", aggCT, "<html>", true},
		{"null", aggCT, "null", false},
		{"wrong types", aggCT, `{"items":[{"metadata":{"name":5}}]}`, true},
		{"null items", aggCT, `{"items":[null,{"versions":[null,{"resources":[null]}]}]}`, false},
		{"bad names", aggCT, `{"items":[{"metadata":{"name":"../x"},"versions":[{"version":"v1","resources":[{"resource":"a/b"},{"resource":""},{"resource":"ok","responseKind":null}]}]}]}`, false},
		{"legacy garbage", "application/json", `{"versions":{"x":1}}`, true},
		{"legacy weird versions", "application/json", `{"versions":["../..","v1/x",""]}`, false},
		{"empty", "text/plain", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeAPIServer{groups: fakeCluster(), aggregated: true}
			f.hook = func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/api" {
					return false
				}
				w.Header().Set("Content-Type", tt.ct)
				fmt.Fprint(w, tt.body)
				return true
			}
			_, c := newTestServer(t, f)
			discoveryFor(c).setCacheRoot("")
			_, err := c.APIResources(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("APIResources error = %v, want error %v", err, tt.wantErr)
			}
			_, err = c.LookupKind(context.Background(), "deploy")
			if !tt.wantErr && err != nil {
				t.Fatalf("LookupKind(deploy) = %v", err)
			}
		})
	}
}

func TestDiscoveryServerError(t *testing.T) {
	t.Parallel()
	f := &fakeAPIServer{groups: fakeCluster(), aggregated: true}
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/apis" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"kind":"Status","reason":"Forbidden","message":"no","code":403}`)
			return true
		}
		return false
	}
	_, c := newTestServer(t, f)
	discoveryFor(c).setCacheRoot(t.TempDir())
	_, err := c.LookupKind(context.Background(), "pods")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("got %v, want ErrForbidden", err)
	}
	if _, _, ok := discoveryFor(c).readDisk(); ok {
		t.Fatal("a failed discovery was cached")
	}
}

// resolveFixture returns the fake cluster's discovery as a snapshot.
func resolveFixture(t testing.TB) *discoverySnapshot {
	t.Helper()
	core, _ := json.Marshal(aggregatedJSON(fakeCluster()[:1]))
	groups, _ := json.Marshal(aggregatedJSON(fakeCluster()[1:]))
	cp, err := parseAggregated(core, true)
	if err != nil {
		t.Fatal(err)
	}
	gp, err := parseAggregated(groups, false)
	if err != nil {
		t.Fatal(err)
	}
	return newSnapshot(&discoveryDoc{Core: cp, Groups: gp}, time.Now(), true)
}

func TestResolveNames(t *testing.T) {
	t.Parallel()
	s := resolveFixture(t)
	tests := []struct {
		in   string
		want string // group/version/plural, or "" for unknown
	}{
		{"Pod", "/v1/pods"},
		{"pods", "/v1/pods"},
		{"pod", "/v1/pods"},
		{"po", "/v1/pods"},
		{"PO", "/v1/pods"},
		{" pods ", "/v1/pods"},
		{"pods.", "/v1/pods"},
		{"pods.v1", "/v1/pods"},
		{"pod/v1", "/v1/pods"},
		{"svc.v1.", "/v1/services"},
		{"deploy", "apps/v1/deployments"},
		{"Deployment.apps", "apps/v1/deployments"},
		{"deployments.v1.apps", "apps/v1/deployments"},
		{"deployment.apps/v1", "apps/v1/deployments"},
		{"deployment/v1", "apps/v1/deployments"},
		{"deployments.app", "apps/v1/deployments"},
		{"deploy.a", "apps/v1/deployments"},
		{"deployments.v1.app", ""},
		{"deployment/v2", ""},
		// Core wins over events.k8s.io; a group picks the other.
		{"events", "/v1/events"},
		{"ev", "/v1/events"},
		{"event.events.k8s.io", "events.k8s.io/v1/events"},
		{"ev.events", "events.k8s.io/v1/events"},
		{"events.e", "events.k8s.io/v1/events"},
		// Preferred version first; others on request.
		{"hpa", "autoscaling/v2/horizontalpodautoscalers"},
		{"hpa.v1.autoscaling", "autoscaling/v1/horizontalpodautoscalers"},
		{"hpa/v1", "autoscaling/v1/horizontalpodautoscalers"},
		{"HorizontalPodAutoscaler.autoscaling/v1", "autoscaling/v1/horizontalpodautoscalers"},
		{"hpa.v3.autoscaling", ""},
		// An exact group beats a prefix; priority order among groups.
		{"statefulsets.apps", "apps/v1/statefulsets"},
		{"sts", "apps/v1/statefulsets"},
		{"statefulsets.apps.example.com", "apps.example.com/v1alpha1/statefulsets"},
		{"asts", "apps.example.com/v1alpha1/statefulsets"},
		// Kind differs from singular: kind, plural, singular all work.
		{"Gizmo", "apps.example.com/v1alpha1/gizmos"},
		{"gadget", "apps.example.com/v1alpha1/gizmos"},
		{"gizmos", "apps.example.com/v1alpha1/gizmos"},
		{"gz.apps.example.com", "apps.example.com/v1alpha1/gizmos"},
		{"ClusterRole", "rbac.authorization.k8s.io/v1/clusterroles"},
		{"clusterroles.rbac", "rbac.authorization.k8s.io/v1/clusterroles"},
		{"podmetrics", ""}, // stale
		{"deploymnet", ""},
		{"pod/web", ""},
		{"status", ""},
		{"pods/status", ""},
		{".pods", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			qs, err := parseKindName(tt.in)
			var got string
			if err == nil {
				if r := resolveQueries(s.all, qs); r != nil {
					got = r.Group + "/" + r.Version + "/" + r.Name
				}
			}
			if got != tt.want {
				t.Fatalf("resolve %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnknownKindMessages(t *testing.T) {
	t.Parallel()
	s := resolveFixture(t)
	tests := []struct{ in, want string }{
		{"deploymnet", `unknown kind "deploymnet": did you mean "deployment"?`},
		{"Deploymnet", `unknown kind "Deploymnet": did you mean "deployment"?`},
		{"deployments.appz", `unknown kind "deployments.appz": did you mean "deployments.apps"?`},
		{"pdo", `unknown kind "pdo": did you mean "pod" or "po"?`},
		{"pod/v2", `unknown kind "pod/v2": did you mean "pod/v1"?`},
		{"pod/web", `unknown kind "pod/web": "web" is not an API version; for TYPE/NAME use ParseTypeName (discovery failed for metrics.k8s.io/v1beta1)`},
		{"zzzzzzzzzz", `unknown kind "zzzzzzzzzz": the server has no such resource type; APIResources lists them (discovery failed for metrics.k8s.io/v1beta1)`},
	}
	for _, tt := range tests {
		if _, err := parseKindName(tt.in); err != nil {
			t.Fatal(err)
		}
		err := unknownKindError(tt.in, s)
		if !errors.Is(err, ErrUnknownKind) {
			t.Errorf("%q: %v does not match ErrUnknownKind", tt.in, err)
		}
		// Suggestions may carry the unavailable note; compare the prefix.
		if got := err.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestParseTypeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, kind, name string
		err            bool
	}{
		{"pod/web", "pod", "web", false},
		{"deployment.apps/web", "deployment.apps", "web", false},
		{"Deployment.v1.apps/web-1", "Deployment.v1.apps", "web-1", false},
		{"deployment.apps/v1/web", "deployment.apps/v1", "web", false},
		{"widgets.example.com/a.b", "widgets.example.com", "a.b", false},
		{"pod", "", "", true},
		{"pod/", "", "", true},
		{"/web", "", "", true},
		{"a/b/c/d", "", "", true},
		{"/v1/web", "", "", true},
		{"pod//web", "", "", true},
		{"pod/..", "", "", true},
		{"pod/we b", "", "", true},
		{"po d/web", "", "", true},
		{"pod/web\n", "", "", true},
		{"", "", "", true},
	}
	for _, tt := range tests {
		kind, name, err := ParseTypeName(tt.in)
		if (err != nil) != tt.err || kind != tt.kind || name != tt.name {
			t.Errorf("ParseTypeName(%q) = %q, %q, %v; want %q, %q, error %v", tt.in, kind, name, err, tt.kind, tt.name, tt.err)
		}
	}
}

func TestSafeHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://127.0.0.1:6443":        "127.0.0.1_6443",
		"https://[::1]:6443":            "___1__6443",
		"http://example.com:8080/k8s/a": "example.com_8080_k8s_a",
		"https://..":                    "_",
		"https://a/../../etc":           "a_.._.._etc",
		"https://kube.example.com":      "kube.example.com",
	} {
		if got := safeHost(in); got != want {
			t.Errorf("safeHost(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseTypeName checks that no input panics ParseTypeName or name
// resolution, and that accepted input splits cleanly.
func FuzzParseTypeName(f *testing.F) {
	for _, s := range []string{"pod/web", "deployment.apps/web", "deployment.apps/v1/web", "/", "a//b", "pod/.."} {
		f.Add(s)
	}
	snap := resolveFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		kind, name, err := ParseTypeName(s)
		if err == nil {
			if kind == "" || name == "" || strings.Contains(name, "/") || kind+"/"+name != s {
				t.Fatalf("ParseTypeName(%q) = %q, %q", s, kind, name)
			}
		}
		for _, in := range []string{s, kind} {
			qs, err := parseKindName(in)
			if err != nil {
				if !errors.Is(err, ErrUnknownKind) {
					t.Fatalf("parseKindName(%q) error %v does not wrap ErrUnknownKind", in, err)
				}
				continue
			}
			if resolveQueries(snap.all, qs) == nil {
				_ = unknownKindError(in, snap).Error()
			}
		}
	})
}

// FuzzAggregatedDiscovery checks that a hostile discovery document never
// panics the parser or the resolver.
func FuzzAggregatedDiscovery(f *testing.F) {
	b, _ := json.Marshal(aggregatedJSON(fakeCluster()))
	f.Add(b, "deploy")
	f.Add([]byte(`{"items":[{"metadata":{"name":"a"},"versions":[{"version":"v1","resources":[{"resource":"x","shortNames":["y"]}]}]}]}`), "y.a")
	f.Fuzz(func(t *testing.T, doc []byte, name string) {
		part, err := parseAggregated(doc, false)
		if err != nil {
			return
		}
		s := newSnapshot(&discoveryDoc{Groups: part}, time.Now(), true)
		qs, err := parseKindName(name)
		if err != nil {
			return
		}
		if resolveQueries(s.all, qs) == nil {
			_ = unknownKindError(name, s).Error()
		}
	})
}
