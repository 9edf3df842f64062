package kr8s_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
	"github.com/kr8s-go/kr8s/kubeconfig"
)

// identity resolves a context of the test cluster's kubeconfig.
func identity(t *testing.T, context string) *kubeconfig.Resolved {
	t.Helper()
	cfg, err := kubeconfig.Load(testcluster.Kubeconfig(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := cfg.Resolve(context)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// writeKubeconfig writes a kubeconfig for the test cluster with the given
// user entry (YAML, indented under "user:").
func writeKubeconfig(t *testing.T, user string) string {
	t.Helper()
	admin := identity(t, "")
	b64 := base64.StdEncoding.EncodeToString
	data := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: u
  user:
%s
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`, admin.Server, b64(admin.CAData), user)
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func whoami(t *testing.T, c *kr8s.Client) string {
	t.Helper()
	u, err := c.Whoami(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

func TestAuthClientCertificate(t *testing.T) {
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Whoami(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "devcluster-admin" || !contains(u.Groups, "system:masters") {
		t.Fatalf("whoami = %+v", u)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestAuthToken(t *testing.T) {
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(testcluster.Kubeconfig(t)), kr8s.WithContext("devcluster-token"))
	if err != nil {
		t.Fatal(err)
	}
	if got := whoami(t, c); got != "token-admin" {
		t.Fatalf("whoami = %q", got)
	}
}

func TestAuthTokenFileRewritten(t *testing.T) {
	reader, admin := identity(t, "devcluster-reader").Token, identity(t, "devcluster-token").Token
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(reader), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(writeKubeconfig(t, "    tokenFile: "+tokenFile)))
	if err != nil {
		t.Fatal(err)
	}
	if got := whoami(t, c); got != "reader" {
		t.Fatalf("whoami = %q, want reader", got)
	}
	if err := os.WriteFile(tokenFile, []byte(admin+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The file is re-checked at most once a second.
	deadline := time.Now().Add(10 * time.Second)
	for whoami(t, c) != "token-admin" {
		if time.Now().After(deadline) {
			t.Fatal("the rewritten token file was not picked up")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var (
	pluginOnce sync.Once
	pluginPath string
	pluginErr  error
)

func buildPlugin(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kr8s-execplugin-")
		if err != nil {
			pluginErr = err
			return
		}
		pluginPath = filepath.Join(dir, "execplugin")
		out, err := exec.Command("go", "build", "-o", pluginPath, "./testdata/execplugin").CombinedOutput()
		if err != nil {
			pluginErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginPath
}

func pluginKubeconfig(t *testing.T, counter string, env map[string]string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: %s\n      interactiveMode: Never\n      env:\n", buildPlugin(t))
	env["PLUGIN_COUNTER"] = counter
	env["PLUGIN_TOKEN"] = identity(t, "devcluster-token").Token
	for k, v := range env {
		fmt.Fprintf(&sb, "      - {name: %s, value: %q}\n", k, v)
	}
	return writeKubeconfig(t, sb.String())
}

func runs(t *testing.T, counter string) int {
	b, _ := os.ReadFile(counter)
	return strings.Count(string(b), "\n")
}

func TestAuthExecPluginCachedUntilExpiry(t *testing.T) {
	counter := filepath.Join(t.TempDir(), "runs")
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(pluginKubeconfig(t, counter, map[string]string{"PLUGIN_EXPIRY_SECONDS": "2"})))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 5 {
		if got := whoami(t, c); got != "token-admin" {
			t.Fatalf("whoami = %q", got)
		}
	}
	if time.Since(start) < time.Second && runs(t, counter) != 1 {
		t.Fatalf("plugin ran %d times for 5 calls within its expiry, want 1", runs(t, counter))
	}
	// The expiry has second precision; wait until it has surely passed.
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	whoami(t, c)
	if n := runs(t, counter); n != 2 {
		t.Fatalf("plugin ran %d times after its credential expired, want 2", n)
	}
}

func TestAuthExecPluginOnceAfter401(t *testing.T) {
	counter := filepath.Join(t.TempDir(), "runs")
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(pluginKubeconfig(t, counter, map[string]string{"PLUGIN_FIRST_BAD": "1"})))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := c.APIVersions(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := runs(t, counter); n != 2 {
		t.Fatalf("plugin ran %d times, want 2: the first (rejected) credential and one refresh shared by 50 callers", n)
	}
}

func TestAuthInCluster(t *testing.T) {
	ns := testcluster.Namespace(t)
	admin := testcluster.Admin(t)
	ctx := context.Background()
	token := func(sa string) string {
		body := fmt.Sprintf(`{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":%q}}`, sa)
		if err := admin.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/serviceaccounts", []byte(body), nil); err != nil {
			t.Fatal(err)
		}
		var out []byte
		req := `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}`
		if err := admin.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/serviceaccounts/"+sa+"/token", []byte(req), &out); err != nil {
			t.Fatal(err)
		}
		var tr struct {
			Status struct{ Token string } `json:"status"`
		}
		if err := json.Unmarshal(out, &tr); err != nil || tr.Status.Token == "" {
			t.Fatalf("token request: %v", err)
		}
		return tr.Status.Token
	}
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("token", token("robot"))
	write("ca.crt", string(identity(t, "").CAData))
	write("namespace", ns)
	u, err := url.Parse(identity(t, "").Server)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", u.Hostname())
	t.Setenv("KUBERNETES_SERVICE_PORT", u.Port())
	c, err := kr8s.NewClient(kr8s.WithServiceAccount(dir))
	if err != nil {
		t.Fatal(err)
	}
	if c.Namespace() != ns {
		t.Fatalf("namespace = %q, want %q from the service-account directory", c.Namespace(), ns)
	}
	if got, want := whoami(t, c), "system:serviceaccount:"+ns+":robot"; got != want {
		t.Fatalf("whoami = %q, want %q", got, want)
	}
	// The kubelet rotates the token file; the client follows.
	write("token", token("robot2"))
	deadline := time.Now().Add(10 * time.Second)
	for whoami(t, c) != "system:serviceaccount:"+ns+":robot2" {
		if time.Now().After(deadline) {
			t.Fatal("the rotated token was not picked up")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAuthImpersonateForbidden(t *testing.T) {
	ns := testcluster.Namespace(t)
	admin := identity(t, "")
	b64 := base64.StdEncoding.EncodeToString
	user := fmt.Sprintf("    client-certificate-data: %s\n    client-key-data: %s\n    as: reader", b64(admin.ClientCertData), b64(admin.ClientKeyData))
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(writeKubeconfig(t, user)))
	if err != nil {
		t.Fatal(err)
	}
	if got := whoami(t, c); got != "reader" {
		t.Fatalf("whoami = %q, want the impersonated reader", got)
	}
	if _, err := c.Call(context.Background(), "GET", kr8s.Request{Namespace: "default", URL: "pods"}); err != nil {
		t.Fatalf("reader may list pods in default: %v", err)
	}
	_, err = c.Call(context.Background(), "GET", kr8s.Request{Namespace: ns, URL: "pods"})
	if !errors.Is(err, kr8s.ErrForbidden) {
		t.Fatalf("err = %v, want ErrForbidden", err)
	}
	var se *kr8s.StatusError
	if !errors.As(err, &se) || se.Code != 403 || !strings.Contains(se.Message, "reader") {
		t.Fatalf("status error = %+v", se)
	}
}
