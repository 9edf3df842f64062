package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// complete asks kubectl-ng for completions as a shell's TAB does, through
// the hidden __complete command: the words typed so far, the last being
// the one completed. It returns the candidates and fails unless the
// directive is "no files".
func complete(t *testing.T, words ...string) []string {
	t.Helper()
	return completeWith(t, ":4", words...)
}

// completeWith is complete expecting directive.
func completeWith(t *testing.T, directive string, words ...string) []string {
	t.Helper()
	r := ng(t, "", "", append([]string{"__complete", "--kubeconfig", testcluster.Kubeconfig(t)}, words...)...)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) == 0 || lines[len(lines)-1] != directive {
		t.Fatalf("__complete %s: exit %d, stdout %q (want the directive %s), stderr %q", strings.Join(words, " "), r.code, r.stdout, directive, r.stderr)
	}
	return lines[:len(lines)-1]
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME}\nspec: {containers: [{name: main, image: busybox}, {name: side, image: busybox}]}\n"
	mustNG(t, ns, strings.ReplaceAll(pod, "NAME", "alpha")+"---\n"+strings.ReplaceAll(pod, "NAME", "beta"), "apply", "-f", "-")
	mustNG(t, ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\n", "apply", "-f", "-")
	nodes := strings.Fields(strings.ReplaceAll(mustNG(t, "", "", "get", "nodes", "-o", "name"), "node/", ""))
	contexts := strings.Fields(mustNG(t, "", "", "config", "get-contexts", "-o", "name"))
	slices.Sort(contexts)

	for _, tc := range []struct {
		words []string
		want  []string // exactly these, in this order
		has   []string // at least these
		not   []string
	}{
		// Kinds from discovery, named as api-resources -o name names them.
		{words: []string{"get", "po"}, has: []string{"pods", "poddisruptionbudgets.policy"}, not: []string{"services", "nodes"}},
		// Not "deploy": the root package's tests may hold a CRD whose plural is deployments.
		{words: []string{"get", "daemons"}, want: []string{"daemonsets.apps"}},
		{words: []string{"describe", ""}, has: []string{"pods", "nodes", "deployments.apps", "configmaps", "customresourcedefinitions.apiextensions.k8s.io"}},
		// Names from the cluster, in the namespace of -n.
		{words: []string{"-n", ns, "get", "pods", ""}, want: []string{"alpha", "beta"}},
		{words: []string{"-n", ns, "get", "pods", "al"}, want: []string{"alpha"}},
		{words: []string{"-n", ns, "get", "pods", "alpha", ""}, want: []string{"beta"}},
		{words: []string{"-n", ns, "get", "pod/"}, want: []string{"pod/alpha", "pod/beta"}},
		{words: []string{"get", "-n", ns, "cm/c"}, want: []string{"cm/conf"}},
		{words: []string{"-n", ns, "describe", "pod", ""}, want: []string{"alpha", "beta"}},
		{words: []string{"-n", ns, "delete", "configmaps", ""}, has: []string{"conf", "kube-root-ca.crt"}},
		{words: []string{"-n", ns, "label", "pods", "alpha", ""}, want: []string{}},
		{words: []string{"-n", ns, "logs", ""}, want: []string{"alpha", "beta"}},
		{words: []string{"-n", ns, "logs", "b"}, want: []string{"beta"}},
		{words: []string{"-n", ns, "exec", ""}, want: []string{"alpha", "beta"}},
		{words: []string{"-n", ns, "exec", "alpha", ""}, want: []string{}},
		{words: []string{"-n", ns, "exec", "alpha", "-c", ""}, want: []string{"main", "side"}},
		{words: []string{"-n", ns, "logs", "beta", "-c", "s"}, want: []string{"side"}},
		{words: []string{"-n", ns, "port-forward", "a"}, want: []string{"alpha"}},
		{words: []string{"-n", ns, "get", "nodes", ""}, want: nodes},
		{words: []string{"cordon", ""}, want: nodes},
		{words: []string{"drain", nodes[0], ""}, want: []string{}},
		// Namespaces and contexts for the global flags.
		{words: []string{"get", "pods", "-n", ""}, has: []string{ns, "default", "kube-system"}},
		{words: []string{"-n", strings.TrimSuffix(ns, ns[len(ns)-6:])}, has: []string{ns}, not: []string{"default"}},
		{words: []string{"--context", ""}, want: contexts},
		{words: []string{"config", "use-context", ""}, want: contexts},
	} {
		got := complete(t, tc.words...)
		switch {
		case tc.want != nil && !slices.Equal(got, tc.want):
			t.Errorf("%q: got %q, want %q", tc.words, got, tc.want)
		case tc.want == nil && len(got) == 0:
			t.Errorf("%q: no completions", tc.words)
		}
		for _, h := range tc.has {
			if !slices.Contains(got, h) {
				t.Errorf("%q: %q lacks %q", tc.words, got, h)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(got, n) {
				t.Errorf("%q: %q has %q", tc.words, got, n)
			}
		}
	}

	// -o: no space after a format that takes an argument (4|2 = 6).
	if got := complete(t, "get", "pods", "-o", "j"); !slices.Equal(got, []string{"json", "jsonpath="}) {
		t.Errorf("-o j: got %q", got)
	}
	if got := completeWith(t, ":6", "get", "pods", "-o", "c"); !slices.Equal(got, []string{"custom-columns="}) {
		t.Errorf("-o c: got %q", got)
	}

	t.Run("bash", func(t *testing.T) { bashCompletes(t, ns) })

	// The scripts: each shell's names kubectl-ng and calls __complete.
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out := mustNG(t, "", "", "completion", sh)
		if !strings.Contains(out, "kubectl-ng") || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s printed no script for kubectl-ng:\n%.300s", sh, out)
		}
	}
}

// bashCompletes sources the bash script in a real bash and presses TAB
// (calls the completion function as bash would), with this test binary
// on PATH as kubectl-ng.
func bashCompletes(t *testing.T, ns string) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(self, filepath.Join(bin, "kubectl-ng")); err != nil {
		t.Fatal(err)
	}
	// Without the bash-completion package: its one helper the script
	// needs, and compopt, which works only inside a real TAB.
	script := `_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
compopt() { :; }
source <(kubectl-ng completion bash)
tab() {
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
	__start_kubectl-ng kubectl-ng "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
	echo "${COMPREPLY[*]}"
}
tab kubectl-ng --kubeconfig "$KC" -n "$NS" get pods ""
tab kubectl-ng --kubeconfig "$KC" -n "$NS" logs b
tab kubectl-ng --kubeconfig "$KC" get daemons
`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	debug := filepath.Join(bin, "debug.log")
	cmd.Env = append(os.Environ(), "KUBECTL_NG_TEST_MAIN=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KC="+testcluster.Kubeconfig(t), "NS="+ns, "BASH_COMP_DEBUG_FILE="+debug)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if want := "alpha beta\nbeta\ndaemonsets.apps\n"; err != nil || string(out) != want {
		log, _ := os.ReadFile(debug)
		t.Errorf("bash completion: %v\n got: %q\nwant: %q\ncompletion log:\n%s", err, out, want, log)
	}
	t.Logf("3 TABs in bash in %v", time.Since(start).Round(10*time.Millisecond))
}

// TestCompletionNoCluster: with the cluster out of reach a TAB offers
// nothing, not files, and returns within completeTimeout.
func TestCompletionNoCluster(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	kc := filepath.Join(t.TempDir(), "config")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: "https://%s", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: gone, context: {cluster: gone, user: u}}]
current-context: gone
`, addr)
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, words := range [][]string{{"get", "po"}, {"get", "pods", ""}, {"logs", ""}, {"-n", ""}} {
		start := time.Now()
		var out bytes.Buffer
		code := run(context.Background(), append([]string{"__complete", "--kubeconfig", kc}, words...), nil, &out, io.Discard)
		took := time.Since(start)
		if code != 0 || out.String() != ":4\n" {
			t.Errorf("%q: exit %d, %q; want no candidates and :4", words, code, out.String())
		}
		if took > completeTimeout+3*time.Second { // slack for a busy machine
			t.Errorf("%q took %v", words, took)
		}
		t.Logf("%q: %v", words, took.Round(10*time.Millisecond))
	}
}
