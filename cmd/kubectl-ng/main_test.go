package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestMain lets the test binary stand in for kubectl-ng: with
// KUBECTL_NG_TEST_MAIN=1 it runs its command line and exits, so that a
// test can run it as a program, as a shell's completion script does.
func TestMain(m *testing.M) {
	if os.Getenv("KUBECTL_NG_TEST_MAIN") == "1" {
		// A race-detecting binary on a busy machine can take seconds
		// before its first request: the script is under test here,
		// not the bound (TestCompletionNoCluster checks that).
		completeTimeout = time.Minute
		main()
	}
	os.Exit(testcluster.Main(m)) // and no goroutine left behind
}

// result is one in-process run of the command.
type result struct {
	stdout, stderr string
	code           int
}

// ng runs kubectl-ng in-process against the test cluster in namespace ns.
func ng(t *testing.T, ns string, stdin string, args ...string) result {
	t.Helper()
	return ngWith(t, testcluster.Kubeconfig(t), "", ns, stdin, args...)
}

// ngWith is ng against the cluster of kubeconfig kc, with the output
// buffers named in tty ("stdout", "stderr", "stdout,stderr" or "")
// counting as terminals.
func ngWith(t *testing.T, kc string, tty string, ns string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	full := []string{"--kubeconfig", kc}
	if ns != "" {
		full = append(full, "-n", ns)
	}
	full = append(full, args...)
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	a.tty = func(w io.Writer) bool {
		return w == &out && strings.Contains(tty, "stdout") || w == &errb && strings.Contains(tty, "stderr")
	}
	code := a.run(ctx, full)
	return result{out.String(), errb.String(), code}
}

// mustNG is ng that fails the test on a non-zero exit.
func mustNG(t *testing.T, ns, stdin string, args ...string) string {
	t.Helper()
	r := ng(t, ns, stdin, args...)
	if r.code != 0 {
		t.Fatalf("kubectl-ng %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// client is a kr8s client for checking effects on the server.
func client(t *testing.T, ns string) *kr8s.Client {
	t.Helper()
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "echo hello from web; sleep 3600"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`

// deployWeb applies the web Deployment and Service and waits until it is
// available.
func deployWeb(t *testing.T, ns string) {
	t.Helper()
	out := mustNG(t, ns, deployment, "apply", "-f", "-")
	if want := "deployment.apps/web created\nservice/web created\n"; out != want {
		t.Fatalf("apply printed %q, want %q", out, want)
	}
	mustNG(t, ns, "", "wait", "deploy/web", "--for=condition=Available", "--timeout=60s")
}

// kubectl runs the real kubectl, or skips the test when it is not on PATH.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	cmd := exec.Command(path, append([]string{"--kubeconfig", testcluster.Kubeconfig(t)}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// column returns the first whitespace-separated field of each line.
func column(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func TestGetMatchesKubectl(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	deployWeb(t, ns)

	for _, args := range [][]string{
		{"get", "pods"},
		{"get", "deployments", "-o", "wide"},
		{"get", "pods,svc", "--show-labels"},
		{"get", "nodes"},
		{"get", "deploy/web", "--show-kind"},
		// Other tests run alongside: keep -A to this namespace.
		{"get", "pods", "-l", "app=web", "-A", "--field-selector", "metadata.namespace=" + ns},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got := mustNG(t, ns, "", args...)
			want := kubectl(t, append(args, "-n", ns)...)
			if firstLine(got) != firstLine(want) {
				t.Errorf("header\n got: %q\nwant: %q", firstLine(got), firstLine(want))
			}
			if g, w := column(got), column(want); strings.Join(g, " ") != strings.Join(w, " ") {
				t.Errorf("first column\n got: %v\nwant: %v", g, w)
			}
			// Columns are aligned with three spaces, as kubectl's are.
			if !strings.Contains(firstLine(got), "   ") {
				t.Errorf("header %q is not separated by three spaces", firstLine(got))
			}
		})
	}
	for _, args := range [][]string{
		{"get", "pods", "-o", "name"},
		{"get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.labels}"},
		{"get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"},
		{"get", "svc", "web", "-o", "yaml"},
		{"get", "svc/web", "-o", "json"},
		{"get", "nodes", "-o", "name"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got := mustNG(t, ns, "", args...)
			want := kubectl(t, append(args, "-n", ns)...)
			if got != want {
				t.Errorf("output differs\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

func TestGetErrors(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"get", "pods", "nope"}, "Error from server (NotFound): pods \"nope\" not found\n"},
		{[]string{"get", "deploymnet"}, "error: the server doesn't have a resource type \"deploymnet\"; did you mean \"deployment\"?\n"},
		{[]string{"get", "pods", "-o", "bogus"}, "error: unable to match a printer suitable for the output format \"bogus\""},
		{[]string{"get", "pods", "--bogus"}, "error: unknown flag: --bogus"},
	} {
		r := ng(t, ns, "", tc.args...)
		if r.code == 0 || !strings.HasPrefix(r.stderr, tc.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want non-zero and %q", tc.args, r.code, r.stderr, tc.stderr)
		}
	}
	r := ng(t, ns, "", "get", "pods")
	if r.code != 0 || r.stdout != "" || r.stderr != fmt.Sprintf("No resources found in %s namespace.\n", ns) {
		t.Errorf("empty list: %+v", r)
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	deployWeb(t, ns)
	if out := mustNG(t, ns, deployment, "apply", "-f", "-"); out != "deployment.apps/web unchanged\nservice/web unchanged\n" {
		t.Errorf("second apply printed %q", out)
	}

	// Another manager that sets replicas conflicts with us.
	other := strings.Replace(deployment, "replicas: 2", "replicas: 3", 1)
	other = other[:strings.Index(other, "---")]
	r := ng(t, ns, other, "apply", "-f", "-", "--field-manager", "other")
	if r.code == 0 || !strings.Contains(r.stderr, "Error from server (Conflict)") || !strings.Contains(r.stderr, "--force-conflicts") {
		t.Fatalf("conflicting apply: %+v", r)
	}
	out := mustNG(t, ns, other, "apply", "-f", "-", "--field-manager", "other", "--force-conflicts", "--dry-run=server")
	if out != "deployment.apps/web configured (server dry run)\n" {
		t.Errorf("dry run printed %q", out)
	}
	d, err := kr8s.Deployments.Get(context.Background(), "web", &kr8s.GetOptions{API: client(t, ns)})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := d.Replicas(); n != 2 {
		t.Errorf("dry run changed replicas to %d", n)
	}
	mustNG(t, ns, other, "apply", "-f", "-", "--field-manager", "other", "--force-conflicts")
	if got := mustNG(t, ns, "", "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"); got != "3" {
		t.Errorf("replicas after forced apply = %q, want 3", got)
	}

	// Files and directories, recursively.
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/sub", 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dir+"/a.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n"), 0o644)
	os.WriteFile(dir+"/sub/b.json", []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}`), 0o644)
	if out := mustNG(t, ns, "", "apply", "-R", "-f", dir); out != "configmap/a created\nconfigmap/b created\n" {
		t.Errorf("apply -R printed %q", out)
	}
	r = ng(t, ns, "", "create", "-f", dir+"/a.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "(AlreadyExists)") {
		t.Errorf("create of an existing object: %+v", r)
	}
}

func TestCreateDelete(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	cms := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, labels: {x: z}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two, labels: {x: z}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: three}\n"
	if out := mustNG(t, ns, cms, "create", "-f", "-"); out != "configmap/one created\nconfigmap/two created\nconfigmap/three created\n" {
		t.Errorf("create printed %q", out)
	}
	if out := mustNG(t, ns, "", "delete", "configmaps", "-l", "x=z"); out != "configmap \"one\" deleted\nconfigmap \"two\" deleted\n" {
		t.Errorf("delete -l printed %q", out)
	}
	if out := mustNG(t, ns, "", "delete", "cm/three", "--grace-period=0", "--cascade=foreground"); out != "configmap \"three\" deleted\n" {
		t.Errorf("delete printed %q", out)
	}
	r := ng(t, ns, "", "delete", "cm", "three")
	if r.code != 1 || r.stderr != "Error from server (NotFound): configmaps \"three\" not found\n" {
		t.Errorf("delete of a missing object: %+v", r)
	}
	if r := ng(t, ns, "", "delete", "cm", "three", "--ignore-not-found"); r.code != 0 {
		t.Errorf("--ignore-not-found: %+v", r)
	}
	left, err := kr8s.ConfigMaps.ListAll(context.Background(), &kr8s.ListOptions{API: client(t, ns)})
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range left {
		if cm.Name() != "kube-root-ca.crt" {
			t.Errorf("configmap %s was not deleted", cm.Name())
		}
	}

	// delete -f waits for the Deployment to be gone.
	deployWeb(t, ns)
	if out := mustNG(t, ns, deployment, "delete", "-f", "-"); out != "deployment.apps \"web\" deleted\nservice \"web\" deleted\n" {
		t.Errorf("delete -f printed %q", out)
	}
	_, err = kr8s.Deployments.Get(context.Background(), "web", &kr8s.GetOptions{API: client(t, ns)})
	if !errors.Is(err, kr8s.ErrNotFound) {
		t.Errorf("deployment still there after delete --wait: %v", err)
	}
}

func TestScaleLabelWait(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	deployWeb(t, ns)
	if out := mustNG(t, ns, "", "scale", "deploy/web", "--replicas=3", "--wait", "--timeout=60s"); out != "deployment.apps/web scaled\n" {
		t.Errorf("scale printed %q", out)
	}
	if got := mustNG(t, ns, "", "get", "deploy/web", "-o", "jsonpath={.status.replicas}"); got != "3" {
		t.Errorf("status.replicas = %q after scale --wait", got)
	}
	if out := mustNG(t, ns, "", "label", "deploy", "web", "tier=front"); out != "deployment.apps/web labeled\n" {
		t.Errorf("label printed %q", out)
	}
	r := ng(t, ns, "", "label", "deploy/web", "tier=back")
	if r.code != 1 || r.stderr != "error: 'tier' already has a value (front), and --overwrite is false\n" {
		t.Errorf("label without --overwrite: %+v", r)
	}
	mustNG(t, ns, "", "label", "deploy/web", "tier=back", "--overwrite")
	mustNG(t, ns, "", "annotate", "deploy/web", "note=hi")
	if got := mustNG(t, ns, "", "get", "deploy/web", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.note}"); got != "back hi" {
		t.Errorf("after label and annotate: %q", got)
	}
	mustNG(t, ns, "", "label", "deploy/web", "tier-")
	mustNG(t, ns, "", "annotate", "deploy/web", "note-")
	if got := mustNG(t, ns, "", "get", "deploy/web", "-o", "jsonpath={.metadata.labels.tier}{.metadata.annotations.note}"); got != "" {
		t.Errorf("after removing: %q", got)
	}
	if out := mustNG(t, ns, "", "wait", "pods", "-l", "app=web", "--for=jsonpath={.status.phase}=Running"); strings.Count(out, "condition met") != 3 {
		t.Errorf("wait -l printed %q", out)
	}
	r = ng(t, ns, "", "wait", "deploy/web", "--for=condition=Bogus", "--timeout=1s")
	if r.code != 1 || r.stderr != "error: timed out waiting for the condition on deployments/web\n" {
		t.Errorf("wait timeout: %+v", r)
	}
}

func TestLogsExec(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	deployWeb(t, ns)
	pod := strings.TrimPrefix(strings.Fields(mustNG(t, ns, "", "get", "pods", "-o", "name"))[0], "pod/")
	// The container may not have written its line yet when it is Ready.
	if out := eventually(t, ns, "the log line", func(r result) bool { return r.stdout != "" }, "logs", pod).stdout; out != "hello from web\n" {
		t.Errorf("logs printed %q", out)
	}
	if out := mustNG(t, ns, "", "logs", "deploy/web", "-c", "main", "--tail=1", "--timestamps"); !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\S+ hello from web\n$`).MatchString(out) {
		t.Errorf("logs --timestamps printed %q", out)
	}
	r := ng(t, ns, "", "exec", pod, "--", "sh", "-c", "echo out; echo err >&2; exit 7")
	if r.code != 7 || r.stdout != "out\n" || r.stderr != "err\ncommand terminated with exit code 7\n" {
		t.Errorf("exec: %+v", r)
	}
	r = ng(t, ns, "some input", "exec", "-i", "deploy/web", "--", "cat")
	if r.code != 0 || r.stdout != "some input" {
		t.Errorf("exec -i: %+v", r)
	}
}

func TestPortForward(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	// Pods of the dev cluster are local processes: a server the test
	// starts here is what the pod's port reaches.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") })}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	deployWeb(t, ns)

	for _, target := range []string{"deploy/web", "pod/" + strings.TrimPrefix(strings.Fields(mustNG(t, ns, "", "get", "pods", "-o", "name"))[0], "pod/")} {
		t.Run(target, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var out, errb testcluster.SyncBuffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"--kubeconfig", testcluster.Kubeconfig(t), "-n", ns, "port-forward", target, fmt.Sprintf(":%d", port)}, strings.NewReader(""), &out, &errb)
			}()
			re := regexp.MustCompile(`Forwarding from (127\.0\.0\.1:\d+) -> ` + fmt.Sprint(port))
			deadline := time.Now().Add(30 * time.Second)
			var addr string
			for addr == "" {
				if m := re.FindStringSubmatch(out.String()); m != nil {
					addr = m[1]
				} else if time.Now().After(deadline) {
					t.Fatalf("no Forwarding line; stdout %q stderr %q", out.String(), errb.String())
				} else {
					time.Sleep(20 * time.Millisecond)
				}
			}
			// Two requests, two connections: each is announced.
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			for range 2 {
				resp, err := hc.Get("http://" + addr + "/")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "pong" {
					t.Errorf("got %q through the forward", b)
				}
			}
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("port-forward exited %d: %s", code, errb.String())
			}
			_, local, _ := strings.Cut(addr, ":")
			if n := strings.Count(out.String(), "Handling connection for "+local+"\n"); n != 2 {
				t.Errorf("%d lines Handling connection for %s, want 2:\n%s", n, local, out.String())
			}
		})
	}
}

func TestVersionWhoamiDiscovery(t *testing.T) {
	t.Parallel()
	out := mustNG(t, "", "", "version")
	if !regexp.MustCompile(`^Client Version: \S+\nServer Version: v\d+\.\d+\.\d+\S*\n$`).MatchString(out) {
		t.Errorf("version printed %q", out)
	}
	if out := mustNG(t, "", "", "whoami"); !regexp.MustCompile(`^ATTRIBUTE +VALUE\nUsername +\S`).MatchString(out) || !strings.Contains(out, "system:masters") {
		t.Errorf("whoami printed %q", out)
	}
	if got, want := mustNG(t, "", "", "api-versions"), kubectl(t, "api-versions"); stableDiscovery(got) != stableDiscovery(want) {
		t.Errorf("api-versions\n got: %s\nwant: %s", got, want)
	}
	if got, want := mustNG(t, "", "", "api-resources"), kubectl(t, "api-resources"); stableDiscovery(got) != stableDiscovery(want) {
		t.Errorf("api-resources\n got: %s\nwant: %s", got, want)
	}
}

// testGroup matches the API groups of CRDs that tests (of this package and
// others sharing the cluster) create and delete while this test runs.
var testGroup = regexp.MustCompile(`\.(example\.com|kr8s\.test)(/|\s|$)`)

// stableDiscovery drops the lines of test CRDs from api-versions or
// api-resources output. Their names also change the width of columns, so
// cells are compared, not spacing.
func stableDiscovery(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !testGroup.MatchString(line) {
			out = append(out, strings.Join(regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1), "|"))
		}
	}
	return strings.Join(out, "\n")
}

func TestVerboseHidesToken(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(testcluster.Kubeconfig(t))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+token: (\S+)`).FindSubmatch(data)
	if m == nil || !bytes.Contains(data, []byte("name: devcluster-token")) {
		t.Skip("the test kubeconfig has no token context")
	}
	r := ng(t, "", "", "--context", "devcluster-token", "-v", "6", "get", "ns", "default")
	if r.code != 0 || !strings.Contains(r.stderr, "kr8s request") || !strings.Contains(r.stderr, "/api/v1/namespaces/default") {
		t.Fatalf("-v 6 did not log the request: %+v", r)
	}
	if strings.Contains(r.stderr, string(m[1])) || strings.Contains(r.stdout, string(m[1])) {
		t.Fatal("the token appears in the output")
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(testcluster.Kubeconfig(t))
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/config"
	if err := os.WriteFile(path, append([]byte("# keep me\n"), src...), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := func(args ...string) result {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--kubeconfig", path, "config"}, args...), nil, &out, &errb)
		return result{out.String(), errb.String(), code}
	}
	cur := strings.TrimSpace(cfg("current-context").stdout)
	if cur == "" {
		t.Fatal("no current context")
	}
	names := cfg("get-contexts", "-o", "name").stdout
	other := ""
	for _, n := range strings.Fields(names) {
		if n != cur {
			other = n
		}
	}
	if other == "" {
		t.Skip("the test kubeconfig has one context")
	}
	if r := cfg("use-context", other); r.code != 0 || r.stdout != fmt.Sprintf("Switched to context %q.\n", other) {
		t.Fatalf("use-context: %+v", r)
	}
	if got := strings.TrimSpace(cfg("current-context").stdout); got != other {
		t.Errorf("current-context = %q after use-context %q", got, other)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if !bytes.HasPrefix(data, []byte("# keep me\n")) || fi.Mode().Perm() != 0o600 {
		t.Errorf("use-context lost the comment or the mode (%v)", fi.Mode())
	}
	table := cfg("get-contexts").stdout
	if !strings.HasPrefix(table, "CURRENT   NAME") || !regexp.MustCompile(`(?m)^\*\s+`+regexp.QuoteMeta(other)+`\s`).MatchString(table) {
		t.Errorf("get-contexts printed %q", table)
	}
	if r := cfg("use-context", "nope"); r.code != 1 || r.stderr != "error: no context exists with the name: \"nope\"\n" {
		t.Errorf("use-context nope: %+v", r)
	}
}
