package kr8s_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// resolved is what a name resolves to: "group/version plural Kind
// namespaced|cluster", or "unknown".
type resolved string

func res(gv, plural, kind string, namespaced bool) resolved {
	scope := "cluster"
	if namespaced {
		scope = "namespaced"
	}
	if !strings.Contains(gv, "/") {
		gv = "/" + gv // core: empty group
	}
	return resolved(fmt.Sprintf("%s %s %s %s", gv, plural, kind, scope))
}

const unknown resolved = "unknown"

// TestResolveLiveNames resolves names and forms against the devcluster and,
// where kubectl is on PATH, checks that kubectl resolves each the same way.
func TestResolveLiveNames(t *testing.T) {
	useCacheDir(t)
	ctx := context.Background()
	ns := testcluster.Namespace(t)

	// A CRD with two versions (v1 preferred), a short name and a kind
	// unlike built-ins; and one that clashes with apps' deployments, from a
	// group whose name starts with "apps".
	wg := randomGroup("kr8s-res")
	createCRD(t, crdBody(wg, "widgets", "widget", "Widget", "Namespaced", []string{"wdg"}, "v1", "v1beta1"), wg, "v1", "v1beta1")
	cg := "apps." + randomGroup("kr8s-clash")
	createCRD(t, crdBody(cg, "deployments", "deployment", "Deployment", "Cluster", []string{"deploy"}, "v1alpha1"), cg, "v1alpha1")

	c, _ := liveDiscoveryClient(t)
	pod := res("v1", "pods", "Pod", true)
	deploy := res("apps/v1", "deployments", "Deployment", true)
	hpa2 := res("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true)
	hpa1 := res("autoscaling/v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true)
	widget := res(wg+"/v1", "widgets", "Widget", true)
	widgetBeta := res(wg+"/v1beta1", "widgets", "Widget", true)
	tests := []struct {
		name     string
		want     resolved
		typeName bool // name is TYPE/NAME: resolve the kind part
		kubectl  bool // kubectl accepts the form, so compare with it
	}{
		// core: kind, plural, singular, short names, any case
		{"Pod", pod, false, true},
		{"pods", pod, false, true},
		{"pod", pod, false, true},
		{"po", pod, false, true},
		{"PODS", pod, false, true},
		{"svc", res("v1", "services", "Service", true), false, true},
		{"cm", res("v1", "configmaps", "ConfigMap", true), false, true},
		{"ns", res("v1", "namespaces", "Namespace", false), false, true},
		{"no", res("v1", "nodes", "Node", false), false, true},
		{"pvc", res("v1", "persistentvolumeclaims", "PersistentVolumeClaim", true), false, true},
		{"sa", res("v1", "serviceaccounts", "ServiceAccount", true), false, true},
		{"ep", res("v1", "endpoints", "Endpoints", true), false, true},
		{"cs", res("v1", "componentstatuses", "ComponentStatus", false), false, true},
		{"bindings", res("v1", "bindings", "Binding", true), false, true},
		{"pods.", pod, false, true},
		{"svc.v1.", res("v1", "services", "Service", true), false, true},
		{"pods.v1", pod, false, false},
		{"pod/v1", pod, false, false},
		// apps
		{"deploy", deploy, false, true},
		{"Deployment", deploy, false, true},
		{"deployments", deploy, false, true},
		{"deployment.apps", deploy, false, true},
		{"Deployment.apps", deploy, false, true},
		{"deployments.apps", deploy, false, true},
		{"deployments.v1.apps", deploy, false, true},
		{"Deployment.v1.apps", deploy, false, true},
		{"deploy.apps", deploy, false, true},
		{"deployments.app", deploy, false, true},
		{"deployment.apps/v1", deploy, false, false},
		{"sts", res("apps/v1", "statefulsets", "StatefulSet", true), false, true},
		{"ds", res("apps/v1", "daemonsets", "DaemonSet", true), false, true},
		{"rs", res("apps/v1", "replicasets", "ReplicaSet", true), false, true},
		{"controllerrevisions", res("apps/v1", "controllerrevisions", "ControllerRevision", true), false, true},
		// batch
		{"cj", res("batch/v1", "cronjobs", "CronJob", true), false, true},
		{"jobs", res("batch/v1", "jobs", "Job", true), false, true},
		{"job.batch", res("batch/v1", "jobs", "Job", true), false, true},
		// rbac
		{"ClusterRole", res("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false), false, true},
		{"clusterroles.rbac", res("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false), false, true},
		{"rolebindings.rbac.authorization.k8s.io", res("rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true), false, true},
		{"role", res("rbac.authorization.k8s.io/v1", "roles", "Role", true), false, true},
		// networking
		{"ing", res("networking.k8s.io/v1", "ingresses", "Ingress", true), false, true},
		{"netpol", res("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true), false, true},
		{"networkpolicies.networking", res("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true), false, true},
		{"ingressclasses", res("networking.k8s.io/v1", "ingressclasses", "IngressClass", false), false, true},
		// versions: preferred first, others on request
		{"hpa", hpa2, false, true},
		// kubectl drops the version when it expands a short name (its
		// shortcut expander returns only group and resource), so it gives
		// v2 here and for hpa.v3.autoscaling; kr8s honours the version.
		{"hpa.v1.autoscaling", hpa1, false, false},
		{"horizontalpodautoscalers.v2.autoscaling", hpa2, false, true},
		{"HorizontalPodAutoscaler.v1.autoscaling", hpa1, false, true},
		{"hpa/v1", hpa1, false, false},
		{"hpa.autoscaling/v1", hpa1, false, false},
		// ambiguous names: core beats events.k8s.io; a group picks it
		{"events", res("v1", "events", "Event", true), false, true},
		{"ev", res("v1", "events", "Event", true), false, true},
		{"event.events.k8s.io", res("events.k8s.io/v1", "events", "Event", true), false, true},
		{"ev.events", res("events.k8s.io/v1", "events", "Event", true), false, true},
		// other groups
		{"crd", res("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false), false, true},
		{"crds", res("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false), false, true},
		{"sc", res("storage.k8s.io/v1", "storageclasses", "StorageClass", false), false, true},
		{"storageclass.storage", res("storage.k8s.io/v1", "storageclasses", "StorageClass", false), false, true},
		{"leases", res("coordination.k8s.io/v1", "leases", "Lease", true), false, true},
		{"EndpointSlice", res("discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true), false, true},
		{"csr", res("certificates.k8s.io/v1", "certificatesigningrequests", "CertificateSigningRequest", false), false, true},
		{"pdb", res("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true), false, true},
		// CRDs
		{"widgets", widget, false, true},
		{"widget", widget, false, true},
		{"Widget", widget, false, true},
		{"wdg", widget, false, true},
		{"widgets." + wg, widget, false, true},
		{"widgets.v1beta1." + wg, widgetBeta, false, true},
		{"Widget." + wg + "/v1beta1", widgetBeta, false, false},
		// a CRD clashing with built-ins: built-ins win; its group picks it
		{"deployments." + cg, res(cg+"/v1alpha1", "deployments", "Deployment", false), false, true},
		{"deploy." + cg, res(cg+"/v1alpha1", "deployments", "Deployment", false), false, true},
		// TYPE/NAME
		{"pod/web", pod, true, true},
		{"deployment.apps/web", deploy, true, true},
		{"deploy/web", deploy, true, true},
		{"wdg/thing", widget, true, true},
		// unknown
		{"deploymnet", unknown, false, true},
		{"nosuchkind", unknown, false, true},
		{"pods.v1.apps", unknown, false, true},
		{"deployments.v1.app", unknown, false, true},
		{"hpa.v3.autoscaling", unknown, false, false},
		{"horizontalpodautoscalers.v3.autoscaling", unknown, false, true},
		{"scale", unknown, false, true},
		{"widgets.v2." + wg, unknown, false, true},
	}

	var kubectlGot map[string]resolved
	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		var names []string
		for _, tt := range tests {
			if tt.kubectl {
				names = append(names, tt.name)
			}
		}
		kubectlGot = kubectlResolveAll(t, kubectl, testcluster.Kubeconfig(t), t.TempDir(), ns, names)
		t.Logf("comparing %d of %d names with kubectl", len(names), len(tests))
	} else {
		t.Log("kubectl not on PATH: not comparing with kubectl")
	}

	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, "/", "_"), func(t *testing.T) {
			kindName := tt.name
			if tt.typeName {
				k, name, err := kr8s.ParseTypeName(tt.name)
				if err != nil || name == "" {
					t.Fatalf("ParseTypeName(%q) = %q, %q, %v", tt.name, k, name, err)
				}
				kindName = k
			}
			got := unknown
			k, err := c.LookupKind(ctx, kindName)
			switch {
			case err == nil:
				got = res(k.GroupVersion(), k.Plural, k.Kind.Kind, k.Namespaced)
			case !errors.Is(err, kr8s.ErrUnknownKind):
				t.Fatalf("LookupKind(%q): %v", kindName, err)
			}
			if got != tt.want {
				t.Fatalf("LookupKind(%q) = %s (err %v), want %s", kindName, got, err, tt.want)
			}
			if kubectlGot == nil || !tt.kubectl {
				return
			}
			// kubectl's URL shows group, version, plural and scope, not
			// the kind.
			if kg, ours := kubectlGot[tt.name], stripKind(got); kg != ours {
				t.Fatalf("kubectl resolves %q to %s, kr8s to %s", tt.name, kg, ours)
			}
		})
	}
}

func TestResolveLiveUnknownSuggests(t *testing.T) {
	useCacheDir(t)
	c, _ := liveDiscoveryClient(t)
	_, err := c.LookupKind(context.Background(), "deploymnet")
	if !errors.Is(err, kr8s.ErrUnknownKind) {
		t.Fatalf("got %v, want ErrUnknownKind", err)
	}
	if want := `unknown kind "deploymnet": did you mean "deployment"?`; err.Error() != want {
		t.Fatalf("got  %q\nwant %q", err, want)
	}
}

func stripKind(r resolved) resolved {
	f := strings.Fields(string(r))
	if len(f) != 4 {
		return r
	}
	return resolved(f[0] + " " + f[1] + " " + f[3])
}

// kubectlRequest matches the request kubectl -v=6 logs for `get NAME`:
// GET https://host/api/v1[/namespaces/NS]/PLURAL[/NAME]?... or
// /apis/GROUP/VERSION/...
var kubectlRequest = regexp.MustCompile(`GET https?://[^/\s]+(?:/api/(v1)|/apis/([^/\s]+)/([^/\s]+))(/namespaces/[^/\s?]+)?/([a-z0-9.-]+)(?:/[^\s?]*)?(?:\?|\s)`)

// kubectlResolveAll asks kubectl how it resolves each name, concurrently:
// `kubectl get NAME -n NS -v=6` logs the URL it requests.
func kubectlResolveAll(t *testing.T, kubectl, kubeconfig, cacheDir, ns string, names []string) map[string]resolved {
	t.Helper()
	// Warm kubectl's own discovery cache once, so that the parallel runs
	// do not race to write it.
	if out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "api-resources").CombinedOutput(); err != nil {
		t.Fatalf("kubectl api-resources: %v\n%s", err, out)
	}
	out := make(map[string]resolved, len(names))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := kubectlResolve(kubectl, kubeconfig, cacheDir, ns, name)
			mu.Lock()
			out[name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

func kubectlResolve(kubectl, kubeconfig, cacheDir, ns, name string) resolved {
	cmd := exec.Command(kubectl, "--kubeconfig", kubeconfig, "--cache-dir", cacheDir,
		"get", name, "-n", ns, "--ignore-not-found", "-o", "name", "-v=6", "--request-timeout=30s")
	b, _ := cmd.CombinedOutput()
	m := kubectlRequest.FindStringSubmatch(string(b))
	if m == nil {
		if strings.Contains(string(b), "doesn't have a resource type") {
			return unknown
		}
		return resolved("kubectl said: " + string(b))
	}
	gv := m[1]
	if gv == "" {
		gv = m[2] + "/" + m[3]
	}
	scope := "cluster"
	if m[4] != "" {
		scope = "namespaced"
	}
	if !strings.Contains(gv, "/") {
		gv = "/" + gv
	}
	return resolved(gv + " " + m[5] + " " + scope)
}

// ParseTypeName splits kubectl's TYPE/NAME arguments.
func ExampleParseTypeName() {
	kind, name, err := kr8s.ParseTypeName("deployment.apps/web")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(kind, name)
	// Output: deployment.apps web
}

// LookupKind resolves any name kubectl accepts (and kr8s's kind/version
// forms) to the Kind to call.
func ExampleClient_LookupKind() {
	ctx := context.Background()
	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	kind, err := api.LookupKind(ctx, "deploy")
	if err != nil {
		log.Fatal(err) // errors.Is(err, kr8s.ErrUnknownKind) for unknown names
	}
	fmt.Println(kind.GroupVersion(), kind.Plural, kind.Namespaced)
}
