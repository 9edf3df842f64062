package kr8s_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// localServer is an HTTP server on a loopback port, standing for what a
// pod serves: in the dev cluster, pod port N is 127.0.0.1:N.
func localServer(t *testing.T, name string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", name, r.URL.Path)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func get(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestServiceAndDeploymentStreams(t *testing.T) {
	ns := testcluster.Namespace(t)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	port := localServer(t, "backend")
	dep, err := kr8s.NewDeployment(map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{
			"replicas": 1,
			"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{
				"metadata": map[string]any{
					"labels":      map[string]any{"app": "web"},
					"annotations": map[string]any{"kubectl.kubernetes.io/default-container": "second"},
				},
				"spec": map[string]any{"containers": []any{
					map[string]any{"name": "first", "image": "busybox", "command": []any{"sleep", "3600"}, "env": []any{map[string]any{"name": "WHO", "value": "first"}}},
					map[string]any{"name": "second", "image": "busybox", "command": []any{"sleep", "3600"}, "env": []any{map[string]any{"name": "WHO", "value": "second"}},
						"ports": []any{map[string]any{"name": "http", "containerPort": port}}},
				}},
			},
		},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := kr8s.NewService(map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec":     map[string]any{"selector": map[string]any{"app": "web"}, "ports": []any{map[string]any{"port": 80, "targetPort": "http"}}},
	}, kr8s.WithAPI(c))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*kr8s.Object{dep.Object, svc.Object} {
		if err := o.Create(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := dep.Wait(ctx, "jsonpath={.status.readyReplicas}=1"); err != nil {
		t.Fatal(err)
	}

	// Exec on a Deployment and on a Service runs in a ready pod, in the
	// default container named by the annotation.
	res, err := dep.Exec(ctx, []string{"sh", "-c", "echo $WHO"}, nil)
	if err != nil || string(res.Stdout) != "second\n" {
		t.Fatalf("deployment exec: %q, %v", res.Stdout, err)
	}
	res, err = svc.Exec(ctx, []string{"sh", "-c", "echo $WHO"}, &kr8s.ExecOptions{Container: "first"})
	if err != nil || string(res.Stdout) != "first\n" {
		t.Fatalf("service exec: %q, %v", res.Stdout, err)
	}
	// Logs of a pod with several containers and no default name them.
	pods, err := dep.Pods(ctx)
	if err != nil || len(pods) != 1 {
		t.Fatalf("pods %v %v", pods, err)
	}
	plain, _ := kr8s.NewPod(map[string]any{"metadata": map[string]any{"name": pods[0].Name(), "namespace": ns},
		"spec": pods[0].Spec()}, kr8s.WithAPI(c))
	for _, err := range plain.Logs(ctx, nil) {
		if err == nil || !strings.Contains(err.Error(), "choose one of: [first second]") {
			t.Fatalf("logs without a container: %v", err)
		}
		break
	}

	// Port-forward to the Service maps port 80 to the pod's named port.
	fw, err := svc.PortForward(ctx, 80, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, "http://"+fw.Addr()+"/svc"); got != "backend /svc" {
		t.Fatalf("through the service: %q", got)
	}
	// Replace the pod: new connections go to the new ready pod.
	old := pods[0]
	if err := old.Delete(ctx, &kr8s.DeleteOptions{Wait: true}); err != nil {
		t.Fatal(err)
	}
	if err := dep.Wait(ctx, "jsonpath={.status.readyReplicas}=1"); err != nil {
		t.Fatal(err)
	}
	if got := get(t, "http://"+fw.Addr()+"/again"); got != "backend /again" {
		t.Fatalf("after the pod was replaced: %q", got)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	dfw, err := dep.PortForward(ctx, port, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dfw.Close()
	if got := get(t, "http://"+dfw.Addr()+"/dep"); got != "backend /dep" {
		t.Fatalf("through the deployment: %q", got)
	}

	// The service proxy path reaches the API server's proxy. Fake pods
	// have addresses the API server will not proxy to, so the answer is
	// the server's own 503; the request shape is checked below.
	resp, err := svc.Proxy(ctx, http.MethodGet, "/", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("service proxy status %d", resp.StatusCode)
	}
}

func TestServiceProxyRequests(t *testing.T) {
	type seen struct{ method, path, query, body string }
	got := make(chan seen, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.URL.RawQuery, string(b)}
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "from the service")
	}))
	defer srv.Close()
	c, err := kr8s.NewClient(kr8s.WithURL(srv.URL), kr8s.WithNamespace("ns"))
	if err != nil {
		t.Fatal(err)
	}
	svc, _ := kr8s.NewService(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "ns"}}, kr8s.WithAPI(c))
	ctx := context.Background()
	for _, tc := range []struct {
		method, path, body string
		o                  *kr8s.ProxyOptions
		want               seen
	}{
		{"GET", "/healthz", "", nil, seen{"GET", "/api/v1/namespaces/ns/services/web/proxy/healthz", "", ""}},
		{"POST", "items", `{"a":1}`, &kr8s.ProxyOptions{Port: "8080"}, seen{"POST", "/api/v1/namespaces/ns/services/web:8080/proxy/items", "", `{"a":1}`}},
		{"PUT", "/x", "put-body", &kr8s.ProxyOptions{Port: "http", Scheme: "https"}, seen{"PUT", "/api/v1/namespaces/ns/services/https:web:http/proxy/x", "", "put-body"}},
		{"DELETE", "/x", "gone", &kr8s.ProxyOptions{Query: map[string][]string{"q": {"1"}}}, seen{"DELETE", "/api/v1/namespaces/ns/services/web/proxy/x", "q=1", "gone"}},
	} {
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		resp, err := svc.Proxy(ctx, tc.method, tc.path, body, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusTeapot || string(b) != "from the service" {
			t.Fatalf("%s: answer %d %q", tc.method, resp.StatusCode, b)
		}
		if s := <-got; s != tc.want {
			t.Fatalf("%s: server saw %+v, want %+v", tc.method, s, tc.want)
		}
	}
}
