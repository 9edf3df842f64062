package main

import (
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// drainFixture is what the drain test runs on kwok-node-0: a Deployment
// that prefers the node, guarded by a budget that allows no disruption
// at first; a DaemonSet, whose pods drain leaves; and a pod no controller
// manages, which needs --force.
const drainFixture = `apiVersion: v1
kind: Namespace
metadata: {name: drain}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: drain}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: busybox}]
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference: {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [kwok-node-0]}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: drain}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: drain}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: main, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: lonely, namespace: drain}
spec:
  nodeName: kwok-node-0
  containers: [{name: main, image: busybox}]
`

// TestNodes runs cordon, uncordon and drain on a private cluster: they
// change nodes, which the other tests' pods need.
func TestNodes(t *testing.T) {
	t.Parallel()
	kc := testcluster.NewPrivate(t).Kubeconfig
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(kc))
	if err != nil {
		t.Fatal(err)
	}
	const node = "kwok-node-0"
	kng := func(args ...string) result { t.Helper(); return ngWith(t, kc, "", "", "", args...) }
	// expect runs a command and checks its output and the node on the
	// server afterwards.
	expect := func(args []string, code int, stdout string, unschedulable bool) result {
		t.Helper()
		r := kng(args...)
		if r.code != code || r.stdout != stdout {
			t.Errorf("kubectl-ng %s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, code, stdout)
		}
		n, err := kr8s.Nodes.Get(ctx, node, &kr8s.GetOptions{API: c})
		if err != nil {
			t.Fatal(err)
		}
		if n.Unschedulable() != unschedulable {
			t.Errorf("after kubectl-ng %s: spec.unschedulable is %v on the server", strings.Join(args, " "), n.Unschedulable())
		}
		return r
	}
	expect([]string{"cordon", node}, 0, "node/kwok-node-0 cordoned\n", true)
	expect([]string{"cordon", node}, 0, "node/kwok-node-0 already cordoned\n", true)
	expect([]string{"uncordon", node}, 0, "node/kwok-node-0 uncordoned\n", false)
	expect([]string{"uncordon", node}, 0, "node/kwok-node-0 already uncordoned\n", false)
	if r := kng("cordon", "nope"); r.code != 1 || r.stderr != "Error from server (NotFound): nodes \"nope\" not found\n" {
		t.Errorf("cordon nope: %+v", r)
	}

	if r := ngWith(t, kc, "", "", drainFixture, "apply", "-f", "-"); r.code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	for _, w := range [][]string{
		{"deploy/web", "--for=jsonpath={.status.readyReplicas}=2"},
		{"ds/agent", "--for=jsonpath={.status.numberReady}=2"},
		{"pdb/web", "--for=jsonpath={.status.currentHealthy}=2"},
		{"pod/lonely", "--for=condition=Ready"},
	} {
		if r := kng(append([]string{"-n", "drain", "wait", "--timeout=90s"}, w...)...); r.code != 0 {
			t.Fatalf("wait %v: %+v", w, r)
		}
	}
	onNode := func() (names []string) {
		pods, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: c, Namespace: "drain", FieldSelector: "spec.nodeName=" + node})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods {
			names = append(names, p.Name())
		}
		return names
	}
	before := onNode()
	var evicted []string // the pods drain must evict
	for _, p := range before {
		if !strings.HasPrefix(p, "agent-") {
			evicted = append(evicted, p)
		}
	}
	if len(evicted) < 2 { // lonely and at least one web pod
		t.Fatalf("pods on %s before the drain: %v; want lonely and web pods", node, before)
	}

	// Without --force the pod without a controller stops the drain; the
	// node stays cordoned, as with kubectl.
	r := expect([]string{"drain", node}, 1, "node/kwok-node-0 cordoned\n", true)
	if !strings.Contains(r.stderr, "error: drain kwok-node-0: cannot evict: drain/lonely has no controller") || !strings.Contains(r.stderr, "\nUse --force") {
		t.Errorf("drain without --force: stderr %q", r.stderr)
	}

	// With --force, on a terminal: the budget refuses the first eviction
	// of a web pod; a third replica (on the other node) makes room and
	// the drain carries on by itself.
	var stdout, stderr testcluster.SyncBuffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, tty: func(w io.Writer) bool { return w == &stderr }}
	done := make(chan int, 1)
	start := time.Now()
	go func() { done <- a.run(ctx, []string{"--kubeconfig", kc, "drain", node, "--force"}) }()
	testcluster.Eventually(t, 90*time.Second, "a refused eviction", func(context.Context) (bool, error) {
		return strings.Contains(stderr.String(), "error when evicting pods/"), nil
	})
	if r := kng("-n", "drain", "scale", "deploy/web", "--replicas=3"); r.code != 0 {
		t.Fatalf("scale: %+v", r)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("drain --force: exit %d\nstdout %q\nstderr %q", code, stdout.String(), stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("drain --force still running after 3m\nstdout %q\nstderr %q", stdout.String(), stderr.String())
	}
	t.Logf("drain with a refused eviction took %v", time.Since(start).Round(100*time.Millisecond))

	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	var want []string
	for _, p := range evicted {
		want = append(want, "evicting pod drain/"+p, "pod/"+p+" evicted")
	}
	middle := slices.Clone(lines[1 : len(lines)-1])
	slices.Sort(middle)
	slices.Sort(want)
	if lines[0] != "node/kwok-node-0 already cordoned" || lines[len(lines)-1] != "node/kwok-node-0 drained" || !slices.Equal(middle, want) {
		t.Errorf("drain --force printed\n%s\nwant, in some order between the first and last lines:\n%s", stdout.String(), strings.Join(want, "\n"))
	}
	errs := stderr.String()
	for _, re := range []string{
		`Warning: ignoring DaemonSet-managed Pod: drain/agent-\w+\n`,
		`error when evicting pods/"web-[\w-]+" -n "drain" \(will retry after 2s\): Cannot evict pod as it would violate the pod's disruption budget\.\n`,
		regexp.QuoteMeta(clearLine) + `draining node/kwok-node-0: \d of \d pods gone, \d held by a disruption budget \(\d+s\)`,
	} {
		if !regexp.MustCompile(re).MatchString(errs) {
			t.Errorf("stderr lacks %s:\n%q", re, errs)
		}
	}
	if !strings.HasSuffix(errs, clearLine) {
		t.Errorf("the progress line is not erased at the end: %q", errs)
	}
	left := onNode()
	if slices.ContainsFunc(left, func(p string) bool { return !strings.HasPrefix(p, "agent-") }) {
		t.Errorf("pods left on %s after the drain: %v", node, left)
	}

	// Drained again, to a buffer: the result lines and nothing else.
	r = expect([]string{"drain", node}, 0, "node/kwok-node-0 already cordoned\nnode/kwok-node-0 drained\n", true)
	if !regexp.MustCompile(`^Warning: ignoring DaemonSet-managed Pod: drain/agent-\w+\n$`).MatchString(r.stderr) {
		t.Errorf("second drain, stderr %q", r.stderr)
	}
	expect([]string{"uncordon", node}, 0, "node/kwok-node-0 uncordoned\n", false)
}
