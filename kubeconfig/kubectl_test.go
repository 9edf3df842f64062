package kubeconfig

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kubectlView is the part of `kubectl config view -o json` we compare.
type kubectlView struct {
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string `json:"name"`
		Cluster struct {
			Server        string `json:"server"`
			CAData        []byte `json:"certificate-authority-data"`
			Insecure      bool   `json:"insecure-skip-tls-verify"`
			TLSServerName string `json:"tls-server-name"`
			ProxyURL      string `json:"proxy-url"`
		} `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string `json:"name"`
		User struct {
			Token     string `json:"token"`
			TokenFile string `json:"tokenFile"`
			CertData  []byte `json:"client-certificate-data"`
			KeyData   []byte `json:"client-key-data"`
			Username  string `json:"username"`
			Password  string `json:"password"`
			Exec      *struct {
				Command         string `json:"command"`
				InteractiveMode string `json:"interactiveMode"`
			} `json:"exec"`
		} `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string `json:"name"`
		Context struct {
			Cluster   string `json:"cluster"`
			User      string `json:"user"`
			Namespace string `json:"namespace"`
		} `json:"context"`
	} `json:"contexts"`
}

// TestKubectlDifferential loads tricky setups with kubectl and with Load +
// Resolve and compares the chosen context, cluster, user, credentials and
// namespace. `kubectl config view --minify --flatten` applies the merge
// rules, the context choice, and reads certificate files relative to the
// file that defined them; tokenFile and exec command are printed as written,
// so for those we check the path against the defining file's directory.
func TestKubectlDifferential(t *testing.T) {
	t.Parallel()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not on PATH")
	}
	files := map[string]string{
		"a/config": `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster: {server: "https://a.example:6443", certificate-authority: pki/ca.crt}
- name: only-a
  cluster: {server: "https://only-a.example", insecure-skip-tls-verify: true, tls-server-name: sni.a}
users:
- name: shared
  user: {client-certificate: pki/u.crt, client-key: pki/u.key}
- name: tokfile
  user: {tokenFile: secrets/tok}
contexts:
- name: shared
  context: {cluster: shared, user: shared, namespace: ns-a}
- name: ctx-a
  context: {cluster: only-a, user: tokfile}
- name: anon
  context: {cluster: shared}
`,
		"a/pki/ca.crt": "CA-A\n", "a/pki/u.crt": "CERT-A\n", "a/pki/u.key": "KEY-A\n", "a/secrets/tok": "TOKEN-A\n",
		"b/config": `current-context: ctx-b
clusters:
- name: shared
  cluster: {server: "https://b.example", certificate-authority-data: Q0EtQgo=}
- name: only-b
  cluster: {server: "https://only-b.example", certificate-authority: ../b-ca/ca.crt, proxy-url: "http://proxy:3128"}
users:
- name: shared
  user: {token: token-b}
- name: only-b
  user: {client-certificate-data: Q0VSVC1C, client-key-data: S0VZLUI=}
- name: plugin
  user:
    exec: {command: ./bin/cred, apiVersion: client.authentication.k8s.io/v1beta1}
- name: basic
  user: {username: bob, password: hunter2}
contexts:
- name: shared
  context: {cluster: only-b, user: only-b, namespace: ns-b}
- name: ctx-b
  context: {cluster: shared, user: shared, namespace: ns-ctx-b}
- name: plugin
  context: {cluster: only-b, user: plugin}
- name: basic
  context: {cluster: only-b, user: basic, namespace: nb}
`,
		"b-ca/ca.crt": "CA-ONLY-B\n",
		"c/config": `# no apiVersion, no kind, unknown fields
whatever: 1
clusters:
- name: only-c
  cluster: {server: "https://c.example", future: true}
contexts:
- name: ctx-c
  context: {cluster: only-c, user: shared, namespace: ns-c}
- name: shared
  context: {cluster: only-c}
`,
		"empty/config": "",
	}
	dir := writeFiles(t, t.TempDir(), files)
	home := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }

	tests := []struct {
		name    string
		list    []string
		context string
		wantErr bool
	}{
		{name: "first file wins, current-context from first", list: []string{"a/config", "b/config"}},
		{name: "reverse order", list: []string{"b/config", "a/config"}},
		{name: "duplicate context name picks first definition", list: []string{"b/config", "a/config"}, context: "shared"},
		{name: "duplicate context name, other order", list: []string{"a/config", "b/config"}, context: "shared"},
		{name: "context from third file uses user from first", list: []string{"a/config", "b/config", "c/config"}, context: "ctx-c"},
		{name: "current-context skips files without one", list: []string{"empty/config", "c/config", "b/config", "a/config"}},
		{name: "missing entries skipped", list: []string{"missing/config", "b/config", "nope", "a/config"}},
		{name: "duplicate paths loaded once", list: []string{"a/config", "a/config", "b/config", "a/config"}, context: "ctx-b"},
		{name: "relative CA outside the file's directory", list: []string{"a/config", "b/config"}, context: "plugin"},
		{name: "exec command relative to defining file", list: []string{"c/config", "b/config"}, context: "plugin"},
		{name: "token file relative to defining file", list: []string{"b/config", "a/config"}, context: "ctx-a"},
		{name: "anonymous context", list: []string{"a/config"}, context: "anon"},
		{name: "basic auth and namespace", list: []string{"b/config"}, context: "basic"},
		{name: "context without namespace defaults", list: []string{"c/config", "a/config"}, context: "shared"},
		{name: "unknown context", list: []string{"a/config", "b/config"}, context: "nope", wantErr: true},
		{name: "no current context", list: []string{"c/config"}, wantErr: true},
		{name: "all entries missing", list: []string{"missing1", "missing2"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var list []string
			for _, f := range tt.list {
				list = append(list, p(f))
			}
			kubeconfigEnv := strings.Join(list, string(os.PathListSeparator))

			args := []string{"config", "view", "--minify", "--raw", "--flatten", "-o", "json"}
			if tt.context != "" {
				args = append(args, "--context", tt.context)
			}
			cmd := exec.Command(kubectl, args...)
			cmd.Env = append(cleanEnv(), "KUBECONFIG="+kubeconfigEnv, "HOME="+home)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			kerr := cmd.Run()

			// Ours, through the same path as a client: $KUBECONFIG.
			cfg, err := load(list, true)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			r, err := cfg.Resolve(tt.context)

			if tt.wantErr {
				if kerr == nil || err == nil {
					t.Fatalf("want both to fail: kubectl err %v (%s), Resolve err %v", kerr, stderr.String(), err)
				}
				return
			}
			if kerr != nil {
				t.Fatalf("kubectl: %v: %s", kerr, stderr.String())
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			var kv kubectlView
			if err := json.Unmarshal(stdout.Bytes(), &kv); err != nil {
				t.Fatal(err)
			}
			compareWithKubectl(t, &kv, cfg, r)
		})
	}
}

func compareWithKubectl(t *testing.T, kv *kubectlView, cfg *Config, r *Resolved) {
	t.Helper()
	if len(kv.Contexts) != 1 {
		t.Fatalf("kubectl minified to %d contexts", len(kv.Contexts))
	}
	kctx := kv.Contexts[0]
	check := func(what string, got, want any) {
		t.Helper()
		if !equalValues(got, want) {
			t.Errorf("%s: ours %q, kubectl %q", what, got, want)
		}
	}
	check("context", r.Context, kv.CurrentContext)
	check("cluster name", r.Cluster, kctx.Context.Cluster)
	check("user name", r.User, kctx.Context.User)
	wantNS := kctx.Context.Namespace
	if wantNS == "" {
		wantNS = "default" // kubectl prints nothing; clients use "default"
	}
	check("namespace", r.Namespace, wantNS)

	if len(kv.Clusters) != 1 {
		t.Fatalf("kubectl minified to %d clusters", len(kv.Clusters))
	}
	kc := kv.Clusters[0].Cluster
	check("server", r.Server, kc.Server)
	check("CA data", string(r.CAData), string(kc.CAData))
	check("insecure", r.InsecureSkipTLSVerify, kc.Insecure)
	check("tls-server-name", r.TLSServerName, kc.TLSServerName)
	check("proxy-url", r.ProxyURL, kc.ProxyURL)

	if r.User == "" {
		if len(kv.Users) != 0 {
			t.Errorf("kubectl has users %+v for an anonymous context", kv.Users)
		}
		return
	}
	if len(kv.Users) != 1 {
		t.Fatalf("kubectl minified to %d users", len(kv.Users))
	}
	ku := kv.Users[0].User
	src := filepath.Dir(cfg.User(r.User).Source)
	check("client cert", string(r.ClientCertData), string(ku.CertData))
	check("client key", string(r.ClientKeyData), string(ku.KeyData))
	check("username", r.Username, ku.Username)
	check("password", r.Password, ku.Password)
	switch {
	case ku.Token != "":
		check("token", r.Token, ku.Token)
	case ku.TokenFile != "":
		check("token file", r.TokenFile, filepath.Join(src, ku.TokenFile))
		check("token from file", r.Token != "", true)
	default:
		check("token", r.Token, "")
	}
	if ku.Exec != nil {
		want := ku.Exec.Command
		if strings.Contains(want, "/") && !filepath.IsAbs(want) {
			want = filepath.Join(src, want)
		}
		check("exec command", r.Exec.Command, want)
		check("exec interactiveMode", r.Exec.InteractiveMode, ku.Exec.InteractiveMode)
	} else if r.Exec != nil {
		t.Errorf("ours has exec %+v, kubectl none", r.Exec)
	}
}

func equalValues(a, b any) bool { return a == b }

// cleanEnv is the test's environment without the variables kubectl reads
// its configuration from.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "KUBECONFIG=") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
