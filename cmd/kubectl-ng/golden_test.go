package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
	"github.com/spf13/cobra"
)

// Golden tests: each test runs a short session of commands and compares the
// transcript, with volatile parts normalised, with testdata/NAME.golden.
// go test -run Golden -update rewrites the files.

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// transcript records commands and their normalised output.
type transcript struct {
	t     *testing.T
	ns    string
	buf   strings.Builder
	extra []*regexp.Regexp // test-specific values to hide
	exact bool             // record output as it is (for commands with no volatile output)
}

func newTranscript(t *testing.T, ns string) *transcript {
	return &transcript{t: t, ns: ns}
}

// add records a command line and its result.
func (tr *transcript) add(args []string, r result) {
	fmt.Fprintf(&tr.buf, "$ kubectl-ng %s\n", tr.tokens(quoteArgs(args)))
	if r.stdout != "" {
		tr.buf.WriteString(tr.normalise(r.stdout))
		if !strings.HasSuffix(r.stdout, "\n") {
			tr.buf.WriteString("%\n") // like zsh: output without a final newline
		}
	}
	if r.stderr != "" {
		for _, l := range strings.SplitAfter(strings.TrimSuffix(tr.normalise(r.stderr), "\n"), "\n") {
			tr.buf.WriteString("stderr> " + l)
		}
		tr.buf.WriteString("\n")
	}
	if r.code != 0 {
		fmt.Fprintf(&tr.buf, "[exit %d]\n", r.code)
	}
	tr.buf.WriteString("\n")
}

// run runs kubectl-ng in the transcript's namespace and records it.
func (tr *transcript) run(args ...string) result {
	tr.t.Helper()
	r := ng(tr.t, tr.ns, "", args...)
	tr.add(args, r)
	return r
}

// runIn is run with stdin.
func (tr *transcript) runIn(stdin string, args ...string) result {
	tr.t.Helper()
	r := ng(tr.t, tr.ns, stdin, args...)
	tr.add(args, r)
	return r
}

// check compares the transcript with testdata/name.golden.
func (tr *transcript) check(name string) {
	tr.t.Helper()
	checkGolden(tr.t, name, tr.buf.String())
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the lines that differ, with line numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %q\n   got: %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}

func quoteArgs(args []string) string {
	var out []string
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'{}$*[]") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

var (
	reUID       = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reTime      = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	reRV        = regexp.MustCompile(`("?resourceVersion"?: )"\d+"`)
	reIP        = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	rePod       = regexp.MustCompile(`\b(web|one)-[b-df-hj-np-tv-z0-9]{6,10}-[b-df-hj-np-tv-z0-9]{5}\b`)
	reRS        = regexp.MustCompile(`\b(web|one)-[b-df-hj-np-tv-z0-9]{6,10}\b`)
	reHash      = regexp.MustCompile(`(pod-template-hash["=:]+ ?"?)[b-df-hj-np-tv-z0-9]{6,10}`)
	reNode      = regexp.MustCompile(`\bkwok-node-\d+\b`)
	reServer    = regexp.MustCompile(`https://127\.0\.0\.1:\d+`)
	reAgeCell   = regexp.MustCompile(`^(\d+[smhdy](\d+[smh])?|<unknown>)( \(x\d+ over \d+[smhdy](\d+[smh])?\))?$`)
	reManySpace = regexp.MustCompile(`  +`)
)

// normalise hides what changes from run to run: the namespace, uids,
// resourceVersions, times, IPs, generated names and the node a pod landed
// on. Aligned columns are re-aligned after their cells changed, and cells
// that hold only an age become AGE.
func (tr *transcript) normalise(s string) string {
	if tr.exact {
		return s
	}
	return realign(tr.tokens(s))
}

// tokens replaces the volatile values in s.
func (tr *transcript) tokens(s string) string {
	if tr.exact {
		return s
	}
	s = strings.ReplaceAll(s, tr.ns, "NS")
	s = reUID.ReplaceAllString(s, "UID")
	s = reTime.ReplaceAllString(s, "TIME")
	s = reRV.ReplaceAllString(s, `${1}"RV"`)
	s = reServer.ReplaceAllString(s, "https://127.0.0.1:PORT")
	s = reIP.ReplaceAllStringFunc(s, func(ip string) string {
		if ip == "127.0.0.1" || ip == "0.0.0.0" {
			return ip
		}
		return "IP"
	})
	s = rePod.ReplaceAllString(s, "${1}-HASH-POD")
	s = reRS.ReplaceAllString(s, "${1}-HASH")
	s = reHash.ReplaceAllString(s, "${1}HASH")
	s = reNode.ReplaceAllString(s, "NODE")
	for _, re := range tr.extra {
		s = re.ReplaceAllString(s, "XXX")
	}
	return s
}

// realign splits lines at runs of two or more spaces, replaces ages and
// aligns the cells again, so that a changed cell width does not matter.
func realign(s string) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 8, 3, ' ', 0)
	inBlock := false
	for _, line := range strings.SplitAfter(s, "\n") {
		body := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(body)]
		if inBlock && len(indent) >= 12 && !strings.Contains(line, "\t") {
			// A continuation line, such as a second label in describe:
			// its first cell is empty.
			io.WriteString(tw, "\t"+body)
			continue
		}
		if strings.Contains(line, "\t") || !reManySpace.MatchString(strings.TrimRight(body, " \n")) {
			tw.Flush()
			inBlock = false
			b.WriteString(line)
			continue
		}
		inBlock = true
		nl := strings.HasSuffix(body, "\n")
		cells := reManySpace.Split(strings.TrimRight(body, " \n"), -1)
		for i, c := range cells {
			if reAgeCell.MatchString(c) {
				cells[i] = "AGE"
			}
		}
		io.WriteString(tw, indent+strings.Join(cells, "\t"))
		if nl {
			io.WriteString(tw, "\n")
		}
	}
	tw.Flush()
	return b.String()
}

// eventually runs kubectl-ng until ok accepts the result.
func eventually(t *testing.T, ns, what string, ok func(result) bool, args ...string) result {
	t.Helper()
	var r result
	testcluster.Eventually(t, 60*time.Second, what, func(ctx context.Context) (bool, error) {
		r = ng(t, ns, "", args...)
		return ok(r), nil
	})
	return r
}

func TestGoldenGet(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	deployWeb(t, ns)
	mustNG(t, ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf, labels: {tier: back}}\ndata: {a: \"1\", b: \"2\"}\n", "apply", "-f", "-")
	// The deployment is Available: let its status settle before printing it.
	eventually(t, ns, "the deployment to settle", func(r result) bool { return r.stdout == "2 2 2 NewReplicaSetAvailable" },
		"get", "deploy/web", "-o", `jsonpath={.status.replicas} {.status.readyReplicas} {.status.updatedReplicas} {.status.conditions[?(@.type=="Progressing")].reason}`)

	tr := newTranscript(t, ns)
	tr.run("get", "deploy,svc")
	tr.run("get", "pods")
	tr.run("get", "pods", "-o", "wide")
	tr.run("get", "deploy", "-o", "wide", "--show-labels")
	tr.run("get", "cm", "conf", "-L", "tier", "--show-kind")
	tr.run("get", "deploy,svc,cm", "-o", "name")
	tr.run("get", "svc", "web", "-o", "yaml")
	tr.run("get", "cm", "-l", "tier=back", "-o", "json")
	tr.run("get", "pods", "-o", `jsonpath={range .items[*]}{.metadata.labels.app} {.status.phase} {.spec.containers[0].image}{"\n"}{end}`)
	tr.run("get", "deploy/web", "-o", "jsonpath={.spec.replicas}")
	tr.run("get", "pods", "-o", "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,PHASE:.status.phase,MISSING:.spec.nope")
	tr.run("get", "deploy", "-o", "custom-columns=NAME:{.metadata.name},REPLICAS:.spec.replicas", "--no-headers")
	tr.run("get", "pods", "-o", "custom-columns=NAME")
	tr.run("get", "pods", "nope")
	tr.run("get", "secrets", "-l", "nothing=here")
	tr.check("get")
}

func TestGoldenGetWatch(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	mustNG(t, ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before}\n", "apply", "-f", "-")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"table", []string{"get", "cm", "-l", "w", "-w"}},
		{"name", []string{"get", "cm", "-l", "w", "-w", "-o", "name"}},
		{"columns", []string{"get", "cm", "-l", "w", "--watch-only", "-o", "custom-columns=NAME:.metadata.name,V:.data.v"}},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb testcluster.SyncBuffer
		done := make(chan int, 1)
		args := append([]string{"--kubeconfig", testcluster.Kubeconfig(t), "-n", ns}, tc.args...)
		go func() { done <- run(ctx, args, strings.NewReader(""), &out, &errb) }()
		cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + tc.name + ", labels: {w: x}}\ndata: {v: one}\n"
		if tc.name != "columns" {
			// get lists first and says so when nothing matched: create
			// the object after that. (--watch-only starts with the
			// current state, so it sees the object either way.)
			testcluster.Eventually(t, 30*time.Second, "the initial list", func(context.Context) (bool, error) {
				return strings.Contains(errb.String(), "No resources found"), nil
			})
		}
		mustNG(t, ns, cm, "apply", "-f", "-")
		waitFor := func(what string, n int) {
			testcluster.Eventually(t, 30*time.Second, what, func(context.Context) (bool, error) {
				return strings.Count(out.String(), "\n") >= n, nil
			})
		}
		first := 1
		if tc.name == "table" || tc.name == "columns" {
			first = 2 // header and row
		}
		waitFor("the created object", first)
		mustNG(t, ns, strings.Replace(cm, "one", "two", 1), "apply", "-f", "-")
		waitFor("the change", first+1)
		mustNG(t, ns, "", "delete", "cm", tc.name)
		waitFor("the deletion", first+2)
		cancel()
		code := <-done
		tr := newTranscript(t, ns)
		tr.add(tc.args, result{out.String(), errb.String(), code})
		tr.check("get-watch-" + tc.name)
	}
}

func TestGoldenDescribe(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	one := strings.Replace(strings.ReplaceAll(deployment, "web", "one"), "replicas: 2", "replicas: 1", 1)
	mustNG(t, ns, one, "apply", "-f", "-")
	mustNG(t, ns, "", "wait", "deploy/one", "--for=condition=Available", "--timeout=60s")
	tr := newTranscript(t, ns)
	// Events are recorded asynchronously: wait for them.
	r := eventually(t, ns, "the deployment's event and final status", func(r result) bool {
		return strings.Contains(r.stdout, "ScalingReplicaSet") && strings.Contains(r.stdout, "NewReplicaSetAvailable")
	}, "describe", "deploy/one")
	tr.add([]string{"describe", "deploy/one"}, r)
	r = eventually(t, ns, "the pod's event", func(r result) bool { return strings.Contains(r.stdout, "Scheduled") },
		"describe", "pods", "-l", "app=one")
	tr.add([]string{"describe", "pods", "-l", "app=one"}, r)
	r = eventually(t, ns, "the service's endpoint", func(r result) bool { return strings.Contains(r.stdout, ":8080\n") },
		"describe", "svc/one")
	tr.add([]string{"describe", "svc/one"}, r)
	tr.run("describe", "cm", "kube-root-ca.crt")
	tr.run("describe", "pods", "-l", "app=none")
	tr.check("describe")

	// Nodes are shared and changing: check the essentials only.
	out := mustNG(t, "", "", "describe", "nodes")
	for _, want := range []string{"Name:", "Labels:", "Conditions:", "Addresses:", "Capacity:", "System Info:", "Non-terminated Pods:", "Events:"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe nodes lacks %q:\n%s", want, out)
		}
	}
}

func TestGoldenApplyDeleteWait(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	tr := newTranscript(t, ns)
	tr.runIn(deployment, "apply", "-f", "-")
	tr.run("wait", "deploy/web", "--for=condition=Available", "--timeout=60s")
	tr.runIn(deployment, "apply", "-f", "-")
	other := strings.Replace(deployment, "replicas: 2", "replicas: 3", 1)
	other = other[:strings.Index(other, "---")]
	tr.runIn(other, "apply", "-f", "-", "--field-manager", "other")
	tr.runIn(other, "apply", "-f", "-", "--field-manager", "other", "--force-conflicts", "--dry-run=server")
	tr.runIn(other, "apply", "-f", "-", "--field-manager", "other", "--force-conflicts")
	tr.run("wait", "deploy/web", "--for=jsonpath={.status.readyReplicas}=3", "--timeout=60s")
	tr.run("wait", "deploy/web", "--for=condition=Bogus", "--timeout=1s")
	tr.run("wait", "pods", "--for=condition=Ready", "--timeout=1s")
	tr.runIn("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: z}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {x: z}}\n", "create", "-f", "-")
	tr.run("get", "cm", "-l", "x=z", "-o", "name")
	tr.run("delete", "cm", "-l", "x=z")
	tr.run("delete", "cm", "a")
	tr.run("delete", "cm", "a", "--ignore-not-found")
	tr.run("delete", "cm")
	tr.runIn(deployment, "delete", "-f", "-")
	eventually(t, ns, "the pods to go", func(r result) bool { return r.code == 0 && r.stdout == "" }, "get", "pods")
	tr.run("get", "deploy,svc,pods")
	tr.check("apply-delete-wait")
}

func TestGoldenLogsExec(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	one := strings.Replace(strings.ReplaceAll(deployment, "web", "one"), "replicas: 2", "replicas: 1", 1)
	one = strings.Replace(one, `echo hello from one; sleep 3600`, `echo hello from one; echo line two; sleep 3600`, 1)
	mustNG(t, ns, one, "apply", "-f", "-")
	mustNG(t, ns, "", "wait", "deploy/one", "--for=condition=Available", "--timeout=60s")
	// A running container may not have written its first lines yet.
	eventually(t, ns, "the log lines", func(r result) bool { return strings.Count(r.stdout, "\n") == 2 }, "logs", "deploy/one")

	tr := newTranscript(t, ns)
	tr.run("logs", "deploy/one")
	tr.run("logs", "deploy/one", "--tail=1")
	tr.run("logs", "deploy/one", "-c", "main", "--tail=1", "--timestamps")
	tr.run("logs", "deploy/one", "-c", "nope")
	tr.run("logs", "nope")
	tr.run("exec", "deploy/one", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
	tr.run("exec", "deploy/one", "-c", "main", "--", "echo", "hi")
	tr.runIn("piped\ninput\n", "exec", "-i", "deploy/one", "--", "cat")
	tr.runIn("no terminal here\n", "exec", "-it", "deploy/one", "--", "cat")
	tr.run("exec", "deploy/one")
	tr.check("logs-exec")
}

func TestGoldenPortForward(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") })}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	one := strings.Replace(strings.ReplaceAll(deployment, "web", "one"), "replicas: 2", "replicas: 1", 1)
	mustNG(t, ns, one, "apply", "-f", "-")
	mustNG(t, ns, "", "wait", "deploy/one", "--for=condition=Available", "--timeout=60s")

	tr := newTranscript(t, ns)
	tr.extra = append(tr.extra, regexp.MustCompile(`\b`+fmt.Sprint(port)+`\b`))
	for _, target := range []string{"deploy/one", "pod/" + strings.TrimPrefix(strings.TrimSpace(mustNG(t, ns, "", "get", "pods", "-o", "name")), "pod/")} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb testcluster.SyncBuffer
		done := make(chan int, 1)
		args := []string{"port-forward", target, fmt.Sprintf(":%d", port)}
		go func() {
			done <- run(ctx, append([]string{"--kubeconfig", testcluster.Kubeconfig(t), "-n", ns}, args...), strings.NewReader(""), &out, &errb)
		}()
		re := regexp.MustCompile(`Forwarding from (127\.0\.0\.1:(\d+)) -> ` + fmt.Sprint(port))
		var m []string
		testcluster.Eventually(t, 30*time.Second, "the Forwarding line", func(context.Context) (bool, error) {
			m = re.FindStringSubmatch(out.String())
			return m != nil, nil
		})
		resp, err := http.Get("http://" + m[1] + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "pong" {
			t.Errorf("%s: got %q through the forward", target, b)
		}
		cancel()
		code := <-done
		local := regexp.MustCompile(`\b` + m[2] + `\b`)
		tr.add(args, result{local.ReplaceAllString(out.String(), "LOCAL"), errb.String(), code})
	}
	tr.run("port-forward", "deploy/one", fmt.Sprintf("%d:%d", port, port)) // the test's server holds the port
	tr.run("port-forward", "deploy/one", "notaport")
	tr.run("port-forward", "svc/nope", "80")
	tr.check("port-forward")
}

// testKubeconfig is a kubeconfig for the config commands; they never reach
// a cluster. The secrets are fake.
const testKubeconfig = `# Team clusters. Keep this comment.
apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority-data: Y2EK
- name: dev
  cluster: {server: "https://dev.example.com", insecure-skip-tls-verify: true}
users:
- name: admin
  user:
    client-certificate-data: Y2VydAo=
    client-key-data: a2V5Cg==
- name: dev-user
  user: {token: s3cr3t-t0ken}
contexts:
- name: prod   # the real one
  context: {cluster: prod, user: admin, namespace: default}
- name: dev
  context:
    cluster: dev
    user: dev-user
current-context: prod # set by hand
`

func TestGoldenConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(testKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	tr := newTranscript(t, "no-namespace-here")
	tr.exact = true
	cfg := func(args ...string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--kubeconfig", path}, args...), nil, &out, &errb)
		tr.add(args, result{out.String(), errb.String(), code})
	}
	cfg("config", "current-context")
	cfg("config", "get-contexts")
	cfg("config", "get-contexts", "-o", "name")
	cfg("config", "view")
	cfg("config", "view", "--minify")
	cfg("config", "view", "--minify", "--context", "dev", "-o", "json")
	cfg("config", "use-context", "dev")
	cfg("config", "use-context", "nope")
	cfg("config", "set-context", "--current", "--namespace", "web")
	cfg("config", "set-context", "prod", "--namespace", "kube-system")
	cfg("config", "set-context", "nope", "--namespace", "x")
	cfg("config", "rename-context", "dev", "development")
	cfg("config", "rename-context", "development", "prod")
	cfg("config", "get-contexts")
	cfg("config", "current-context")
	tr.check("config")

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "config-file", string(data))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the kubeconfig's mode is %v after the edits, want 0600", fi.Mode().Perm())
	}
	for _, c := range []string{"# Team clusters. Keep this comment.", "# the real one"} {
		if !strings.Contains(string(data), c) {
			t.Errorf("comment %q did not survive:\n%s", c, data)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("files left beside the kubeconfig: %v", ents)
	}

	// --raw shows the secrets as they are; without it they never appear.
	var out bytes.Buffer
	if run(context.Background(), []string{"--kubeconfig", path, "config", "view", "--raw"}, nil, &out, io.Discard) != 0 ||
		!strings.Contains(out.String(), "s3cr3t-t0ken") || !strings.Contains(out.String(), "a2V5Cg==") {
		t.Errorf("view --raw hides secrets:\n%s", out.String())
	}
	if strings.Contains(tr.buf.String(), "s3cr3t") || strings.Contains(tr.buf.String(), "a2V5Cg") {
		t.Error("a secret appears in config output without --raw")
	}
}

// TestConfigViewMatchesKubectl compares config view with kubectl's.
func TestConfigViewMatchesKubectl(t *testing.T) {
	t.Parallel()
	kc, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(testKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"config", "view"},
		{"config", "view", "--minify"},
		{"config", "view", "--raw"},
		{"config", "view", "--minify", "--context", "dev"},
		{"config", "get-contexts"},
		{"config", "get-contexts", "-o", "name"},
	} {
		var out bytes.Buffer
		if code := run(context.Background(), append([]string{"--kubeconfig", path}, args...), nil, &out, io.Discard); code != 0 {
			t.Errorf("%v: exit %d", args, code)
			continue
		}
		want, err := runCmd(kc, append([]string{"--kubeconfig", path}, args...)...)
		if err != nil {
			t.Fatalf("kubectl %v: %v", args, err)
		}
		if out.String() != want {
			t.Errorf("%v differs from kubectl's\n%s", args, lineDiff(want, out.String()))
		}
	}
}

// runCmd runs a program and returns its stdout.
func runCmd(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, stderr.String())
	}
	return string(out), nil
}

// TestHelp checks that every command's help, cobra's help and completion
// commands included, is concise and has examples.
func TestHelp(t *testing.T) {
	t.Parallel()
	seen := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		seen++
		if c.Hidden {
			return
		}
		if c.Example == "" {
			t.Errorf("%s has no examples", c.CommandPath())
		}
		if c.Short == "" || len(c.Short) > 100 {
			t.Errorf("%s: the short help %q is missing or long", c.CommandPath(), c.Short)
		}
		args := append(strings.Fields(c.CommandPath())[1:], "--help")
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "Examples:") {
			t.Errorf("kubectl-ng %s: exit %d, no Examples section:\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		if n := strings.Count(out.String(), "\n"); n > 60 {
			t.Errorf("kubectl-ng %s is %d lines long", strings.Join(args, " "), n)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&app{}).rootCmd())
	if seen < 37 { // root, 20 commands, 10 config subcommands, help, completion and its 4 shells
		t.Errorf("walked %d commands, want every one", seen)
	}
}
