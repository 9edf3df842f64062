package kubeconfig

import (
	"reflect"
	"strings"
	"testing"
)

const fullConfig = `apiVersion: v1
kind: Config
current-context: dev
preferences: {colors: true}
extensions:
- name: top
  extension: {z: 1}
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    tls-server-name: api.prod
    insecure-skip-tls-verify: false
    certificate-authority: ca/prod.crt
    proxy-url: socks5://proxy:1080
    disable-compression: true
    some-future-field: ignored
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: prod, ids: [1, 2]}
- name: dev
  cluster:
    server: https://dev.example
    certificate-authority-data: Q0EgUEVN
users:
- name: admin
  user:
    client-certificate: certs/admin.crt
    client-key-data: ` + secretKeyB64 + `
    token: ` + secretToken + `
    tokenFile: tok
    as: jane
    as-uid: "42"
    as-groups: [devs, ops]
    as-user-extra: {scopes: [view]}
    username: bob
    password: ` + secretPassword + `
- name: sso
  user:
    auth-provider:
      name: oidc
      config: {client-id: kubectl, id-token: ` + secretIDToken + `}
- name: plugin
  user:
    exec:
      command: ./bin/cred
      args: [get, --all]
      env: [{name: SECRET_ENV, value: ` + secretEnv + `}]
      apiVersion: client.authentication.k8s.io/v1beta1
      installHint: install it
      provideClusterInfo: true
contexts:
- name: dev
  context: {cluster: dev, user: admin, namespace: team}
- name: prod
  context: {cluster: prod, user: plugin}
`

func TestParseFull(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(fullConfig), "/k/config")
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		CurrentContext: "dev",
		Preferences:    map[string]any{"colors": true},
		Extensions:     []NamedExtension{{Name: "top", Extension: map[string]any{"z": uint64(1)}}},
		Sources:        []string{"/k/config"},
		Clusters: []NamedCluster{
			{Name: "prod", Source: "/k/config", Cluster: Cluster{
				Server: "https://prod.example:6443", TLSServerName: "api.prod", CertificateAuthority: "ca/prod.crt",
				ProxyURL: "socks5://proxy:1080", DisableCompression: true,
				Extensions: []NamedExtension{{Name: ExecInfoExtension, Extension: map[string]any{"audience": "prod", "ids": []any{uint64(1), uint64(2)}}}},
			}},
			{Name: "dev", Source: "/k/config", Cluster: Cluster{Server: "https://dev.example", CertificateAuthorityData: []byte("CA PEM")}},
		},
		Users: []NamedAuthInfo{
			{Name: "admin", Source: "/k/config", AuthInfo: AuthInfo{
				ClientCertificate: "certs/admin.crt", ClientKeyData: []byte(secretKeyPEM),
				Token: secretToken, TokenFile: "tok", Impersonate: "jane", ImpersonateUID: "42",
				ImpersonateGroups: []string{"devs", "ops"}, ImpersonateUserExtra: map[string][]string{"scopes": {"view"}},
				Username: "bob", Password: secretPassword,
			}},
			{Name: "sso", Source: "/k/config", AuthInfo: AuthInfo{AuthProvider: &AuthProviderConfig{
				Name: "oidc", Config: map[string]string{"client-id": "kubectl", "id-token": secretIDToken},
			}}},
			{Name: "plugin", Source: "/k/config", AuthInfo: AuthInfo{Exec: &ExecConfig{
				Command: "./bin/cred", Args: []string{"get", "--all"}, Env: []ExecEnvVar{{Name: "SECRET_ENV", Value: secretEnv}},
				APIVersion: "client.authentication.k8s.io/v1beta1", InstallHint: "install it", ProvideClusterInfo: true,
				InteractiveMode: InteractiveIfAvailable, // defaulted for v1beta1, as clientcmd does
			}}},
		},
		Contexts: []NamedContext{
			{Name: "dev", Source: "/k/config", Context: Context{Cluster: "dev", AuthInfo: "admin", Namespace: "team"}},
			{Name: "prod", Source: "/k/config", Context: Context{Cluster: "prod", AuthInfo: "plugin"}},
		},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Parse:\n got %#v\nwant %#v", cfg, want)
		for i := range want.Users {
			if !reflect.DeepEqual(cfg.Users[i], want.Users[i]) {
				t.Errorf("user %d differs", i)
			}
		}
	}
}

func TestParseTolerant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     Config
	}{
		{name: "empty", in: ""},
		{name: "comment only", in: "# nothing here\n"},
		{name: "document marker", in: "---\n"},
		{name: "null", in: "null\n"},
		{name: "no apiVersion or kind", in: "current-context: a\n", want: Config{CurrentContext: "a"}},
		{name: "unknown fields", in: "foo: bar\nclusters:\n- name: c\n  zzz: 1\n  cluster: {server: s, what: [1]}\n",
			want: Config{Clusters: []NamedCluster{{Name: "c", Cluster: Cluster{Server: "s"}}}}},
		{name: "null lists and entries", in: "clusters: null\nusers: ~\ncontexts:\n- name: x\n  context: null\n",
			want: Config{Contexts: []NamedContext{{Name: "x"}}}},
		{name: "second document ignored", in: "current-context: a\n---\ncurrent-context: b\n", want: Config{CurrentContext: "a"}},
		{name: "duplicate key last wins", in: "current-context: a\ncurrent-context: b\n", want: Config{CurrentContext: "b"}},
		{name: "yaml 1.1 booleans", in: "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: yes, disable-compression: On}\n",
			want: Config{Clusters: []NamedCluster{{Name: "c", Cluster: Cluster{InsecureSkipTLSVerify: true, DisableCompression: true}}}}},
		{name: "base64 with newlines", in: "users:\n- name: u\n  user: {client-key-data: \"Zm9v\\nYmFy\"}\n",
			want: Config{Users: []NamedAuthInfo{{Name: "u", AuthInfo: AuthInfo{ClientKeyData: []byte("foobar")}}}}},
		{name: "exec v1 keeps empty interactiveMode", in: "users:\n- name: u\n  user: {exec: {command: c, apiVersion: client.authentication.k8s.io/v1}}\n",
			want: Config{Users: []NamedAuthInfo{{Name: "u", AuthInfo: AuthInfo{Exec: &ExecConfig{Command: "c", APIVersion: "client.authentication.k8s.io/v1"}}}}}},
		{name: "anchors", in: "clusters:\n- name: a\n  cluster: &c {server: s}\n- name: b\n  cluster: *c\n",
			want: Config{Clusters: []NamedCluster{{Name: "a", Cluster: Cluster{Server: "s"}}, {Name: "b", Cluster: Cluster{Server: "s"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse([]byte(tt.in), "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.Sources = []string{""}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse:\n got %#v\nwant %#v", *got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"bad base64", "users:\n- name: a\n- name: b\n  user:\n    client-key-data: \"!!" + secretToken + "\"\n",
			[]string{"kubeconfig /x/config: users[1].user.client-key-data: illegal base64 data at input byte 0"}},
		{"base64 without padding", "users:\n- name: a\n  user: {client-key-data: Zm9vYg}\n",
			[]string{"users[0].user.client-key-data: illegal base64 data"}},
		{"syntax error names line", "clusters:\n- name: c\n  cluster:\n    server: [\ntoken: " + secretToken + "\n",
			[]string{"kubeconfig /x/config: line ", "invalid YAML"}},
		{"syntax error in secret value", "users:\n- name: u\n  user:\n    token: \"" + secretToken + "\n",
			[]string{"kubeconfig /x/config: line 4", "invalid YAML"}},
		{"unknown alias", "users:\n- name: u\n  user: {token: *" + secretToken + "}\n",
			[]string{"line 3", "invalid YAML"}},
		{"bad bool tag", "clusters:\n- name: c\n  cluster: {server: !!bool " + secretToken + "}\n",
			[]string{"invalid YAML"}},
		{"top level list", "- a\n", []string{"(top level): expected a mapping, got a list"}},
		{"top level scalar", secretToken + "\n", []string{"(top level): expected a mapping, got a string"}},
		{"wrong apiVersion", "apiVersion: v2\n", []string{`apiVersion: unsupported value, want "v1"`}},
		{"wrong kind", "kind: Pod\n", []string{`kind: unsupported value, want "Config"`}},
		{"number for string", "current-context: 12\n", []string{"current-context: expected a string, got a number"}},
		{"string for bool", "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: maybe}\n",
			[]string{"clusters[0].cluster.insecure-skip-tls-verify: expected a boolean, got a string"}},
		{"mapping for token", "users:\n- name: u\n  user:\n    token: {a: " + secretToken + "}\n",
			[]string{"users[0].user.token: expected a string, got a mapping"}},
		{"list for cluster", "clusters:\n- name: c\n  cluster: [a]\n", []string{"clusters[0].cluster: expected a mapping, got a list"}},
		{"clusters not a list", "clusters: {a: b}\n", []string{"clusters: expected a list, got a mapping"}},
		{"duplicate name", "contexts:\n- name: a\n- name: b\n- name: a\n", []string{"contexts[2].name: duplicate name, already used by contexts[0]"}},
		{"env not a list", "users:\n- name: u\n  user: {exec: {env: {a: " + secretEnv + "}}}\n",
			[]string{"users[0].user.exec.env: expected a list, got a mapping"}},
		{"auth-provider config value", "users:\n- name: u\n  user: {auth-provider: {name: oidc, config: {" + secretIDToken + ": [x]}}}\n",
			[]string{"users[0].user.auth-provider.config: expected string values, got a list"}},
		{"as-groups element", "users:\n- name: u\n  user: {as-groups: [a, {b: c}]}\n",
			[]string{"users[0].user.as-groups[1]: expected a string, got a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse([]byte(tt.in), "/x/config")
			if err == nil {
				t.Fatalf("Parse = %+v, want error", cfg)
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			assertNoSecret(t, "error", err.Error())
		})
	}
}
