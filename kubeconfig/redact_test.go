package kubeconfig

import (
	"fmt"
	"strings"
	"testing"
)

func TestRedaction(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(fullConfig+`- name: proxied
  context: {cluster: proxied}
`), "/k/config")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clusters = append(cfg.Clusters, NamedCluster{Name: "proxied", Cluster: Cluster{
		Server: "https://k", ProxyURL: "http://user:" + secretPassword + "@proxy:3128",
	}})
	exec := cfg.User("plugin").AuthInfo.Exec
	resolved, err := cfg.Resolve("proxied")
	if err != nil {
		t.Fatal(err)
	}
	// A Resolved holding every kind of secret.
	full := *resolved
	full.Token, full.Password, full.ClientKeyData = secretToken, secretPassword, []byte(secretKeyPEM)
	full.Exec = exec
	full.AuthProvider = cfg.User("sso").AuthInfo.AuthProvider

	values := map[string]any{
		"Config":              *cfg,
		"*Config":             cfg,
		"AuthInfo":            cfg.User("admin").AuthInfo,
		"NamedAuthInfo":       *cfg.User("admin"),
		"[]NamedAuthInfo":     cfg.Users,
		"ExecConfig":          *exec,
		"*ExecConfig":         exec,
		"ExecEnvVar":          exec.Env[0],
		"AuthProviderConfig":  *cfg.User("sso").AuthInfo.AuthProvider,
		"*AuthProviderConfig": cfg.User("sso").AuthInfo.AuthProvider,
		"Resolved":            full,
		"*Resolved":           &full,
		"Cluster":             cfg.Cluster("proxied").Cluster,
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%10.3v"} {
				out := fmt.Sprintf(verb, v)
				assertNoSecret(t, verb, out)
				if verb != "%x" && verb != "%10.3v" && !strings.Contains(out, Redacted) {
					t.Errorf("%s: no %s in %s", verb, Redacted, out)
				}
			}
			if s, ok := v.(fmt.Stringer); ok {
				assertNoSecret(t, "String()", s.String())
			}
			if s, ok := v.(fmt.GoStringer); ok {
				assertNoSecret(t, "GoString()", s.GoString())
			}
		})
	}

	t.Run("readable", func(t *testing.T) {
		t.Parallel()
		got := fmt.Sprintf("%#v", cfg.User("sso").AuthInfo.AuthProvider)
		want := `kubeconfig.AuthProviderConfig{Name:"oidc", Config:map[string]string{"client-id":"kubectl", "id-token":"REDACTED"}}`
		if got != want {
			t.Errorf("%%#v = %s, want %s", got, want)
		}
		got = fmt.Sprint(ExecEnvVar{Name: "A", Value: ""})
		if got != "{A }" {
			t.Errorf("empty value printed as %q", got)
		}
		got = fmt.Sprintf("%+v", AuthInfo{Token: "x", Username: "bob"})
		if !strings.Contains(got, "Token:REDACTED") || !strings.Contains(got, "Username:bob") || !strings.Contains(got, "Exec:<nil>") {
			t.Errorf("%%+v = %s", got)
		}
	})
}
