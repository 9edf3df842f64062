package kubeconfig

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"kube/config":          fullConfig,
		"kube/ca/prod.crt":     "PROD CA",
		"kube/certs/admin.crt": "ADMIN CERT",
		"kube/tok":             "file-token\n",
	})
	cfg, err := LoadFile(filepath.Join(dir, "kube/config"))
	if err != nil {
		t.Fatal(err)
	}
	kube := filepath.Join(dir, "kube")

	t.Run("current context", func(t *testing.T) {
		t.Parallel()
		// The admin user mixes token and basic auth, which kubectl rejects.
		_, err := cfg.Resolve("")
		if err == nil || !strings.Contains(err.Error(), "more than one authentication method") {
			t.Fatalf("Resolve = %v, want a two-methods error", err)
		}
		assertNoSecret(t, "error", err.Error())
	})

	t.Run("exec user, relative paths, cluster info", func(t *testing.T) {
		t.Parallel()
		r, err := cfg.Resolve("prod")
		if err != nil {
			t.Fatal(err)
		}
		want := &Resolved{
			Context: "prod", Cluster: "prod", User: "plugin",
			Server: "https://prod.example:6443", Namespace: "default",
			CAData: []byte("PROD CA"), TLSServerName: "api.prod", ProxyURL: "socks5://proxy:1080", DisableCompression: true,
			Exec: &ExecConfig{
				Command: filepath.Join(kube, "bin/cred"), Args: []string{"get", "--all"},
				Env:        []ExecEnvVar{{Name: "SECRET_ENV", Value: secretEnv}},
				APIVersion: "client.authentication.k8s.io/v1beta1", InstallHint: "install it",
				ProvideClusterInfo: true, InteractiveMode: InteractiveIfAvailable,
			},
			ClusterInfo: ExecCluster{
				Server: "https://prod.example:6443", TLSServerName: "api.prod", CertificateAuthorityData: []byte("PROD CA"),
				ProxyURL: "socks5://proxy:1080", DisableCompression: true,
				Config: json.RawMessage(`{"audience":"prod","ids":[1,2]}`),
			},
		}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("Resolve:\n got %#v\nwant %#v", r, want)
		}
		// The config itself keeps the path as written.
		if got := cfg.User("plugin").AuthInfo.Exec.Command; got != "./bin/cred" {
			t.Errorf("config exec command changed to %q", got)
		}
	})
}

// resolveCase is one kubeconfig (plus files) and the expected outcome of
// Resolve(context).
type resolveCase struct {
	name    string
	files   map[string]string // relative to a temp dir; "config" is loaded
	context string
	check   func(t *testing.T, dir string, r *Resolved)
	wantErr []string // substrings; "$DIR" is replaced by the temp dir
}

func runResolveCases(t *testing.T, tests []resolveCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, t.TempDir(), tt.files)
			cfg, err := LoadFile(filepath.Join(dir, "config"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := cfg.Resolve(tt.context)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Resolve = %+v, want error", r)
				}
				t.Log(err)
				for _, w := range tt.wantErr {
					if w = strings.ReplaceAll(w, "$DIR", dir); !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				assertNoSecret(t, "error", err.Error())
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, dir, r)
		})
	}
}

func TestResolveCases(t *testing.T) {
	t.Parallel()
	const cluster = "clusters:\n- name: c\n  cluster: {server: https://k.example}\n"
	ctx := func(user string) string {
		return "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: " + user + "}\n"
	}
	runResolveCases(t, []resolveCase{
		{
			name: "relative paths against the defining file",
			files: map[string]string{
				"config": "clusters:\n- name: c\n  cluster: {server: https://k.example, certificate-authority: pki/ca.crt}\n" +
					"users:\n- name: u\n  user: {client-certificate: pki/u.crt, client-key: ../outside/u.key, tokenFile: tok}\n" + ctx("u"),
				"pki/ca.crt": "CA", "pki/u.crt": "CERT", "../outside/u.key": secretKeyPEM, "tok": "  " + secretToken + "\n",
			},
			check: func(t *testing.T, dir string, r *Resolved) {
				if string(r.CAData) != "CA" || string(r.ClientCertData) != "CERT" || string(r.ClientKeyData) != secretKeyPEM {
					t.Errorf("files not read: %+v", r)
				}
				// The certificate's files are recorded, absolute, for reloading.
				if r.ClientCertFile != filepath.Join(dir, "pki/u.crt") || r.ClientKeyFile != filepath.Join(dir, "../outside/u.key") {
					t.Errorf("client certificate files %q and %q", r.ClientCertFile, r.ClientKeyFile)
				}
				if r.Token != secretToken || r.TokenFile != filepath.Join(dir, "tok") {
					t.Errorf("token %q from %q", r.Token, r.TokenFile)
				}
			},
		},
		{
			name: "data fields",
			files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: https://k.example, certificate-authority-data: Q0E=}\n" +
				"users:\n- name: u\n  user: {client-certificate-data: Q0VSVA==, client-key-data: " + secretKeyB64 + ", token: " + secretToken + ", tokenFile: /nonexistent}\n" + ctx("u")},
			check: func(t *testing.T, dir string, r *Resolved) {
				if string(r.CAData) != "CA" || string(r.ClientCertData) != "CERT" || string(r.ClientKeyData) != secretKeyPEM {
					t.Errorf("data not used: %+v", r)
				}
				if r.ClientCertFile != "" || r.ClientKeyFile != "" {
					t.Errorf("client certificate files %q and %q for inline data", r.ClientCertFile, r.ClientKeyFile)
				}
				// Inline token wins; the file is only recorded (client-go reads it later).
				if r.Token != secretToken || r.TokenFile != "/nonexistent" {
					t.Errorf("token %q file %q", r.Token, r.TokenFile)
				}
			},
		},
		{
			name:    "anonymous context, namespace, server without scheme",
			files:   map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: \"10.0.0.1:6443\"}\ncontexts:\n- name: x\n  context: {cluster: c, namespace: team}\n"},
			context: "x",
			check: func(t *testing.T, dir string, r *Resolved) {
				if r.User != "" || r.Namespace != "team" || r.Server != "http://10.0.0.1:6443" {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			name:  "server without scheme and TLS",
			files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: \"k.example:6443\", insecure-skip-tls-verify: true}\n" + ctx("\"\"")},
			check: func(t *testing.T, dir string, r *Resolved) {
				if r.Server != "https://k.example:6443" || r.ClusterInfo.Server != r.Server {
					t.Errorf("server %q, cluster info %q", r.Server, r.ClusterInfo.Server)
				}
			},
		},
		{
			name:  "exec command without separator is left for PATH",
			files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {exec: {command: aws, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}}\n" + ctx("u")},
			check: func(t *testing.T, dir string, r *Resolved) {
				if r.Exec.Command != "aws" || r.Exec.InteractiveMode != InteractiveNever {
					t.Errorf("exec %+v", r.Exec)
				}
			},
		},
		{
			name:  "key without certificate is ignored like client-go",
			files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {client-key: missing.key}\n" + ctx("u")},
			check: func(t *testing.T, dir string, r *Resolved) {
				if r.ClientKeyData != nil || r.ClientCertData != nil {
					t.Errorf("got cert data")
				}
			},
		},
		{
			name:  "auth provider",
			files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {auth-provider: {name: oidc, config: {id-token: " + secretIDToken + "}}}\n" + ctx("u")},
			check: func(t *testing.T, dir string, r *Resolved) {
				if r.AuthProvider == nil || r.AuthProvider.Config["id-token"] != secretIDToken {
					t.Errorf("auth provider %+v", r.AuthProvider)
				}
			},
		},
		// Errors.
		{name: "no context", files: map[string]string{"config": cluster + "contexts:\n- name: b\n- name: a\n"},
			wantErr: []string{"kubeconfig $DIR/config: no context is set", `available contexts: "a", "b"`}},
		{name: "no contexts at all", files: map[string]string{"config": ""},
			wantErr: []string{"no context is set", "defines no contexts"}},
		{name: "unknown context", files: map[string]string{"config": cluster + ctx("u")}, context: "nope",
			wantErr: []string{`kubeconfig $DIR/config: context "nope" not found; available contexts: "x"`}},
		{name: "unknown current context", files: map[string]string{"config": "current-context: gone\n"},
			wantErr: []string{`context "gone" not found`}},
		{name: "unknown cluster", files: map[string]string{"config": ctx("u")},
			wantErr: []string{`cluster "c" of context "x" ($DIR/config) not found`}},
		{name: "context without cluster", files: map[string]string{"config": "current-context: x\ncontexts:\n- name: x\n  context: {}\n"},
			wantErr: []string{`context "x" ($DIR/config) names no cluster`}},
		{name: "unknown user", files: map[string]string{"config": cluster + ctx("ghost")},
			wantErr: []string{`user "ghost" of context "x" ($DIR/config) not found`}},
		{name: "no server", files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {}\n" + ctx("\"\"")},
			wantErr: []string{`no server found for cluster "c" ($DIR/config)`}},
		{name: "CA file and data", files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: s, certificate-authority: ca, certificate-authority-data: Q0E=}\n" + ctx("\"\"")},
			wantErr: []string{"certificate-authority-data and certificate-authority are both specified"}},
		{name: "missing CA file", files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: s, certificate-authority: ca.crt}\n" + ctx("\"\"")},
			wantErr: []string{`unable to read certificate-authority $DIR/ca.crt for cluster "c"`, "no such file"}},
		{name: "CA with insecure", files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: s, insecure-skip-tls-verify: true, certificate-authority-data: Q0E=}\n" + ctx("\"\"")},
			wantErr: []string{"root certificates file with the insecure flag is not allowed"}},
		{name: "bad proxy scheme", files: map[string]string{"config": "clusters:\n- name: c\n  cluster: {server: s, proxy-url: \"ftp://p\"}\n" + ctx("\"\"")},
			wantErr: []string{`unsupported scheme "ftp"`}},
		{name: "cert file and data", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {client-certificate: c.crt, client-certificate-data: Q0E=, client-key-data: " + secretKeyB64 + "}\n" + ctx("u")},
			wantErr: []string{"client-certificate-data and client-certificate are both specified"}},
		{name: "key file and data", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {client-certificate-data: Q0E=, client-key: k, client-key-data: " + secretKeyB64 + "}\n" + ctx("u")},
			wantErr: []string{"client-key-data and client-key are both specified"}},
		{name: "cert without key", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {client-certificate-data: Q0E=}\n" + ctx("u")},
			wantErr: []string{`client-key-data or client-key must be specified for user "u"`}},
		{name: "missing cert file", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {client-certificate: c.crt, client-key-data: " + secretKeyB64 + "}\n" + ctx("u")},
			wantErr: []string{`unable to read client-certificate $DIR/c.crt for user "u"`}},
		{name: "missing key file", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {client-certificate-data: Q0E=, client-key: sub/k.pem}\n" + ctx("u")},
			wantErr: []string{`unable to read client-key $DIR/sub/k.pem for user "u"`}},
		{name: "missing token file", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {tokenFile: t}\n" + ctx("u")},
			wantErr: []string{"unable to read tokenFile $DIR/t"}},
		{name: "token and basic", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {token: " + secretToken + ", password: " + secretPassword + "}\n" + ctx("u")},
			wantErr: []string{"more than one authentication method"}},
		{name: "tokenFile and basic", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {tokenFile: t, username: u, password: " + secretPassword + "}\n" + ctx("u")},
			wantErr: []string{"more than one authentication method"}},
		{name: "groups without as", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {as-groups: [g]}\n" + ctx("u")},
			wantErr: []string{"without impersonating a user"}},
		{name: "exec v1 without interactiveMode", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {exec: {command: c, apiVersion: client.authentication.k8s.io/v1}}\n" + ctx("u")},
			wantErr: []string{"exec interactiveMode must be specified"}},
		{name: "exec all wrong", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {auth-provider: {name: oidc}, exec: {interactiveMode: Sometimes, env: [{value: " + secretEnv + "}]}}\n" + ctx("u")},
			wantErr: []string{"auth-provider cannot be combined", "command must be specified", "apiVersion must be specified", "env[0] has no name", `invalid exec interactiveMode "Sometimes"`}},
		{name: "exec unknown version", files: map[string]string{"config": cluster + "users:\n- name: u\n  user: {exec: {command: c, apiVersion: client.authentication.k8s.io/v1alpha1}}\n" + ctx("u")},
			wantErr: []string{"v1alpha1\" is not supported"}},
	})
}

func TestResolveMergedRelativePaths(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"one/config": "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n",
		"two/config": "clusters:\n- name: c\n  cluster: {server: https://k, certificate-authority: ca}\nusers:\n- name: u\n  user: {tokenFile: tok}\n",
		"two/ca":     "CA-TWO",
		"two/tok":    "T",
	})
	cfg, err := Load(filepath.Join(dir, "one/config"), filepath.Join(dir, "two/config"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := cfg.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.CAData) != "CA-TWO" || r.TokenFile != filepath.Join(dir, "two/tok") || r.Token != "T" {
		t.Errorf("paths not resolved against the defining file: %+v", r)
	}
	_, err = cfg.Resolve("nope")
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "one/config")+", "+filepath.Join(dir, "two/config")) {
		t.Errorf("error %v does not name both files", err)
	}
	if errors.Is(err, ErrNoContext) {
		t.Errorf("unknown context is not ErrNoContext")
	}
}

func TestResolveHugeFile(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	cfg, err := Parse([]byte("current-context: x\nclusters:\n- name: c\n  cluster: {server: https://k, certificate-authority: /dev/zero}\n"+
		"contexts:\n- name: x\n  context: {cluster: c}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Resolve(""); err == nil || !strings.Contains(err.Error(), "file too large") {
		t.Errorf("Resolve = %v, want file too large", err)
	}
}
