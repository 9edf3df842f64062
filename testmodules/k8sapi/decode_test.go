// Package k8sapi_test checks that kr8s objects decode into the typed
// structs of k8s.io/api. It is a module of its own so that the kr8s
// module never depends on k8s.io.
package k8sapi_test

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

func client(t *testing.T) (*kr8s.Client, string) {
	t.Helper()
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	return c, ns
}

func TestDecodePod(t *testing.T) {
	ctx := context.Background()
	c, ns := client(t)
	gen, err := kr8s.GenPod("web", "nginx:1.27", &kr8s.GenPodOptions{
		Labels: map[string]string{"app": "web"},
		Ports:  []int{8080},
		Env:    map[string]string{"MODE": "test"},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var obj *kr8s.Pod
	testcluster.Eventually(t, 60*time.Second, "pod web Running", func(ctx context.Context) (bool, error) {
		obj, err = kr8s.Pods.Get(ctx, "web", &kr8s.GetOptions{API: c})
		return err == nil && obj.Status()["phase"] == "Running", err
	})

	var pod corev1.Pod
	if err := obj.Decode(&pod); err != nil {
		t.Fatal(err)
	}
	if pod.Kind != "Pod" || pod.APIVersion != "v1" {
		t.Errorf("TypeMeta %+v", pod.TypeMeta)
	}
	if pod.Name != "web" || pod.Namespace != ns || pod.Labels["app"] != "web" {
		t.Errorf("ObjectMeta name %q namespace %q labels %v", pod.Name, pod.Namespace, pod.Labels)
	}
	if uid, _ := obj.Metadata()["uid"].(string); uid == "" || string(pod.UID) != uid {
		t.Errorf("UID %q, the object's %q", pod.UID, uid)
	}
	if pod.CreationTimestamp.IsZero() || time.Since(pod.CreationTimestamp.Time) > time.Hour {
		t.Errorf("creationTimestamp %v", pod.CreationTimestamp)
	}
	ctr := pod.Spec.Containers[0]
	if ctr.Image != "nginx:1.27" || ctr.Ports[0].ContainerPort != 8080 || ctr.Env[0] != (corev1.EnvVar{Name: "MODE", Value: "test"}) {
		t.Errorf("container %+v", ctr)
	}
	if pod.Spec.RestartPolicy != corev1.RestartPolicyAlways || pod.Spec.NodeName == "" {
		t.Errorf("restartPolicy %q, nodeName %q", pod.Spec.RestartPolicy, pod.Spec.NodeName)
	}
	if pod.Status.Phase != corev1.PodRunning {
		t.Errorf("phase %q, want Running", pod.Status.Phase)
	}
	ready := false
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodReady {
			ready = cond.Status == corev1.ConditionTrue
		}
	}
	if c, _ := obj.Condition("Ready"); ready != (c.Status == "True") {
		t.Errorf("typed Ready condition %v, Pod.Condition(Ready) %+v", ready, c)
	}
}

func TestDecodeDeployment(t *testing.T) {
	ctx := context.Background()
	c, _ := client(t)
	objs, err := kr8s.LoadObjects([]byte(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {team: kr8s}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources:
          requests: {cpu: 100m, memory: 64Mi}
`), kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := kr8s.CreateAll(ctx, objs, nil); err != nil {
		t.Fatal(err)
	}
	var d *kr8s.Deployment
	testcluster.Eventually(t, 60*time.Second, "deployment web ready", func(ctx context.Context) (bool, error) {
		d, err = kr8s.Deployments.Get(ctx, "web", &kr8s.GetOptions{API: c})
		if err != nil {
			return false, err
		}
		return d.Ready(ctx)
	})

	var dep appsv1.Deployment
	if err := d.Decode(&dep); err != nil {
		t.Fatal(err)
	}
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 2 || dep.Status.ReadyReplicas != 2 || dep.Status.AvailableReplicas != 2 {
		t.Errorf("replicas %v, status %+v", dep.Spec.Replicas, dep.Status)
	}
	sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
	if err != nil || sel.String() != "app=web" {
		t.Errorf("selector %v, %v", sel, err)
	}
	ru := dep.Spec.Strategy.RollingUpdate
	if ru == nil || ru.MaxSurge.String() != "25%" || ru.MaxUnavailable.IntValue() != 1 {
		t.Errorf("rollingUpdate %+v", ru)
	}
	req := dep.Spec.Template.Spec.Containers[0].Resources.Requests
	if req.Cpu().MilliValue() != 100 || req.Memory().Value() != 64<<20 {
		t.Errorf("requests %v", req)
	}
	if dep.Annotations["team"] != "kr8s" || dep.Generation < 1 || dep.Status.ObservedGeneration < dep.Generation {
		t.Errorf("annotations %v generation %d observed %d", dep.Annotations, dep.Generation, dep.Status.ObservedGeneration)
	}
	pods, err := d.Pods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods {
		var pod corev1.Pod
		if err := p.Decode(&pod); err != nil {
			t.Fatal(err)
		}
		if pod.OwnerReferences[0].Kind != "ReplicaSet" || pod.Spec.Containers[0].Resources.Requests.Cpu().String() != "100m" {
			t.Errorf("pod %s: owner %+v, requests %v", pod.Name, pod.OwnerReferences, pod.Spec.Containers[0].Resources.Requests)
		}
	}
	if len(pods) != 2 {
		t.Errorf("%d pods, want 2", len(pods))
	}
}
