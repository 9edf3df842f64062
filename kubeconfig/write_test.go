package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const writeSrc = `# my clusters, do not lose this
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: secret}
contexts:
- name: a   # the first one
  context:
    cluster: c
    user: u
- context: {cluster: c, user: u, namespace: x}
  name: b
- name: bare
# the current one
current-context: a
`

func writeTemp(t *testing.T, data string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
	return path
}

func readBack(t *testing.T, path string) (string, *Config, os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data, path)
	if err != nil {
		t.Fatalf("the written file does not parse: %v\n%s", err, data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data), cfg, fi.Mode().Perm()
}

func keepsComments(t *testing.T, data string) {
	t.Helper()
	for _, c := range []string{"# my clusters, do not lose this", "# the first one", "# the current one"} {
		if !strings.Contains(data, c) {
			t.Errorf("comment %q was lost:\n%s", c, data)
		}
	}
}

func TestSetCurrentContext(t *testing.T) {
	path := writeTemp(t, writeSrc, 0o600)
	if err := SetCurrentContext(path, "b"); err != nil {
		t.Fatal(err)
	}
	data, cfg, mode := readBack(t, path)
	if cfg.CurrentContext != "b" || mode != 0o600 {
		t.Errorf("current-context %q, mode %v", cfg.CurrentContext, mode)
	}
	keepsComments(t, data)
	if len(cfg.Contexts) != 3 || cfg.Context("b").Context.Namespace != "x" || cfg.User("u").AuthInfo.Token != "secret" {
		t.Errorf("other content changed:\n%s", data)
	}

	// A file without current-context gets one; a group-readable file stays so.
	path = writeTemp(t, strings.Replace(writeSrc, "current-context: a\n", "", 1), 0o640)
	if err := SetCurrentContext(path, "a: odd"); err != nil {
		t.Fatal(err)
	}
	if data, cfg, mode := readBack(t, path); cfg.CurrentContext != "a: odd" || mode != 0o640 {
		t.Errorf("current-context %q, mode %v:\n%s", cfg.CurrentContext, mode, data)
	}

	// A missing file is created 0600; nothing is left beside it.
	dir := t.TempDir()
	path = filepath.Join(dir, "new")
	if err := SetCurrentContext(path, "x"); err != nil {
		t.Fatal(err)
	}
	if _, cfg, mode := readBack(t, path); cfg.CurrentContext != "x" || mode != 0o600 {
		t.Errorf("new file: current-context %q, mode %v", cfg.CurrentContext, mode)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

func TestRenameContext(t *testing.T) {
	path := writeTemp(t, writeSrc, 0o600)
	if err := RenameContext(path, "a", "prod"); err != nil {
		t.Fatal(err)
	}
	data, cfg, mode := readBack(t, path)
	keepsComments(t, data)
	if cfg.Context("prod") == nil || cfg.Context("a") != nil || cfg.CurrentContext != "prod" || mode != 0o600 {
		t.Errorf("after rename:\n%s", data)
	}
	if err := RenameContext(path, "b", "bare"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("rename onto an existing name: %v", err)
	}
	if err := RenameContext(path, "nope", "x"); err == nil {
		t.Error("renaming a missing context succeeded")
	}
	if after, _, _ := readBack(t, path); after != data {
		t.Error("a failed rename changed the file")
	}
}

func TestSetContextNamespace(t *testing.T) {
	path := writeTemp(t, writeSrc, 0o600)
	for _, tc := range []struct{ ctx, ns string }{{"a", "web"}, {"b", "db"}, {"bare", "z"}} {
		if err := SetContextNamespace(path, tc.ctx, tc.ns); err != nil {
			t.Fatalf("%s: %v", tc.ctx, err)
		}
		data, cfg, _ := readBack(t, path)
		keepsComments(t, data)
		if got := cfg.Context(tc.ctx).Context.Namespace; got != tc.ns {
			t.Errorf("context %s: namespace %q, want %q:\n%s", tc.ctx, got, tc.ns, data)
		}
	}
	_, cfg, _ := readBack(t, path)
	if cfg.Context("a").Context.Cluster != "c" || cfg.Context("b").Context.AuthInfo != "u" {
		t.Errorf("other fields changed: %+v", cfg.Contexts)
	}
	if err := SetContextNamespace(path, "nope", "x"); err == nil {
		t.Error("setting the namespace of a missing context succeeded")
	}
}

func TestWriteFileFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.WriteFile(real, []byte(writeSrc), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	if err := SetCurrentContext(link, "b"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if _, cfg, _ := readBack(t, real); cfg.CurrentContext != "b" {
		t.Errorf("the target was not changed")
	}
}

func TestEditRefusesBadFile(t *testing.T) {
	path := writeTemp(t, "apiVersion: v1\nkind: Config\nclusters: [\n", 0o600)
	if err := SetCurrentContext(path, "x"); err == nil {
		t.Error("edited a file that does not parse")
	}
}
