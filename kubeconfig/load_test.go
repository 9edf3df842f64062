package kubeconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	fileA = `current-context: ctx-a
clusters:
- name: shared
  cluster: {server: https://a.example}
- name: only-a
  cluster: {server: https://only-a.example}
users:
- name: shared
  user: {token: token-a}
contexts:
- name: shared
  context: {cluster: shared, user: shared, namespace: ns-a}
- name: ctx-a
  context: {cluster: only-a, user: shared}
`
	fileB = `current-context: ctx-b
clusters:
- name: shared
  cluster: {server: https://b.example, insecure-skip-tls-verify: true}
- name: only-b
  cluster: {server: https://only-b.example}
users:
- name: shared
  user: {username: b, password: pw}
- name: only-b
  user: {token: token-b}
contexts:
- name: shared
  context: {cluster: only-b, user: only-b}
- name: ctx-b
  context: {cluster: shared, user: only-b}
`
	fileNoCurrent = `clusters:
- name: only-c
  cluster: {server: https://only-c.example}
`
)

func names[T any](items []T, name func(T) string) []string {
	var out []string
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

func TestLoadMerge(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, t.TempDir(), map[string]string{"a": fileA, "b": fileB, "c": fileNoCurrent, "empty": ""})
	a, b, c, empty := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c"), filepath.Join(dir, "empty")
	tests := []struct {
		name           string
		paths          []string
		current        string
		clusters       []string
		clusterSources []string
		users          []string
		sharedServer   string // server of cluster "shared"
		sharedUser     string // token of user "shared"
		sources        []string
	}{
		{
			name: "first wins", paths: []string{a, b}, current: "ctx-a",
			clusters: []string{"shared", "only-a", "only-b"}, clusterSources: []string{a, a, b},
			users: []string{"shared", "only-b"}, sharedServer: "https://a.example", sharedUser: "token-a",
			sources: []string{a, b},
		},
		{
			name: "reverse order", paths: []string{b, a}, current: "ctx-b",
			clusters: []string{"shared", "only-b", "only-a"}, clusterSources: []string{b, b, a},
			users: []string{"shared", "only-b"}, sharedServer: "https://b.example", sharedUser: "",
			sources: []string{b, a},
		},
		{
			name: "current-context from first file that sets it", paths: []string{empty, c, b, a}, current: "ctx-b",
			clusters: []string{"only-c", "shared", "only-b", "only-a"}, clusterSources: []string{c, b, b, a},
			users: []string{"shared", "only-b"}, sharedServer: "https://b.example", sharedUser: "",
			sources: []string{empty, c, b, a},
		},
		{
			name: "duplicates loaded once, empty entries skipped", paths: []string{a, "", a, b, filepath.Join(dir, ".", "a")}, current: "ctx-a",
			clusters: []string{"shared", "only-a", "only-b"}, clusterSources: []string{a, a, b},
			users: []string{"shared", "only-b"}, sharedServer: "https://a.example", sharedUser: "token-a",
			sources: []string{a, b},
		},
		{name: "no paths", paths: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.CurrentContext != tt.current {
				t.Errorf("CurrentContext = %q, want %q", cfg.CurrentContext, tt.current)
			}
			if got := names(cfg.Clusters, func(c NamedCluster) string { return c.Name }); !reflect.DeepEqual(got, tt.clusters) {
				t.Errorf("clusters = %q, want %q", got, tt.clusters)
			}
			if got := names(cfg.Clusters, func(c NamedCluster) string { return c.Source }); !reflect.DeepEqual(got, tt.clusterSources) {
				t.Errorf("cluster sources = %q, want %q", got, tt.clusterSources)
			}
			if got := names(cfg.Users, func(c NamedAuthInfo) string { return c.Name }); !reflect.DeepEqual(got, tt.users) {
				t.Errorf("users = %q, want %q", got, tt.users)
			}
			if !reflect.DeepEqual(cfg.Sources, tt.sources) {
				t.Errorf("Sources = %q, want %q", cfg.Sources, tt.sources)
			}
			if tt.sharedServer != "" {
				if got := cfg.Cluster("shared").Cluster.Server; got != tt.sharedServer {
					t.Errorf("shared server = %q, want %q", got, tt.sharedServer)
				}
				// Entries are whole: the winner's fields are not mixed with
				// the loser's.
				u := cfg.User("shared").AuthInfo
				if u.Token != tt.sharedUser || (tt.sharedUser != "" && u.Username != "") {
					t.Errorf("shared user = %+v, want token %q only", u, tt.sharedUser)
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"good": fileA,
		"bad":  "users:\n- name: u\n  user: {token: [" + secretToken + "\n",
		"bad2": "users:\n- name: u\n  user: {client-key-data: \"" + secretToken + "\"}\n",
	})
	good, bad, bad2, missing := filepath.Join(dir, "good"), filepath.Join(dir, "bad"), filepath.Join(dir, "bad2"), filepath.Join(dir, "missing")

	_, err := Load(good, missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing) = %v, want a not-exist error naming %s", err, missing)
	}
	_, err = LoadFile(missing)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile(missing) = %v, want not exist", err)
	}
	_, err = Load(good, bad, bad2)
	if err == nil {
		t.Fatal("Load(bad files) succeeded")
	}
	for _, want := range []string{"kubeconfig " + bad + ": line 3", "kubeconfig " + bad2 + ": users[0].user.client-key-data: illegal base64"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	assertNoSecret(t, "error", err.Error())
}

// LoadDefault reads the environment, so these tests are not parallel.
func TestLoadDefault(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"a": fileA, "b": fileB,
		"home/.kube/config": "current-context: from-home\n",
	})
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	t.Setenv("HOME", filepath.Join(dir, "home"))

	t.Run("KUBECONFIG list skips missing entries", func(t *testing.T) {
		t.Setenv(EnvVar, strings.Join([]string{filepath.Join(dir, "missing"), b, "", a}, string(os.PathListSeparator)))
		cfg, err := LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.CurrentContext != "ctx-b" || !reflect.DeepEqual(cfg.Sources, []string{b, a}) {
			t.Errorf("got current %q from %q", cfg.CurrentContext, cfg.Sources)
		}
	})
	t.Run("KUBECONFIG all missing", func(t *testing.T) {
		t.Setenv(EnvVar, filepath.Join(dir, "missing"))
		cfg, err := LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cfg.Resolve(""); !errors.Is(err, ErrNoContext) {
			t.Errorf("Resolve = %v, want ErrNoContext", err)
		}
	})
	t.Run("home", func(t *testing.T) {
		t.Setenv(EnvVar, "")
		if got, want := DefaultPaths(), []string{filepath.Join(dir, "home", ".kube", "config")}; !reflect.DeepEqual(got, want) {
			t.Errorf("DefaultPaths = %q, want %q", got, want)
		}
		cfg, err := LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.CurrentContext != "from-home" {
			t.Errorf("CurrentContext = %q", cfg.CurrentContext)
		}
	})
	t.Run("no home config", func(t *testing.T) {
		t.Setenv(EnvVar, "")
		t.Setenv("HOME", filepath.Join(dir, "nohome"))
		cfg, err := LoadDefault()
		if err != nil || len(cfg.Sources) != 0 {
			t.Errorf("LoadDefault = %+v, %v; want empty config", cfg, err)
		}
	})
}
