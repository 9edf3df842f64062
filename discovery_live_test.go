package kr8s_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// requestCounter is a slog handler that counts the client's requests
// (WithLogger logs one debug record per request).
type requestCounter struct {
	mu    sync.Mutex
	paths []string
}

func (c *requestCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *requestCounter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *requestCounter) WithGroup(string) slog.Handler            { return c }
func (c *requestCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "kr8s request" {
		return nil
	}
	path := "?"
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "path" {
			path = a.Value.String()
		}
		return true
	})
	c.mu.Lock()
	c.paths = append(c.paths, path)
	c.mu.Unlock()
	return nil
}

// since returns the requests made after the first n.
func (c *requestCounter) since(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.paths[n:])
}

func (c *requestCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.paths)
}

// liveDiscoveryClient returns a client of the test cluster that counts its
// requests. Its disk cache is the test's KR8S_CACHE_DIR.
func liveDiscoveryClient(t *testing.T) (*kr8s.Client, *requestCounter) {
	t.Helper()
	rc := &requestCounter{}
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithLogger(slog.New(rc)))
	if err != nil {
		t.Fatal(err)
	}
	return c, rc
}

// useCacheDir points the disk cache at a fresh directory for this test.
func useCacheDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(kr8s.EnvCacheDir, dir)
	return dir
}

func TestDiscoveryLiveRequestCounts(t *testing.T) {
	dir := useCacheDir(t)
	ctx := context.Background()
	c, rc := liveDiscoveryClient(t)

	res, err := c.APIResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := rc.since(0); len(got) > 2 {
		t.Fatalf("cold discovery took %d requests, want at most 2: %v", len(got), got)
	}
	t.Logf("cold discovery: %d requests, %d resources", rc.count(), len(res))
	n := rc.count()
	for _, name := range []string{"pods", "deploy", "Deployment.apps", "hpa.v1.autoscaling", "crd"} {
		if _, err := c.LookupKind(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rc.since(n); len(got) != 0 {
		t.Fatalf("warm discovery made requests: %v", got)
	}

	// A new client (a new process, say) reads the disk cache.
	c2, rc2 := liveDiscoveryClient(t)
	if _, err := c2.LookupKind(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	if got := rc2.since(0); len(got) != 0 {
		t.Fatalf("a fresh client with a warm disk cache made requests: %v", got)
	}

	// The cache is private and under KR8S_CACHE_DIR/discovery/<host_port>.
	files, _ := filepath.Glob(filepath.Join(dir, "discovery", "*", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file %s: %v, mode %v", files[0], err, fi.Mode())
	}

	// RefreshDiscovery goes back to the server.
	n = rc.count()
	if err := c.RefreshDiscovery(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rc.since(n); len(got) != 2 {
		t.Fatalf("refresh made %d requests, want 2: %v", len(got), got)
	}
}

// TestDiscoveryLiveMatchesKubectl compares APIResources with `kubectl
// api-resources -o wide`: names, short names, group versions, scope,
// kinds, verbs and categories.
func TestDiscoveryLiveMatchesKubectl(t *testing.T) {
	kubectl := kubectlPath(t)
	useCacheDir(t)
	ctx := context.Background()
	c, _ := liveDiscoveryClient(t)
	kc := testcluster.Kubeconfig(t)
	// Other tests may add or remove CRDs meanwhile: retry until both views
	// agree, with a deadline.
	var diff string
	var agreed int
	t.Cleanup(func() {
		if t.Failed() && diff != "" {
			t.Logf("last difference (- ours, + kubectl):\n%s", diff)
		}
	})
	testcluster.Eventually(t, 30*time.Second, "APIResources to equal kubectl api-resources", func(context.Context) (bool, error) {
		if err := c.RefreshDiscovery(ctx); err != nil {
			return false, err
		}
		res, err := c.APIResources(ctx)
		if err != nil {
			return false, err
		}
		ours := apiResourcesTable(res)
		theirs, err := kubectlAPIResources(kubectl, kc, t.TempDir())
		if err != nil {
			return false, err
		}
		diff, agreed = diffLines(ours, theirs), len(ours)
		return diff == "", nil
	})
	t.Logf("%d resources agree with kubectl api-resources", agreed)
}

// apiResourcesTable renders what kubectl api-resources shows: the first
// entry of each group and name, in APIResources order.
func apiResourcesTable(res []kr8s.APIResource) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range res {
		key := r.Group + "/" + r.Name
		if seen[key] {
			continue
		}
		seen[key] = true
		verbs := slices.Clone(r.Verbs)
		sort.Strings(verbs)
		out = append(out, strings.Join([]string{r.Name, strings.Join(r.ShortNames, ","), r.GroupVersion(),
			fmt.Sprint(r.Namespaced), r.Kind, strings.Join(verbs, ","), strings.Join(r.Categories, ",")}, " | "))
	}
	sort.Strings(out)
	return out
}

// kubectlAPIResources parses `kubectl api-resources -o wide` by the
// header's column offsets, since empty cells leave no token.
func kubectlAPIResources(kubectl, kubeconfig, cacheDir string) ([]string, error) {
	out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "api-resources", "-o", "wide").Output()
	if err != nil {
		return nil, fmt.Errorf("kubectl api-resources: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	if !sc.Scan() {
		return nil, errors.New("kubectl api-resources printed nothing")
	}
	header := sc.Text()
	cols := []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"}
	var offs []int
	for _, col := range cols {
		i := strings.Index(header, col)
		if i < 0 {
			return nil, fmt.Errorf("no %s column in %q", col, header)
		}
		offs = append(offs, i)
	}
	var rows []string
	for sc.Scan() {
		line := sc.Text()
		cells := make([]string, len(cols))
		for i, off := range offs {
			end := len(line)
			if i+1 < len(offs) {
				end = min(offs[i+1], len(line))
			}
			if off < len(line) {
				cells[i] = strings.TrimSpace(line[off:end])
			}
		}
		verbs := strings.Split(cells[5], ",")
		sort.Strings(verbs)
		cells[5] = strings.Join(verbs, ",")
		rows = append(rows, strings.Join(cells, " | "))
	}
	sort.Strings(rows)
	return rows, nil
}

func diffLines(a, b []string) string {
	var sb strings.Builder
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, s := range a {
		inA[s] = true
	}
	for _, s := range b {
		inB[s] = true
	}
	for _, s := range a {
		if !inB[s] {
			sb.WriteString("- " + s + "\n")
		}
	}
	for _, s := range b {
		if !inA[s] {
			sb.WriteString("+ " + s + "\n")
		}
	}
	return sb.String()
}

func TestDiscoveryLiveCRDFoundAfterOneRefresh(t *testing.T) {
	useCacheDir(t)
	ctx := context.Background()
	c, rc := liveDiscoveryClient(t)
	if _, err := c.APIResources(ctx); err != nil {
		t.Fatal(err)
	}
	group := randomGroup("kr8s-disc")
	createCRD(t, crdBody(group, "gadgets", "gadget", "Gadget", "Namespaced", []string{"gdg"}, "v1"), group, "v1")

	n := rc.count()
	k, err := c.LookupKind(ctx, "gdg")
	if err != nil {
		t.Fatal(err)
	}
	if got := rc.since(n); len(got) != 2 {
		t.Fatalf("finding a new CRD took %d requests, want one refresh (2): %v", len(got), got)
	}
	if k.Group != group || k.Version != "v1" || k.Kind.Kind != "Gadget" || k.Plural != "gadgets" || !k.Namespaced {
		t.Fatalf("LookupKind(gdg) = %+v", k)
	}
	// The refresh reached the disk: a new client needs no request.
	c2, rc2 := liveDiscoveryClient(t)
	if _, err := c2.LookupKind(ctx, "gadgets."+group); err != nil {
		t.Fatal(err)
	}
	if got := rc2.since(0); len(got) != 0 {
		t.Fatalf("fresh client made requests: %v", got)
	}
	// An unknown name refreshes once, then fails with a suggestion.
	n = rc.count()
	_, err = c.LookupKind(ctx, "gadgest")
	if !errors.Is(err, kr8s.ErrUnknownKind) || !strings.Contains(err.Error(), `"gadgets"`) {
		t.Fatalf("LookupKind(gadgest) = %v", err)
	}
	if got := rc.since(n); len(got) != 2 {
		t.Fatalf("a miss made %d requests, want 2: %v", len(got), got)
	}
}

// randomGroup returns a fresh API group name under example.com.
func randomGroup(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b) + ".example.com"
}

// crdBody is a CRD with the given names; the first version is the storage
// version, and every version is served.
func crdBody(group, plural, singular, kind, scope string, short []string, versions ...string) []byte {
	var vs []map[string]any
	for i, v := range versions {
		vs = append(vs, map[string]any{
			"name": v, "served": true, "storage": i == 0,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		})
	}
	b, _ := json.Marshal(map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   map[string]any{"name": plural + "." + group},
		"spec": map[string]any{
			"group": group, "scope": scope, "versions": vs,
			"names": map[string]any{"plural": plural, "singular": singular, "kind": kind, "shortNames": short, "categories": []string{"kr8s-test"}},
		},
	})
	return b
}

// createCRD creates a CRD with the admin client, deletes it when the test
// ends, and waits until it is Established and aggregated discovery lists
// every given version of its group.
func createCRD(t *testing.T, body []byte, group string, versions ...string) {
	t.Helper()
	var meta struct {
		Metadata struct{ Name string }
	}
	_ = json.Unmarshal(body, &meta)
	name := meta.Metadata.Name
	admin := testcluster.Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := admin.Do(ctx, http.MethodPost, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.Do(ctx, http.MethodDelete, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+name, nil, nil); err != nil {
			t.Logf("delete CRD %s: %v", name, err)
		}
	})
	testcluster.Eventually(t, 90*time.Second, "CRD "+name+" established and discoverable", func(context.Context) (bool, error) {
		var out []byte
		if err := admin.Do(ctx, http.MethodGet, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+name, nil, &out); err != nil {
			return false, err
		}
		var crd struct {
			Status struct {
				Conditions []struct{ Type, Status string }
			}
		}
		if err := json.Unmarshal(out, &crd); err != nil {
			return false, err
		}
		established := false
		for _, c := range crd.Status.Conditions {
			established = established || (c.Type == "Established" && c.Status == "True")
		}
		if !established {
			return false, nil
		}
		return aggregatedDiscoveryHas(ctx, admin, group, versions)
	})
}

// aggregatedDiscoveryHas reports whether the server's aggregated /apis
// lists group with all versions, so that tests do not race the API
// server's discovery controller.
func aggregatedDiscoveryHas(ctx context.Context, admin *testcluster.AdminClient, group string, versions []string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, admin.Server+"/apis", nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	resp, err := admin.HTTP.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, err
	}
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Versions []struct{ Version string }
		}
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return false, err
	}
	for _, g := range list.Items {
		if g.Metadata.Name != group {
			continue
		}
		have := map[string]bool{}
		for _, v := range g.Versions {
			have[v.Version] = true
		}
		for _, v := range versions {
			if !have[v] {
				return false, nil
			}
		}
		return true, nil
	}
	return false, nil
}

// kubectlPath returns kubectl, or skips the test without it.
func kubectlPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not on PATH")
	}
	return p
}
