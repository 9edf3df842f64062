package devcluster_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// kubectl runs the stock kubectl on the PATH against the cluster.
type kubectl struct {
	t          *testing.T
	kubeconfig string
	ns         string
}

func (k kubectl) cmd(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, "kubectl", append([]string{"--kubeconfig", k.kubeconfig, "-n", k.ns}, args...)...)
	c.Env = append(os.Environ(), "HOME="+filepath.Dir(k.kubeconfig))
	return c
}

// run runs kubectl and returns stdout, stderr and the exit code.
func (k kubectl) run(stdin string, args ...string) (string, string, int) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := k.cmd(ctx, args...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if stdin != "" {
		c.Stdin = strings.NewReader(stdin)
	}
	err := c.Run()
	var ee *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		k.t.Fatalf("kubectl %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

func (k kubectl) ok(args ...string) string {
	k.t.Helper()
	out, errOut, code := k.run("", args...)
	if code != 0 {
		k.t.Fatalf("kubectl %v: exit %d: %s", args, code, errOut)
	}
	return out
}

func TestKubectl(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not on PATH")
	}
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kc, shared.Kubeconfig(), 0o600); err != nil {
		t.Fatal(err)
	}
	k := kubectl{t: t, kubeconfig: kc, ns: "kubectl-test"}
	k.ok("create", "namespace", k.ns)

	// A Deployment of 3 replicas runs 3 pods.
	k.ok("create", "deployment", "web", "--image=busybox", "--replicas=3", "--",
		"sh", "-c", "echo started; sleep 3600")
	k.ok("rollout", "status", "deployment/web", "--timeout=60s")
	pods := strings.Fields(k.ok("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}"))
	if len(pods) != 3 {
		t.Fatalf("running pods: %v", pods)
	}
	pod := pods[0]

	// logs
	eventually(t, 30*time.Second, "kubectl logs", func() error {
		if out, _, _ := k.run("", "logs", pod); out != "started\n" {
			return fmt.Errorf("logs = %q", out)
		}
		return nil
	})

	// exec: exit status and both streams
	out, errOut, code := k.run("", "exec", pod, "--", "sh", "-c", "echo out; echo err >&2; exit 3")
	if code != 3 || out != "out\n" || !strings.HasPrefix(errOut, "err\n") {
		t.Fatalf("exec: code %d stdout %q stderr %q", code, out, errOut)
	}

	// exec -i cat returns once stdin ends
	out, errOut, code = k.run("hello stdin\n", "exec", "-i", pod, "--", "cat")
	if code != 0 || out != "hello stdin\n" {
		t.Fatalf("exec -i cat: code %d stdout %q stderr %q", code, out, errOut)
	}

	// port-forward to a local HTTP server
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "through kubectl")
	})}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithCancel(context.Background())
	pf := k.cmd(ctx, "port-forward", "pod/"+pod, ":"+strconv.Itoa(port))
	stdout, err := pf.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := pf.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = pf.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("port-forward: %v", err)
	}
	m := regexp.MustCompile(`127\.0\.0\.1:(\d+) ->`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("port-forward said %q", line)
	}
	resp, err := http.Get("http://127.0.0.1:" + m[1] + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "through kubectl" {
		t.Fatalf("fetched %q", body)
	}

	// scale
	k.ok("scale", "deployment/web", "--replicas=1")
	eventually(t, 60*time.Second, "scaled to 1", func() error {
		out, _, _ := k.run("", "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}")
		if n := len(strings.Fields(out)); n != 1 {
			return fmt.Errorf("%d pods", n)
		}
		return nil
	})

	// delete the namespace and wait for it to go
	k.ok("delete", "namespace", k.ns, "--wait=true", "--timeout=90s")
	if out, _, code := k.run("", "get", "namespace", k.ns); code == 0 {
		t.Fatalf("namespace still there: %s", out)
	}
}
