package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// waitManifests writes, in a directory of its own, a manifest of the
// one-replica deployment "one" (deploy.yaml) and one of the ConfigMap
// "settings" (cm.yaml), applies both in ns, and returns the directory.
func waitManifests(t *testing.T, ns string) string {
	t.Helper()
	dir := t.TempDir()
	one := strings.Replace(strings.ReplaceAll(deployment, "web", "one"), "replicas: 2", "replicas: 1", 1)
	one = one[:strings.Index(one, "---")]
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, labels: {app: one}}\ndata: {a: \"1\"}\n"
	for name, src := range map[string]string{"deploy.yaml": one, "cm.yaml": cm} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		mustNG(t, ns, src, "apply", "-f", "-")
	}
	return dir
}

// TestGoldenWaitFileFieldSelector covers wait -f (objects from manifests)
// and wait --field-selector.
func TestGoldenWaitFileFieldSelector(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	dir := waitManifests(t, ns)
	deploy, cm := filepath.Join(dir, "deploy.yaml"), filepath.Join(dir, "cm.yaml")
	tr := newTranscript(t, ns)
	tr.extra = append(tr.extra, regexp.MustCompile(regexp.QuoteMeta(dir)))
	tr.run("wait", "-f", deploy, "--for=condition=Available", "--timeout=60s")
	tr.run("wait", "-f", cm, "--for=jsonpath={.data.a}=1")
	tr.runIn("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n", "wait", "-f", "-", "--for=jsonpath={.metadata.labels.app}=one")
	tr.run("wait", "-R", "-f", dir, "--for=jsonpath={.metadata.name}", "--timeout=5s")
	tr.run("wait", "pods", "--field-selector=status.phase=Running", "--for=condition=Ready", "--timeout=60s")
	tr.run("wait", "cm", "--field-selector", "metadata.name=settings", "--for=jsonpath={.data.a}=1")
	tr.run("wait", "cm", "--field-selector", "metadata.name=settings,metadata.namespace="+ns, "-l", "app=one", "--for=jsonpath={.data.a}=1")
	tr.run("wait", "pods", "--field-selector=status.phase=Failed", "--for=condition=Ready", "--timeout=5s")
	tr.run("wait", "cm", "settings", "--field-selector=metadata.name=settings", "--for=delete")
	tr.run("wait", "-f", cm, "cm/settings", "--for=delete")
	tr.run("wait", "-f", cm, "-l", "app=one", "--for=delete")
	tr.run("wait", "-f", filepath.Join(dir, "nope.yaml"), "--for=delete")
	tr.run("wait", "--for=delete")
	mustNG(t, ns, "", "delete", "-f", cm, "--wait=false")
	tr.run("wait", "-f", cm, "--for=delete", "--timeout=60s")
	tr.check("wait-file")
}

// TestWaitFileMatchesKubectl runs wait -f and wait --field-selector
// through kubectl-ng and kubectl and compares the output and the exit
// status.
func TestWaitFileMatchesKubectl(t *testing.T) {
	t.Parallel()
	kc := kubectlPath(t)
	ns := testcluster.Namespace(t)
	dir := waitManifests(t, ns)
	deploy, cm := filepath.Join(dir, "deploy.yaml"), filepath.Join(dir, "cm.yaml")
	for _, args := range [][]string{
		{"wait", "-f", deploy, "--for=condition=Available", "--timeout=60s"},
		{"wait", "-f", deploy, "-f", cm, "--for=jsonpath={.metadata.labels.app}=one"},
		{"wait", "-R", "-f", dir, "--for=jsonpath={.metadata.name}", "--timeout=30s"},
		{"wait", "pods", "--field-selector=status.phase=Running", "--for=condition=Ready", "--timeout=60s"},
		{"wait", "cm", "--field-selector", "metadata.name=settings", "--for=jsonpath={.data.a}=1"},
		{"wait", "pods", "--field-selector=status.phase=Failed", "--for=condition=Ready", "--timeout=5s"},
		{"wait", "cm", "settings", "--field-selector=metadata.name=settings", "--for=delete"},
		{"wait", "-f", cm, "cm/settings", "--for=delete"},
		{"wait", "-f", cm, "--for=jsonpath={.data.a}=2", "--timeout=1s"},
	} {
		got := ng(t, ns, "", args...)
		want := runWithKubeconfig(t, kc, []string{testcluster.Kubeconfig(t)}, append(args, "-n", ns))
		if (got.code == 0) != (want.code == 0) || got.stdout != want.stdout {
			t.Errorf("kubectl-ng %s: exit %d, kubectl's %d\n got: %q\nwant: %q\nstderr: %s\nkubectl's stderr: %s",
				quoteArgs(args), got.code, want.code, got.stdout, want.stdout, got.stderr, want.stderr)
		}
	}
}
