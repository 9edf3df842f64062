package kr8s_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// kindsClient returns a client of the test cluster whose namespace is a
// fresh one of the test's, with its own discovery cache directory.
func kindsClient(t *testing.T) (*kr8s.Client, string) {
	t.Helper()
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	return c, ns
}

// kindsCleanupDelete deletes a cluster-scoped object when the test ends, with the
// test cluster's admin client (not the code under test).
func kindsCleanupDelete(t *testing.T, path string) {
	t.Helper()
	a := testcluster.Admin(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.Do(ctx, "DELETE", path, nil, nil); err != nil {
			t.Logf("delete %s: %v", path, err)
		}
	})
}

// kindsEmbedded returns the *kr8s.Object inside a typed object such as *Pod.
func kindsEmbedded(x any) *kr8s.Object {
	return reflect.ValueOf(x).Elem().Field(0).Interface().(*kr8s.Object)
}

// TestKinds checks every typed kind against the server's discovery: group,
// version, plural and scope, that the version is the group's preferred
// one, that the kind's URL lists, that its constructor sets apiVersion and
// kind, and that a manifest of that kind gets the typed kind.
func TestKinds(t *testing.T) {
	t.Setenv(kr8s.EnvCacheDir, t.TempDir())
	ctx := context.Background()
	c, _ := kindsClient(t)
	all, err := c.APIResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		kind *kr8s.Kind
		new  func() (any, error)
	}{
		{&kr8s.Bindings.Kind, func() (any, error) { return kr8s.NewBinding(nil) }},
		{&kr8s.ComponentStatuses.Kind, func() (any, error) { return kr8s.NewComponentStatus(nil) }},
		{&kr8s.ConfigMaps.Kind, func() (any, error) { return kr8s.NewConfigMap(nil) }},
		{&kr8s.EndpointsKind.Kind, func() (any, error) { return kr8s.NewEndpoints(nil) }},
		{&kr8s.Events.Kind, func() (any, error) { return kr8s.NewCoreEvent(nil) }},
		{&kr8s.LimitRanges.Kind, func() (any, error) { return kr8s.NewLimitRange(nil) }},
		{&kr8s.Namespaces.Kind, func() (any, error) { return kr8s.NewNamespace(nil) }},
		{&kr8s.Nodes.Kind, func() (any, error) { return kr8s.NewNode(nil) }},
		{&kr8s.PersistentVolumes.Kind, func() (any, error) { return kr8s.NewPersistentVolume(nil) }},
		{&kr8s.PersistentVolumeClaims.Kind, func() (any, error) { return kr8s.NewPersistentVolumeClaim(nil) }},
		{&kr8s.Pods.Kind, func() (any, error) { return kr8s.NewPod(nil) }},
		{&kr8s.PodTemplates.Kind, func() (any, error) { return kr8s.NewPodTemplate(nil) }},
		{&kr8s.ReplicationControllers.Kind, func() (any, error) { return kr8s.NewReplicationController(nil) }},
		{&kr8s.ResourceQuotas.Kind, func() (any, error) { return kr8s.NewResourceQuota(nil) }},
		{&kr8s.Secrets.Kind, func() (any, error) { return kr8s.NewSecret(nil) }},
		{&kr8s.ServiceAccounts.Kind, func() (any, error) { return kr8s.NewServiceAccount(nil) }},
		{&kr8s.Services.Kind, func() (any, error) { return kr8s.NewService(nil) }},
		{&kr8s.ControllerRevisions.Kind, func() (any, error) { return kr8s.NewControllerRevision(nil) }},
		{&kr8s.DaemonSets.Kind, func() (any, error) { return kr8s.NewDaemonSet(nil) }},
		{&kr8s.Deployments.Kind, func() (any, error) { return kr8s.NewDeployment(nil) }},
		{&kr8s.ReplicaSets.Kind, func() (any, error) { return kr8s.NewReplicaSet(nil) }},
		{&kr8s.StatefulSets.Kind, func() (any, error) { return kr8s.NewStatefulSet(nil) }},
		{&kr8s.HorizontalPodAutoscalers.Kind, func() (any, error) { return kr8s.NewHorizontalPodAutoscaler(nil) }},
		{&kr8s.CronJobs.Kind, func() (any, error) { return kr8s.NewCronJob(nil) }},
		{&kr8s.Jobs.Kind, func() (any, error) { return kr8s.NewJob(nil) }},
		{&kr8s.IngressClasses.Kind, func() (any, error) { return kr8s.NewIngressClass(nil) }},
		{&kr8s.Ingresses.Kind, func() (any, error) { return kr8s.NewIngress(nil) }},
		{&kr8s.NetworkPolicies.Kind, func() (any, error) { return kr8s.NewNetworkPolicy(nil) }},
		{&kr8s.IPAddresses.Kind, func() (any, error) { return kr8s.NewIPAddress(nil) }},
		{&kr8s.ServiceCIDRs.Kind, func() (any, error) { return kr8s.NewServiceCIDR(nil) }},
		{&kr8s.PodDisruptionBudgets.Kind, func() (any, error) { return kr8s.NewPodDisruptionBudget(nil) }},
		{&kr8s.ClusterRoleBindings.Kind, func() (any, error) { return kr8s.NewClusterRoleBinding(nil) }},
		{&kr8s.ClusterRoles.Kind, func() (any, error) { return kr8s.NewClusterRole(nil) }},
		{&kr8s.RoleBindings.Kind, func() (any, error) { return kr8s.NewRoleBinding(nil) }},
		{&kr8s.Roles.Kind, func() (any, error) { return kr8s.NewRole(nil) }},
		{&kr8s.CustomResourceDefinitions.Kind, func() (any, error) { return kr8s.NewCustomResourceDefinition(nil) }},
	}
	// The resource kinds of kr8s's classes; the other class, Table, is
	// not a resource.
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.kind.Kind] = true
	}
	if len(seen) != 36 || len(tests) != 36 {
		t.Fatalf("%d kinds (%d distinct); want kr8s's 36 resource kinds", len(tests), len(seen))
	}
	for _, tt := range tests {
		k := tt.kind
		t.Run(k.Kind, func(t *testing.T) {
			var r *kr8s.APIResource
			for i := range all {
				if all[i].Group == k.Group && all[i].Kind == k.Kind && all[i].Preferred {
					r = &all[i]
					break
				}
			}
			if r == nil {
				t.Fatalf("the server has no preferred version of %s in group %q", k.Kind, k.Group)
			}
			got := fmt.Sprintf("%s %s namespaced=%v", k.GroupVersion(), k.Plural, k.Namespaced)
			want := fmt.Sprintf("%s %s namespaced=%v", r.GroupVersion(), r.Name, r.Namespaced)
			if got != want {
				t.Errorf("kind %s is %q; discovery says %q", k.Kind, got, want)
			}

			x, err := tt.new()
			if err != nil {
				t.Fatal(err)
			}
			obj := kindsEmbedded(x)
			if obj.Kind() != k || obj.Raw()["apiVersion"] != k.GroupVersion() || obj.Raw()["kind"] != k.Kind {
				t.Errorf("constructor gave kind %v, apiVersion %v, kind field %v", obj.Kind(), obj.Raw()["apiVersion"], obj.Raw()["kind"])
			}

			doc := fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: x\n", k.GroupVersion(), k.Kind)
			objs, err := kr8s.LoadObjects([]byte(doc), kr8s.WithAPI(c))
			if err != nil {
				t.Fatal(err)
			}
			if objs[0].Kind() != k {
				t.Errorf("LoadObjects gave kind %+v, want the typed kind %+v", objs[0].Kind(), k)
			}

			if slices.Contains(r.Verbs, "list") {
				if _, err := kr8s.NewKind(*k).ListAll(ctx, &kr8s.ListOptions{API: c, Limit: 1}); err != nil {
					t.Errorf("list %s: %v", k.Plural, err)
				}
			}
		})
	}
}

func TestPodGenTolerateReady(t *testing.T) {
	ctx := context.Background()
	c, ns := kindsClient(t)
	pod, err := kr8s.GenPod("web", "nginx:1.27", &kr8s.GenPodOptions{
		Labels:  map[string]string{"app": "web"},
		Command: []string{"nginx", "-g", "daemon off;"},
		Env:     map[string]string{"B": "2", "A": "1"},
		Ports:   []int{80, 443},
		Tolerations: []kr8s.Toleration{
			{Key: "dedicated", Operator: "Equal", Value: "web", Effect: "NoSchedule"},
		},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := pod.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// kr8s's tolerate patches the pod on the server.
	five := int64(5)
	if err := pod.Tolerate(ctx, kr8s.Toleration{Key: "gpu", Operator: "Exists"}); err != nil {
		t.Fatal(err)
	}
	if err := pod.Tolerate(ctx, kr8s.Toleration{Key: "flaky", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: &five}); err != nil {
		t.Fatal(err)
	}
	if tols := pod.Tolerations(); len(tols) < 3 || tols[len(tols)-1].TolerationSeconds == nil || *tols[len(tols)-1].TolerationSeconds != 5 {
		t.Errorf("the pod did not take the server's answer: tolerations %+v", tols)
	}

	var got *kr8s.Pod
	testcluster.Eventually(t, 30*time.Second, "pod web Ready", func(ctx context.Context) (bool, error) {
		got, err = kr8s.Pods.Get(ctx, "web", &kr8s.GetOptions{API: c})
		if err != nil {
			return false, err
		}
		return got.Ready(ctx)
	})
	if got.Namespace() != ns {
		t.Errorf("namespace %q, want %q", got.Namespace(), ns)
	}
	var spec struct {
		Containers []struct {
			Name    string
			Image   string
			Command []string
			Env     []struct{ Name, Value string }
			Ports   []struct{ ContainerPort int }
		}
		RestartPolicy string
		Tolerations   []struct{ Key, Operator, Value, Effect string }
	}
	b, _ := json.Marshal(got.Spec())
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	ctr := spec.Containers[0]
	if ctr.Name != "web" || ctr.Image != "nginx:1.27" || len(ctr.Command) != 3 ||
		fmt.Sprint(ctr.Env) != "[{A 1} {B 2}]" || fmt.Sprint(ctr.Ports) != "[{80} {443}]" || spec.RestartPolicy != "Always" {
		t.Errorf("server's container: %+v, restartPolicy %s", ctr, spec.RestartPolicy)
	}
	var ours []string
	for _, tol := range spec.Tolerations {
		if tol.Key == "dedicated" || tol.Key == "gpu" {
			ours = append(ours, fmt.Sprint(tol))
		}
	}
	if want := []string{"{dedicated Equal web NoSchedule}", "{gpu Exists  }"}; !slices.Equal(ours, want) {
		t.Errorf("server's tolerations %v, want %v", ours, want)
	}

	if _, err := kr8s.GenPod("", "nginx", nil); err == nil {
		t.Error("GenPod without a name: no error")
	}
	if _, err := kr8s.GenPod("x", "", nil); err == nil {
		t.Error("GenPod without an image: no error")
	}
}

func TestDeploymentPodsReady(t *testing.T) {
	ctx := context.Background()
	c, ns := kindsClient(t)
	d, err := kr8s.NewDeployment(map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{
			"replicas": 2,
			"selector": map[string]any{
				"matchLabels": map[string]any{"app": "web"},
				"matchExpressions": []any{
					map[string]any{"key": "tier", "operator": "In", "values": []any{"front", "edge"}},
					map[string]any{"key": "canary", "operator": "DoesNotExist"},
				},
			},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "web", "tier": "front"}},
				"spec": map[string]any{"containers": []any{
					map[string]any{"name": "web", "image": "nginx:1.27"},
				}},
			},
		},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Ready(ctx); ok || !errors.Is(err, kr8s.ErrNotFound) {
		t.Errorf("a deployment not yet created: Ready = %v, %v; want ErrNotFound", ok, err)
	}
	if err := d.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// A pod with the labels but canary=true is not the deployment's.
	stray, _ := kr8s.GenPod("stray", "nginx", &kr8s.GenPodOptions{Labels: map[string]string{"app": "web", "tier": "front", "canary": "true"}}, kr8s.WithAPI(c))
	if err := stray.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// kr8s's polling loop: Ready reads the deployment again each time.
	testcluster.Eventually(t, 60*time.Second, "deployment web ready", func(ctx context.Context) (bool, error) {
		return d.Ready(ctx)
	})
	pods, err := d.Pods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ready, err := d.ReadyPods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pods) != 2 || len(ready) != 2 {
		t.Fatalf("Pods %d, ReadyPods %d; want 2 and 2", len(pods), len(ready))
	}
	// Check against the server: the pods owned by the deployment's
	// ReplicaSet are exactly these.
	all, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	var owned []string
	for _, p := range all {
		refs, _ := p.Metadata()["ownerReferences"].([]any)
		if len(refs) > 0 && refs[0].(map[string]any)["kind"] == "ReplicaSet" {
			owned = append(owned, p.Name())
		}
	}
	var names []string
	for _, p := range pods {
		names = append(names, p.Name())
		if p.Namespace() != ns {
			t.Errorf("pod %s in namespace %s", p.Name(), p.Namespace())
		}
	}
	slices.Sort(owned)
	slices.Sort(names)
	if !slices.Equal(names, owned) {
		t.Errorf("Pods %v; the ReplicaSet owns %v", names, owned)
	}

	svc, err := kr8s.NewService(map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{
			"selector": map[string]any{"app": "web", "tier": "front"},
			"ports":    []any{map[string]any{"port": 80}},
		},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// The service's selector also picks the stray pod once it is Ready.
	testcluster.Eventually(t, 30*time.Second, "service web with 3 ready pods", func(ctx context.Context) (bool, error) {
		ready, err := svc.ReadyPods(ctx)
		return len(ready) == 3, err
	})
}

func TestSecretData(t *testing.T) {
	ctx := context.Background()
	c, _ := kindsClient(t)
	s, err := kr8s.NewSecret(map[string]any{
		"metadata":   map[string]any{"name": "creds"},
		"data":       map[string]any{"password": base64.StdEncoding.EncodeToString([]byte("s3cr\x00t")), "user": base64.StdEncoding.EncodeToString([]byte("old"))},
		"stringData": map[string]any{"user": "admin", "token": "abc"},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"password": []byte("s3cr\x00t"), "user": []byte("admin"), "token": []byte("abc")}
	local, err := s.Data()
	if err != nil || !reflect.DeepEqual(local, want) {
		t.Errorf("local Data() = %q, %v; want %q", local, err, want)
	}
	if err := s.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	got, err := kr8s.Secrets.Get(ctx, "creds", &kr8s.GetOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Raw()["stringData"]; ok {
		t.Error("the server kept stringData")
	}
	data, err := got.Data()
	if err != nil || !reflect.DeepEqual(data, want) {
		t.Errorf("server's Data() = %q, %v; want %q", data, err, want)
	}
	str, err := got.StringData()
	if err != nil || str["user"] != "admin" || str["password"] != "s3cr\x00t" || len(str) != 3 {
		t.Errorf("StringData() = %q, %v", str, err)
	}

	bad, _ := kr8s.NewSecret(map[string]any{"data": map[string]any{"k": "not base64!"}})
	if _, err := bad.Data(); err == nil {
		t.Error("Data() of invalid base64: no error")
	}
}

func TestNodeTaintsUnschedulable(t *testing.T) {
	ctx := context.Background()
	c, ns := kindsClient(t)
	// A node kwok does not manage (no kwok.x-k8s.io/node annotation),
	// cordoned and tainted so that nothing lands on it.
	name := ns + "-node"
	n, err := kr8s.NewNode(map[string]any{
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"unschedulable": true,
			"taints": []any{
				map[string]any{"key": "kr8s.dev/test", "value": "yes", "effect": "NoSchedule"},
				map[string]any{"key": "kr8s.dev/evict", "effect": "NoExecute"},
			},
		},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	kindsCleanupDelete(t, "/api/v1/nodes/"+name)

	got, err := kr8s.Nodes.Get(ctx, name, &kr8s.GetOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Unschedulable() {
		t.Error("Unschedulable() = false for a cordoned node")
	}
	// Taints must equal the server's .spec.taints, which controllers may
	// add to; ours must be there.
	var server []kr8s.Taint
	b, _ := json.Marshal(got.Spec()["taints"])
	_ = json.Unmarshal(b, &server)
	taints := got.Taints()
	if !reflect.DeepEqual(taints, server) {
		t.Errorf("Taints() = %+v; the server has %+v", taints, server)
	}
	byKey := map[string]kr8s.Taint{}
	for _, tt := range taints {
		byKey[tt.Key] = tt
	}
	if tt := byKey["kr8s.dev/test"]; tt.Value != "yes" || tt.Effect != "NoSchedule" {
		t.Errorf("taint kr8s.dev/test = %+v", tt)
	}
	if tt := byKey["kr8s.dev/evict"]; tt.Value != "" || tt.Effect != "NoExecute" {
		t.Errorf("taint kr8s.dev/evict = %+v", tt)
	}

	// Other nodes, which other tests may cordon at any time: the helpers
	// agree with the server's fields.
	nodes, err := kr8s.Nodes.ListAll(ctx, &kr8s.ListOptions{API: c})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		var spec struct {
			Unschedulable bool
			Taints        []kr8s.Taint
		}
		b, _ := json.Marshal(n.Spec())
		_ = json.Unmarshal(b, &spec)
		if n.Unschedulable() != spec.Unschedulable || len(n.Taints()) != len(spec.Taints) ||
			(len(spec.Taints) > 0 && !reflect.DeepEqual(n.Taints(), spec.Taints)) {
			t.Errorf("node %s: Unschedulable %v, Taints %+v; spec %+v", n.Name(), n.Unschedulable(), n.Taints(), spec)
		}
	}
}

// TestReadyRereads ports kr8s's readiness checks: Ready reads the object
// again, so a loop over the same object value ends when the server's
// state changes. A ReplicationController is ready when its ready replicas
// reach .spec.replicas; a Service when a pod it selects is ready, and a
// LoadBalancer also needs an ingress address (none on the devcluster).
func TestReadyRereads(t *testing.T) {
	t.Parallel()
	e := newVerbEnv(t)
	rc, err := kr8s.NewReplicationController(map[string]any{
		"metadata": map[string]any{"name": "rc"},
		"spec": map[string]any{
			"replicas": 1,
			"selector": map[string]any{"app": "rc"},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "rc"}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}},
			},
		},
	}, kr8s.WithAPI(e.c))
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.eventually(60*time.Second, "the ReplicationController is ready", func() (bool, error) { return rc.Ready(e.ctx) })

	svc := func(name, typ string) *kr8s.Service {
		s, err := kr8s.NewService(map[string]any{
			"metadata": map[string]any{"name": name},
			"spec": map[string]any{"type": typ, "selector": map[string]any{"app": "rc"},
				"ports": []any{map[string]any{"port": 80}}},
		}, kr8s.WithAPI(e.c))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Create(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		return s
	}
	ip := svc("ip", "ClusterIP")
	e.eventually(30*time.Second, "the ClusterIP Service is ready", func() (bool, error) { return ip.Ready(e.ctx) })
	lb := svc("lb", "LoadBalancer")
	if ok, err := lb.Ready(e.ctx); ok || err != nil {
		t.Fatalf("a LoadBalancer without an ingress address: Ready = %v, %v; want false", ok, err)
	}
	none := svc("none", "ClusterIP")
	if err := none.Patch(e.ctx, map[string]any{"spec": map[string]any{"selector": map[string]any{"app": "nothing"}}}, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := none.Ready(e.ctx); ok || err != nil {
		t.Fatalf("a Service selecting no pod: Ready = %v, %v; want false", ok, err)
	}
}
