package devcluster_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	utilexec "k8s.io/utils/exec"

	"github.com/kr8s-go/kr8s/devcluster"
)

func TestVersionNodesAndPods(t *testing.T) {
	cs := clientset(t, shared)
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.Major != "1" || v.Minor != "36" || !strings.HasPrefix(v.GitVersion, "v1.36.") {
		t.Fatalf("server version = %+v, want v1.36.x", v)
	}
	nodes, err := cs.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ready := 0
	for _, n := range nodes.Items {
		if nodeReady(&n) && len(n.Status.Addresses) > 0 {
			ready++
		}
	}
	if ready < 2 {
		t.Fatalf("%d nodes Ready with an address, want at least 2", ready)
	}
	ns := namespace(t, cs)
	createDeployment(t, cs, ns, "web", 3, []string{"sleep", "3600"})
	waitPodsReady(t, cs, ns, "app=web", 3)
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func createDeployment(t *testing.T, cs kubernetes.Interface, ns, name string, replicas int32, command []string) *appsv1.Deployment {
	t.Helper()
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "main", Image: "busybox", Command: command,
				}}},
			},
		},
	}
	d, err := cs.AppsV1().Deployments(ns).Create(context.Background(), d, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func waitPodsReady(t *testing.T, cs kubernetes.Interface, ns, selector string, n int) []corev1.Pod {
	t.Helper()
	var pods []corev1.Pod
	eventually(t, 60*time.Second, fmt.Sprintf("%d pods Running and Ready", n), func() error {
		list, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return err
		}
		pods = pods[:0]
		for _, p := range list.Items {
			if p.Status.Phase == corev1.PodRunning && podReady(&p) && p.DeletionTimestamp == nil {
				pods = append(pods, p)
			}
		}
		if len(pods) != n {
			return fmt.Errorf("%d of %d ready", len(pods), n)
		}
		return nil
	})
	return pods
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// onePod runs a single-pod Deployment with the given command and returns
// its ready pod.
func onePod(t *testing.T, cs kubernetes.Interface, command []string) corev1.Pod {
	t.Helper()
	ns := namespace(t, cs)
	createDeployment(t, cs, ns, "one", 1, command)
	return waitPodsReady(t, cs, ns, "app=one", 1)[0]
}

func execPod(t *testing.T, cs *kubernetes.Clientset, pod corev1.Pod, cmd []string, stdin io.Reader, tty bool) (string, string, error) {
	t.Helper()
	req := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(pod.Namespace).Name(pod.Name).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: "main", Command: cmd, Stdin: stdin != nil, Stdout: true, Stderr: !tty, TTY: tty,
		}, scheme.ParameterCodec)
	ex, err := remotecommand.NewWebSocketExecutor(restConfig(t, shared), "GET", req.URL().String())
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := remotecommand.StreamOptions{Stdin: stdin, Stdout: &stdout, Tty: tty}
	if !tty {
		opts.Stderr = &stderr
	}
	err = ex.StreamWithContext(ctx, opts)
	return stdout.String(), stderr.String(), err
}

func TestExecThroughAPIServer(t *testing.T) {
	cs := clientset(t, shared)
	pod := onePod(t, cs, []string{"sleep", "3600"})

	stdout, stderr, err := execPod(t, cs, pod, []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, nil, false)
	var exitErr utilexec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitStatus() != 3 {
		t.Fatalf("exit error = %v, want exit status 3", err)
	}
	if stdout != "out\n" || stderr != "err\n" {
		t.Fatalf("stdout %q stderr %q", stdout, stderr)
	}

	// stdin reaches the process and its end ends the process.
	in := strings.Repeat("0123456789abcdef", 64<<10/16)
	stdout, _, err = execPod(t, cs, pod, []string{"cat"}, strings.NewReader(in), false)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != in {
		t.Fatalf("cat echoed %d bytes, want %d", len(stdout), len(in))
	}

	// A TTY merges the streams and has a terminal.
	stdout, _, err = execPod(t, cs, pod, []string{"sh", "-c", "test -t 0 && echo tty"}, strings.NewReader(""), true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "tty") {
		t.Fatalf("tty exec printed %q", stdout)
	}
}

func TestLogsThroughAPIServer(t *testing.T) {
	cs := clientset(t, shared)
	pod := onePod(t, cs, []string{"sh", "-c", "echo line-1; echo line-2; sleep 2; echo line-3; sleep 3600"})
	// The first lines appear once the container process has run.
	eventually(t, 30*time.Second, "first log lines", func() error {
		b, err := cs.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{}).DoRaw(context.Background())
		if err != nil {
			return err
		}
		if !strings.HasPrefix(string(b), "line-1\nline-2\n") {
			return fmt.Errorf("logs = %q", b)
		}
		return nil
	})
	tail := int64(1)
	b, err := cs.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{TailLines: &tail}).DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); s != "line-2\n" && s != "line-3\n" {
		t.Fatalf("tail 1 = %q", s)
	}
	// Follow sees a line written after the stream opened.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rc, err := cs.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{Follow: true}).Stream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var got bytes.Buffer
	buf := make([]byte, 1024)
	for !strings.Contains(got.String(), "line-3\n") {
		n, err := rc.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("follow read: %v (got %q)", err, got.String())
		}
	}
}

func TestPortForwardThroughAPIServer(t *testing.T) {
	cs := clientset(t, shared)
	// A local HTTP server stands for the pod's port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Path)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	pod := onePod(t, cs, nil)

	req := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(pod.Namespace).Name(pod.Name).SubResource("portforward")
	transport, upgrader, err := spdy.RoundTripperFor(restConfig(t, shared))
	if err != nil {
		t.Fatal(err)
	}
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, "POST", req.URL())
	stop, ready := make(chan struct{}), make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, stop, ready, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- fw.ForwardPorts() }()
	defer func() {
		close(stop)
		<-errc
	}()
	select {
	case <-ready:
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("port-forward not ready")
	}
	ports, err := fw.GetPorts()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/through", ports[0].Local))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello /through" {
		t.Fatalf("got %q", b)
	}
}

func TestRestartAPIServerKeepsData(t *testing.T) {
	cs := clientset(t, shared)
	ns := namespace(t, cs)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "before"}, Data: map[string]string{"k": "v"}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(context.Background(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := shared.RestartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := cs.CoreV1().ConfigMaps(ns).Get(context.Background(), "before", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Data["k"] != "v" {
		t.Fatalf("data after restart = %v", got.Data)
	}
}

func TestControllers(t *testing.T) {
	cs := clientset(t, shared)
	ctx := context.Background()
	ns := namespace(t, cs)
	// Every namespace gets its default ServiceAccount.
	eventually(t, 30*time.Second, "default ServiceAccount", func() error {
		_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		return err
	})
	// Scale changes the number of pods.
	createDeployment(t, cs, ns, "sc", 1, nil)
	waitPodsReady(t, cs, ns, "app=sc", 1)
	scale, err := cs.AppsV1().Deployments(ns).GetScale(ctx, "sc", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scale.Spec.Replicas = 2
	if _, err := cs.AppsV1().Deployments(ns).UpdateScale(ctx, "sc", scale, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitPodsReady(t, cs, ns, "app=sc", 2)
	// Garbage collection deletes dependents.
	owner, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dep := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "dependent", OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID,
	}}}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().ConfigMaps(ns).Delete(ctx, "owner", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "dependent garbage-collected", func() error {
		_, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "dependent", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (err=%v)", err)
	})
	// Deleting a namespace completes.
	if err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 90*time.Second, "namespace deleted", func() error {
		_, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (err=%v)", err)
	})
}

func TestReaderIsForbiddenElsewhere(t *testing.T) {
	cs := clientset(t, shared)
	ns := namespace(t, cs)
	cfg := restConfigContext(t, shared, devcluster.ContextReader)
	reader := kubernetes.NewForConfigOrDie(cfg)
	if _, err := reader.CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Fatalf("reader may list pods in default: %v", err)
	}
	_, err := reader.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("reader listing pods in %s: err = %v, want Forbidden", ns, err)
	}
	tok := kubernetes.NewForConfigOrDie(restConfigContext(t, shared, devcluster.ContextToken))
	if _, err := tok.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Fatalf("token admin: %v", err)
	}
}
