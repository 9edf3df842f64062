// Package testcluster gives the project's tests a real cluster: the one
// named by KR8S_TEST_KUBECONFIG, or else a devcluster shared by every test
// binary of one `go test` run. Each test gets its own namespace.
//
// The shared devcluster is started by the first test binary that needs
// it, as a detached `devcluster --exit-with-pid <go command's pid>`, so it
// outlives that binary and stops when the go command ends. A lock file
// keyed by that pid elects the starter.
package testcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/kubeconfig"
)

// EnvKubeconfig names an existing cluster's kubeconfig to test against.
const EnvKubeconfig = "KR8S_TEST_KUBECONFIG"

var (
	once    sync.Once
	path    string
	pathErr error
)

// Kubeconfig returns the path of the test cluster's admin kubeconfig. If
// no cluster can be had it fails the test under CI and skips it elsewhere.
func Kubeconfig(t testing.TB) string {
	t.Helper()
	once.Do(func() { path, pathErr = find() })
	if pathErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("test cluster: %v", pathErr)
		}
		t.Skipf("no test cluster: %v", pathErr)
	}
	return path
}

// KubeconfigPath is Kubeconfig for TestMain and examples, where there is
// no testing.TB: it returns the error instead of skipping.
func KubeconfigPath() (string, error) {
	once.Do(func() { path, pathErr = find() })
	return path, pathErr
}

func find() (string, error) {
	if p := os.Getenv(EnvKubeconfig); p != "" {
		return p, nil
	}
	sweep()
	dir := filepath.Join(os.TempDir(), "kr8s-testcluster-"+strconv.Itoa(os.Getppid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	kc := filepath.Join(dir, "kubeconfig")
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if pidBytes, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
		pid, _ := strconv.Atoi(strings.TrimSpace(string(pidBytes)))
		if pid > 0 && syscall.Kill(pid, 0) == nil {
			if _, err := os.Stat(kc); err == nil {
				return kc, nil
			}
		}
	}
	return kc, start(dir, kc)
}

// sweep removes the directories of earlier runs whose go command has
// ended (their clusters stopped with it).
func sweep() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "kr8s-testcluster-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "kr8s-testcluster-"))
		if err == nil && pid != os.Getppid() && syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(d)
		}
	}
}

// buildDevcluster builds the devcluster command into dir.
func buildDevcluster(dir string) (string, error) {
	src, err := devclusterDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "devcluster")
	build := exec.Command("go", "build", "-o", bin, "./cmd/devcluster")
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build devcluster: %v\n%s", err, out)
	}
	return bin, nil
}

// launch starts the devcluster command writing kc and waits until kc
// exists. exitWith is the pid whose end stops the cluster.
func launch(bin, kc, logPath string, exitWith int, detached bool, apiserverArgs ...string) (*exec.Cmd, <-chan struct{}, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, nil, err
	}
	defer logf.Close()
	_ = os.Remove(kc)
	args := []string{"--kubeconfig", kc, "--exit-with-pid", strconv.Itoa(exitWith)}
	for _, a := range apiserverArgs {
		args = append(args, "--apiserver-arg="+a)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Dir(bin)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: detached}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	// A cold build of the control plane takes minutes.
	deadline := time.After(30 * time.Minute)
	for {
		if _, err := os.Stat(kc); err == nil {
			return cmd, exited, nil
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			return nil, nil, fmt.Errorf("devcluster exited before it was ready:\n%s", b)
		case <-deadline:
			_ = cmd.Process.Kill()
			return nil, nil, fmt.Errorf("devcluster not ready after 30m; log in %s", logPath)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// start builds the devcluster command and runs it detached, shared by
// the test binaries of one go command.
func start(dir, kc string) error {
	bin, err := buildDevcluster(dir)
	if err != nil {
		return err
	}
	cmd, _, err := launch(bin, kc, filepath.Join(dir, "devcluster.log"), os.Getppid(), true)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
}

// Private is a dev cluster of one test's own, for tests that disturb the
// cluster (restarting its API server) and must not disturb others.
type Private struct {
	// Kubeconfig is the admin kubeconfig's path.
	Kubeconfig string
	cmd        *exec.Cmd
	exited     <-chan struct{}
	log        string
}

// NewPrivate starts a private dev cluster (seconds once the binaries are
// built) and stops it when the test ends. It fails the test under CI and
// skips it elsewhere if the cluster cannot be had. apiserverArgs are extra
// kube-apiserver flags, such as "--watch-cache=false".
func NewPrivate(t testing.TB, apiserverArgs ...string) *Private {
	t.Helper()
	dir := t.TempDir()
	p := &Private{Kubeconfig: filepath.Join(dir, "kubeconfig"), log: filepath.Join(dir, "devcluster.log")}
	bin, err := buildDevcluster(dir)
	if err == nil {
		p.cmd, p.exited, err = launch(bin, p.Kubeconfig, p.log, os.Getpid(), false, apiserverArgs...)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("private cluster: %v", err)
		}
		t.Skipf("no private cluster: %v", err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(2 * time.Minute):
			_ = p.cmd.Process.Kill()
			t.Errorf("private cluster did not stop in 2m; killed")
		}
	})
	return p
}

// RestartAPIServer restarts the private cluster's API server while etcd
// keeps the data, and returns once the new one is ready.
func (p *Private) RestartAPIServer(t testing.TB) {
	t.Helper()
	p.signal(t, syscall.SIGUSR1, "API server restart", "devcluster: API server restarted", "restart failed")
}

// CompactEtcd compacts the private cluster's etcd up to its current
// revision and returns that revision. Watches older than it get 410 Gone
// when etcd serves them: start the cluster with "--watch-cache=false",
// or the API server's watch cache keeps serving its own window.
func (p *Private) CompactEtcd(t testing.TB) int64 {
	t.Helper()
	line := p.signal(t, syscall.SIGUSR2, "etcd compaction", "devcluster: etcd compacted at revision ", "compaction failed")
	rev, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil {
		t.Fatalf("etcd compaction: bad revision %q", line)
	}
	return rev
}

// signal sends sig to the devcluster command and waits until its log has
// one more line starting with done; it returns the rest of that line.
// A log line containing failed fails the test.
func (p *Private) signal(t testing.TB, sig syscall.Signal, what, done, failed string) string {
	t.Helper()
	read := func() string { b, _ := os.ReadFile(p.log); return string(b) }
	before := strings.Count(read(), done)
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var rest string
	Eventually(t, 2*time.Minute, what, func(context.Context) (bool, error) {
		log := read()
		if strings.Contains(log, failed) {
			return false, fmt.Errorf("%s", log)
		}
		parts := strings.Split(log, done)
		if len(parts)-1 <= before {
			return false, nil
		}
		rest, _, _ = strings.Cut(parts[len(parts)-1], "\n")
		return true, nil
	})
	return rest
}

// Server returns the private cluster's API server URL.
func (p *Private) Server(t testing.TB) string {
	t.Helper()
	a, err := newAdmin(p.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	return a.Server
}

// devclusterDir finds the devcluster module: a devcluster/ directory in
// the calling module or one of its parents (test-only modules live under
// the repository root).
func devclusterDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for dir := strings.TrimSpace(string(out)); ; {
		d := filepath.Join(dir, "devcluster")
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no devcluster module found above the current module")
		}
		dir = parent
	}
}

// Namespace creates a namespace for the test and deletes it when the test
// ends. The name starts with the test's name.
func Namespace(t testing.TB) string {
	t.Helper()
	a := Admin(t)
	name := nsName(t.Name())
	body := fmt.Sprintf(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q}}`, name)
	if err := a.Do(context.Background(), http.MethodPost, "/api/v1/namespaces", []byte(body), nil); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.Do(ctx, http.MethodDelete, "/api/v1/namespaces/"+name, nil, nil); err != nil {
			t.Logf("delete namespace %s: %v", name, err)
		}
	})
	return name
}

func nsName(test string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(test) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	return s + "-" + hex.EncodeToString(suffix)
}

// AdminClient is a minimal HTTP client with the admin's credentials, so
// that test set-up does not depend on the code under test.
type AdminClient struct {
	Server string
	HTTP   *http.Client
}

var (
	adminOnce sync.Once
	admin     *AdminClient
	adminErr  error
)

// Admin returns the admin client for the test cluster.
func Admin(t testing.TB) *AdminClient {
	t.Helper()
	kc := Kubeconfig(t)
	adminOnce.Do(func() { admin, adminErr = newAdmin(kc) })
	if adminErr != nil {
		t.Fatalf("admin client: %v", adminErr)
	}
	return admin
}

func newAdmin(kc string) (*AdminClient, error) {
	cfg, err := kubeconfig.Load(kc)
	if err != nil {
		return nil, err
	}
	r, err := cfg.Resolve("")
	if err != nil {
		return nil, err
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(r.CAData) > 0 {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(r.CAData)
		tlsCfg.RootCAs = pool
	}
	if len(r.ClientCertData) > 0 {
		cert, err := tls.X509KeyPair(r.ClientCertData, r.ClientKeyData)
		if err != nil {
			return nil, err
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	}
	tr := &http.Transport{TLSClientConfig: tlsCfg}
	var rt http.RoundTripper = tr
	if r.Token != "" {
		rt = bearer{tr, r.Token}
	}
	return &AdminClient{Server: r.Server, HTTP: &http.Client{Transport: rt, Timeout: time.Minute}}, nil
}

type bearer struct {
	next  http.RoundTripper
	token string
}

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(req)
}

// Do sends a request with a JSON body and decodes a JSON answer into out
// (if not nil). A non-2xx status is an error carrying the body.
func (a *AdminClient) Do(ctx context.Context, method, path string, body []byte, out *[]byte) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.Server+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d: %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		*out = b
	}
	return nil
}

// Eventually calls cond every 100ms until it reports true, returns an
// error, or timeout passes; the last two fail the test. cond's context
// ends at the deadline.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}
