package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/kr8s-go/kr8s"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// modeArgs are the flags of the create, watch and cli scenarios. The
// parent passes its own values on to the children.
type modeArgs struct {
	objects int    // create: ConfigMaps to create; watch: ConfigMaps written to
	workers int    // create: concurrent creates
	events  int    // watch: writes made, events awaited
	bin     string // cli: the command to run
	cache   string // cli: "cold" or "warm" discovery cache
}

// modeChildren are the child modes that do not use the list/get/hold
// contender interface. Each returns the complete result, HWM included.
var modeChildren = map[string]func(ctx context.Context, a childArgs, x modeArgs, name string) (result, error){
	"create": createChild,
	"watch":  watchChild,
	"cli":    cliChild,
}

// runAnyChild runs a child of any mode and prints its result as JSON.
func runAnyChild(a childArgs, x modeArgs) error {
	scenario, name, _ := strings.Cut(a.mode, "/")
	f := modeChildren[scenario]
	if f == nil {
		return runChild(a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if a.cpuprofile != "" { // the whole child, set-up included
		out, err := os.Create(a.cpuprofile)
		if err != nil {
			return err
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := f(ctx, a, x, name)
	if err != nil {
		return err
	}
	res.Mode = a.mode
	return json.NewEncoder(os.Stdout).Encode(res)
}

// The ConfigMaps written by the create and watch scenarios carry this
// label, so that they can be deleted together.
const (
	benchLabel    = "app.kubernetes.io/managed-by"
	benchLabelVal = "kr8s-bench"
)

var configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// creator is a contender of the create scenario.
type creator interface {
	// create creates the ConfigMap of configMap(i) under name.
	create(ctx context.Context, name string, i int) error
}

// watcher is a contender of the watch scenario.
type watcher interface {
	// watchSeqs watches the namespace's ConfigMaps from resource version
	// rv and passes each added or modified object's data.seq to seen
	// until seen returns false.
	watchSeqs(ctx context.Context, rv string, seen func(seq string) bool) error
}

// contenderAs builds contender name as a T, a creator or a watcher;
// "typed5" is client-go typed with its default client-side limiter
// (5 QPS, burst 10).
func contenderAs[T any](name string, a childArgs) (T, error) {
	var c any
	var err error
	if name == "typed5" {
		c, err = limitedTyped(a)
	} else {
		c, err = newContender(name, a)
	}
	t, ok := c.(T)
	if err == nil && !ok {
		err = fmt.Errorf("contender %s has no part in this scenario", name)
	}
	return t, err
}

func limitedTyped(a childArgs) (*typedC, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", a.kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &typedC{cs: cs, ns: a.namespace}, nil
}

// configMap is the i-th ConfigMap a scenario writes: labels and a few
// keys of configuration, about 600 bytes of data.
func configMap(i int) (labels, data map[string]string) {
	labels = map[string]string{
		benchLabel:               benchLabelVal,
		"app.kubernetes.io/name": "bench-config",
		"shard":                  fmt.Sprint(i % 16),
	}
	data = map[string]string{
		"seq":         "init",
		"index":       fmt.Sprint(i),
		"log-level":   "info",
		"config.yaml": fmt.Sprintf("server:\n  port: %d\n  timeout: 30s\n  replicas: 3\nfeatures:\n  alpha: false\n  beta: true\n", 8000+i%1000) + strings.Repeat("# padding to a realistic size\n", 16),
	}
	return labels, data
}

// configMapObject is configMap as an unstructured object.
func configMapObject(ns, name string, i int) map[string]any {
	labels, data := configMap(i)
	anyMap := func(m map[string]string) map[string]any {
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   map[string]any{"name": name, "namespace": ns, "labels": anyMap(labels)},
		"data":       anyMap(data),
	}
}

// setupClient is the kr8s client a child uses for what it does not
// measure: deleting and creating ConfigMaps before the measurement, and
// the watch scenario's writer. It has a connection of its own.
func setupClient(a childArgs) (*kr8s.Client, error) {
	return kr8s.NewClient(kr8s.WithKubeconfig(a.kubeconfig), kr8s.WithTimeout(5*time.Minute))
}

// deleteConfigMaps deletes the ConfigMaps of ns that the bench wrote, in
// one request.
func deleteConfigMaps(ctx context.Context, api *kr8s.Client, ns string) error {
	resp, err := api.Call(ctx, http.MethodDelete, kr8s.Request{
		Namespace: ns,
		URL:       "configmaps",
		Query:     url.Values{"labelSelector": {benchLabel + "=" + benchLabelVal}},
	})
	if err != nil {
		return fmt.Errorf("delete the ConfigMaps of %s: %w", ns, err)
	}
	return resp.Body.Close()
}

// ensureConfigMaps creates the ConfigMaps names[i] that are missing.
func ensureConfigMaps(ctx context.Context, api *kr8s.Client, ns string, names []string) error {
	for i, name := range names {
		cm, err := kr8s.NewConfigMap(configMapObject(ns, name, i), kr8s.WithAPI(api))
		if err == nil {
			err = cm.Create(ctx, nil)
		}
		if err != nil && !errors.Is(err, kr8s.ErrAlreadyExists) {
			return err
		}
	}
	return nil
}

// listVersion returns the resource version of the namespace's ConfigMap
// list: a watch from it sees every later change.
func listVersion(ctx context.Context, api *kr8s.Client, ns string) (string, error) {
	resp, err := api.Call(ctx, http.MethodGet, kr8s.Request{Namespace: ns, URL: "configmaps", Query: url.Values{"limit": {"1"}}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var l struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
		return "", err
	}
	if l.Metadata.ResourceVersion == "" {
		return "", errors.New("the ConfigMap list has no resourceVersion")
	}
	return l.Metadata.ResourceVersion, nil
}

// ensureNamespace creates namespace ns unless it exists.
func ensureNamespace(ctx context.Context, api *kr8s.Client, ns string) error {
	_, err := kr8s.Namespaces.Get(ctx, ns, &kr8s.GetOptions{API: api})
	if !errors.Is(err, kr8s.ErrNotFound) {
		return err
	}
	nso, err := kr8s.NewNamespace(map[string]any{"metadata": map[string]any{"name": ns}}, kr8s.WithAPI(api))
	if err != nil {
		return err
	}
	return nso.Create(ctx, nil)
}

// percentiles returns the p50 and p99 of durations in nanoseconds.
func percentiles(ns []int64) (p50, p99 int64) {
	if len(ns) == 0 {
		return 0, 0
	}
	s := slices.Clone(ns)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)*99/100]
}

// runInNamespace runs the children of t in namespace ns, which it creates
// if need be, and deletes the ConfigMaps the children wrote afterwards.
func (r *report) runInNamespace(ctx context.Context, api *kr8s.Client, ns, scenario string, t *table, check func(*series, result) error) error {
	if err := ensureNamespace(ctx, api, ns); err != nil {
		return err
	}
	t.args = append([]string{"-namespace", ns}, t.args...)
	err := r.runTables(ctx, scenario, []*table{t}, check)
	if cerr := deleteConfigMaps(ctx, api, ns); err == nil {
		err = cerr
	}
	return err
}
