package kr8s

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// writeKubeconfig writes a kubeconfig for server with a token user.
func writeKubeconfig(t *testing.T, server, namespace string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	data := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: ` + server + `}
users:
- name: u
  user: {token: secret-token-value}
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: ` + namespace + `}
- name: other
  context: {cluster: c, user: u, namespace: other-ns}
current-context: ctx
`
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFactoryCaching(t *testing.T) {
	resetFactory()
	t.Cleanup(resetFactory)
	foo := writeKubeconfig(t, "https://127.0.0.1:1", "foo-ns")
	bar := writeKubeconfig(t, "https://127.0.0.1:2", "bar-ns")

	api, err := API(WithKubeconfig(foo))
	if err != nil {
		t.Fatal(err)
	}
	api2, err := API(WithKubeconfig(foo))
	if err != nil {
		t.Fatal(err)
	}
	if api != api2 {
		t.Fatal("rule 1: the same arguments must return the same client")
	}
	api3, err := API(WithKubeconfig(bar))
	if err != nil {
		t.Fatal(err)
	}
	if api3 == api {
		t.Fatal("rule 2: different arguments must return a new client")
	}
	if api3.Namespace() != "bar-ns" || api.Namespace() != "foo-ns" {
		t.Fatalf("namespaces %q %q", api.Namespace(), api3.Namespace())
	}
	api4, err := API(WithKubeconfig(foo), WithContext("other"))
	if err != nil {
		t.Fatal(err)
	}
	if api4 == api || api4.Namespace() != "other-ns" {
		t.Fatalf("context option: got %p ns %q", api4, api4.Namespace())
	}
	first, err := API()
	if err != nil {
		t.Fatal(err)
	}
	if first != api {
		t.Fatal("rule 3: no arguments must return the first cached client")
	}
	bypass, err := NewClient(WithKubeconfig(foo))
	if err != nil {
		t.Fatal(err)
	}
	bypass2, err := NewClient(WithKubeconfig(foo))
	if err != nil {
		t.Fatal(err)
	}
	if bypass == api || bypass == bypass2 {
		t.Fatal("NewClient must return a new, uncached client every time")
	}
	again, _ := API(WithKubeconfig(foo))
	if again == bypass || again != api {
		t.Fatal("API must never return a NewClient client")
	}
}

func TestFactoryNewClientNeverCachedFirst(t *testing.T) {
	resetFactory()
	t.Cleanup(resetFactory)
	foo := writeKubeconfig(t, "https://127.0.0.1:1", "foo-ns")
	bypass, err := NewClient(WithKubeconfig(foo))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", foo)
	c, err := API()
	if err != nil {
		t.Fatal(err)
	}
	if c == bypass {
		t.Fatal("API() returned a NewClient client")
	}
}

func TestFactoryConcurrent(t *testing.T) {
	resetFactory()
	t.Cleanup(resetFactory)
	foo := writeKubeconfig(t, "https://127.0.0.1:1", "foo-ns")
	const n = 100
	got := make([]*Client, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := API(WithKubeconfig(foo))
			if err != nil {
				t.Error(err)
			}
			got[i] = c
		}()
	}
	close(start)
	wg.Wait()
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("goroutine %d got a different client", i)
		}
	}
	factory.mu.Lock()
	defer factory.mu.Unlock()
	if len(factory.clients) != 1 {
		t.Fatalf("%d clients cached, want 1", len(factory.clients))
	}
}

func TestFactoryErrors(t *testing.T) {
	resetFactory()
	t.Cleanup(resetFactory)
	if _, err := API(WithKubeconfig(filepath.Join(t.TempDir(), "missing"))); err == nil {
		t.Fatal("a missing explicit kubeconfig must be an error")
	}
	factory.mu.Lock()
	n := len(factory.clients)
	factory.mu.Unlock()
	if n != 0 {
		t.Fatal("a failed client must not be cached")
	}
	if _, err := NewClient(WithURL("ftp://x")); err == nil {
		t.Fatal("an ftp URL must be an error")
	}
}

func TestClientStringHasNoSecret(t *testing.T) {
	foo := writeKubeconfig(t, "https://127.0.0.1:1", "foo-ns")
	data, err := os.ReadFile(foo)
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Option{WithKubeconfig(foo), WithKubeconfigData(data)} {
		c, err := NewClient(opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(format, c); strings.Contains(s, "secret-token-value") {
				t.Fatalf("%s of a client shows the token: %s", format, s)
			}
		}
	}
}
