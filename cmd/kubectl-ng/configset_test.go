package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The config commands of this file never reach a cluster: they run on
// copies of testKubeconfig (golden_test.go).

func TestGoldenConfigSet(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(testKubeconfig), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // umask
		t.Fatal(err)
	}
	tr := newTranscript(t, "no-namespace-here")
	tr.exact = true
	cfg := func(args ...string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--kubeconfig", path, "config"}, args...), nil, &out, &errb)
		tr.add(append([]string{"config"}, args...), result{out.String(), errb.String(), code})
	}
	cfg("get-clusters")
	cfg("get-users")
	cfg("set", "clusters.prod.server", "https://1.2.3.4:6443")
	cfg("set", "clusters.staging.server", "https://staging.example")
	cfg("set", "clusters.staging.insecure-skip-tls-verify", "true")
	cfg("set", "clusters.prod.insecure-skip-tls-verify", "maybe")
	cfg("set", "clusters.prod.certificate-authority-data", "aGVsbG8=")
	cfg("set", "clusters.prod.certificate-authority-data", "not base64!")
	cfg("set", "users.admin.client-key-data", "raw key", "--set-raw-bytes")
	cfg("set", "users.dev-user.token", "n3w-s3cr3t")
	cfg("set", "users.admin.act-as", "bob")
	cfg("set", "contexts.dev.namespace", "web")
	cfg("set", "contexts.team.a.cluster", "dev") // the context "team.a"
	cfg("set", "current-context", "dev")
	cfg("set", "preferences.colors", "true")
	cfg("set", "clusters.prod", "x")
	cfg("set", "users.admin.exec.command", "x")
	cfg("set", "users.admin.exec", "x")
	cfg("set", "kind", "x")
	cfg("set", "contexts.dev.namespace", "")
	cfg("set", "contexts.dev.namespace")
	cfg("unset", "contexts.prod.namespace")
	cfg("unset", "contexts.prod.namespace")
	cfg("unset", "users.admin.act-as")
	cfg("unset", "clusters.staging")
	cfg("unset", "contexts.nope.namespace")
	cfg("unset", "preferences.colors")
	cfg("unset", "nope")
	cfg("get-clusters")
	cfg("get-users")
	cfg("get-contexts")
	tr.check("config-set")

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "config-set-file", string(data))
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("the kubeconfig's mode changed: %v %v", fi.Mode(), err)
	}
	for _, c := range []string{"# Team clusters. Keep this comment.", "# the real one", "# set by hand"} {
		if !strings.Contains(string(data), c) {
			t.Errorf("comment %q did not survive:\n%s", c, data)
		}
	}
	for _, line := range strings.Split(tr.buf.String(), "\n") {
		if !strings.HasPrefix(line, "$ ") && strings.Contains(line, "s3cr3t") {
			t.Errorf("a token appears in the output of config set: %s", line)
		}
	}
}

// TestConfigSetMatchesKubectl runs config get-clusters, get-users, set,
// unset, use-context and rename-context through kubectl-ng and kubectl on
// two copies of the same kubeconfig files (one, then two in KUBECONFIG),
// and after each command compares the exit status, the output and each
// file's content as kubectl config view --raw reads it.
func TestConfigSetMatchesKubectl(t *testing.T) {
	t.Parallel()
	kc := kubectlPath(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The second file defines the context dev and the cluster dev; the
	// first the rest, and current-context.
	second := `apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster: {server: "https://dev-2.example"}
contexts:
- name: dev
  context: {cluster: dev, user: dev-user, namespace: two}
- name: only-two
  context: {cluster: dev}
`
	first := strings.Replace(strings.Replace(testKubeconfig, "- name: dev\n  cluster:", "- name: dev-1\n  cluster:", 1),
		"- name: dev\n  context:", "- name: dev-1\n  context:", 1)
	single := []string{
		"get-clusters", "get-users",
		"set clusters.prod.server https://1.2.3.4:6443",
		"set clusters.staging.server https://staging.example",
		"set clusters.staging.insecure-skip-tls-verify true",
		"set clusters.staging.insecure-skip-tls-verify false",
		"set clusters.prod.insecure-skip-tls-verify maybe",
		"set clusters.prod.certificate-authority-data aGVsbG8=",
		"set clusters.prod.certificate-authority-data bad!",
		"set users.admin.client-key-data rawkey --set-raw-bytes",
		"set users.dev-user.token n3w-t0ken",
		"set users.admin.act-as bob",
		"set users.admin.act-as-uid 42",
		"set contexts.dev.namespace web",
		"set contexts.a.b.cluster prod",
		"set current-context dev",
		"set preferences.colors true",
		"set clusters.prod x",
		"set users.admin.exec.command x",
		"unset contexts.dev.namespace",
		"unset contexts.dev.namespace",
		"unset users.admin.act-as",
		"unset clusters.staging",
		"unset contexts.nope.namespace",
		"unset preferences.colors",
		"unset users.admin.client-key-data",
		"unset nope",
		"get-clusters", "get-users",
		"unset current-context",
		"unset users",
		"get-users",
	}
	multi := []string{
		"get-clusters", "get-users",
		"set clusters.dev.server https://dev-changed.example", // in the second file
		"set contexts.dev.namespace web",                      // in the second file
		"set clusters.new.server https://new.example",         // new: in the first file
		"set current-context only-two",
		"unset contexts.only-two.cluster",
		"use-context dev",
		"rename-context dev development",
		"rename-context development prod",
		"unset contexts.development",
		"unset clusters.dev",
		"get-clusters",
	}
	for _, sc := range []struct {
		name  string
		files []string
		cmds  []string
	}{
		{"one file", []string{testKubeconfig}, single},
		{"two files", []string{first, second}, multi},
	} {
		t.Run(sc.name, func(t *testing.T) {
			ours, theirs := writeConfigs(t, "ng", sc.files), writeConfigs(t, "kubectl", sc.files)
			for _, line := range sc.cmds {
				args := append([]string{"config"}, strings.Fields(line)...)
				got := runWithKubeconfig(t, self, ours, args)
				want := runWithKubeconfig(t, kc, theirs, args)
				if (got.code == 0) != (want.code == 0) {
					t.Fatalf("%s: exit %d, kubectl's %d\nstderr: %s\nkubectl's stderr: %s", line, got.code, want.code, got.stderr, want.stderr)
				}
				g, w := got.stdout, want.stdout
				if args[1] == "get-clusters" { // kubectl 1.32 prints them in random order
					g, w = sortLines(g), sortLines(w)
				}
				if g != w {
					t.Errorf("%s: output differs from kubectl's\n%s", line, lineDiff(w, g))
				}
				if strings.HasPrefix(args[1], "get-") {
					continue // changes nothing
				}
				for i := range ours {
					g := runWithKubeconfig(t, kc, ours[i:i+1], []string{"config", "view", "--raw"})
					w := runWithKubeconfig(t, kc, theirs[i:i+1], []string{"config", "view", "--raw"})
					if g.stdout != w.stdout || g.code != 0 {
						t.Fatalf("after %s, file %d differs from kubectl's\n%s", line, i+1, lineDiff(w.stdout, g.stdout))
					}
				}
			}
		})
	}
}

// kubectlPath is kubectl's path; the test is skipped without it.
func kubectlPath(t *testing.T) string {
	t.Helper()
	kc, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	return kc
}

// writeConfigs writes the kubeconfig files of srcs into a directory of
// their own, named prefix-1, prefix-2..., and returns their paths.
func writeConfigs(t *testing.T, prefix string, srcs []string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, src := range srcs {
		p := filepath.Join(dir, prefix+"-"+string(rune('1'+i)))
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// runWithKubeconfig runs program (kubectl, or this test binary standing in
// for kubectl-ng) with KUBECONFIG listing files.
func runWithKubeconfig(t *testing.T, program string, files []string, args []string) result {
	t.Helper()
	cmd := exec.Command(program, args...)
	cmd.Env = append(os.Environ(), "KUBECTL_NG_TEST_MAIN=1", "KUBECONFIG="+strings.Join(files, string(os.PathListSeparator)))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return result{out.String(), errb.String(), ee.ExitCode()}
	case err != nil:
		t.Fatalf("%s %v: %v", program, args, err)
	}
	return result{out.String(), errb.String(), 0}
}

func sortLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
